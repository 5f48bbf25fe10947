import * as z from 'zod';
import {
  conditionSchema,
  crossRuleSchema,
  regex,
  ruleId,
  scalar,
  type Condition,
  type CrossRule,
} from './schema-checks.js';

/** The keys of a profile file (split from schema.ts): types, meanings and every field a key takes. */

export const MEANINGS = [
  'issuer',
  'audience',
  'jwks-uri',
  'algorithms',
  'hmac-secret',
  'secret',
  'admin-password',
  'tenant-claim',
  'roles-claim',
  'scopes',
  'leeway',
  'dev-auth-flag',
  'auth-enabled-flag',
  'insecure-flag',
  'secure-flag',
  'header-name',
  'cors-origins',
  'docs-exposed',
  'allowed-users',
  'anonymous-role',
  'jwks-cache',
] as const;
export type Meaning = (typeof MEANINGS)[number];

export const KEY_TYPES = [
  'string',
  'boolean',
  'integer',
  'number',
  'url',
  'duration',
  'string-list',
  'json',
  'object',
  'list',
  'any',
] as const;
/** Validators a profile file can name with `schema` (engine/validators.ts): a service whose config has a schema of its own. */
export const SCHEMA_HOOKS = ['authctl-config'] as const;

export const PROFILE_FORMATS = ['toml', 'json', 'jsonc', 'yaml', 'properties', 'env'] as const;

const level = z.enum(['error', 'warning', 'info', 'off']);
/** One level everywhere, [development, staging, production], or a table per target. */
export const levelsSchema = z.union([
  level,
  z.tuple([level, level, level]),
  z.strictObject({ development: level, staging: level, production: level }),
]);

/** How one key reports a built-in check: its own rule id, message and fix (templates). */
export interface Override {
  rule?: string;
  message?: string;
  fix?: string;
  point?: 'key' | 'value';
}

const overrideSchema = z.strictObject({
  rule: ruleId
    .optional()
    .describe("the rule id to report instead (the profile's own, or built-in)"),
  message: z
    .string()
    .optional()
    .describe('template: {key}, {value}, {length}, {fixed}, {bytes}, {min}'),
  fix: z.string().optional().describe('template, like message'),
  point: z.enum(['key', 'value']).optional(),
});

export interface KeySpec {
  type?: (typeof KEY_TYPES)[number];
  meaning?: Meaning;
  description?: string;
  default?: unknown;
  required?: boolean;
  'required-when'?: Condition;
  when?: Condition;
  'meaning-rules'?: boolean;
  allowed?: (string | number | boolean)[];
  pattern?: string;
  deprecated?: string;
  'renamed-to'?: string;
  algorithm?: string;
  'algorithm-key'?: string;
  encoding?: 'utf8' | 'base64' | 'base64url' | 'hex' | 'base64-or-utf8';
  'allowed-bytes'?: number[];
  'jwk-allowed'?: boolean;
  'min-length'?: number;
  unit?: 'seconds' | 'milliseconds' | 'duration';
  max?: number;
  min?: number;
  'claim-format'?: 'json-pointer' | 'dotted' | 'jspath' | 'name';
  separator?: string;
  keys?: Record<string, KeySpec>;
  checks?: CrossRule[];
  'non-empty'?: boolean;
  entries?: 'trimmed';
  online?: boolean;
  report?: Record<string, Override>;
  'absent-at'?: AbsentAt;
  file?: FileSpec;
}

/**
 * Where a finding about a key that is not set points: its own key, its table (an inline table's
 * `{`), the top of its document, or the key of the config that named this file (`file`).
 */
export type AbsentAt = 'key' | 'table' | 'document' | 'referrer';

/** A key whose value names another file the service reads (agentflow.json's "env": ".env"). */
export interface FileSpec {
  format: 'env';
  when?: Condition;
  environment?: boolean;
  missing?: Override;
}

/** The fields of a key that describe a secret (hmac-secret, secret, admin-password). */
const SECRET_FIELDS = {
  algorithm: z
    .string()
    .optional()
    .describe('hmac-secret: the HMAC algorithm the secret serves (HS256)'),
  'algorithm-key': z.string().optional().describe('hmac-secret: the key holding the algorithm'),
  encoding: z
    .enum(['utf8', 'base64', 'base64url', 'hex', 'base64-or-utf8'])
    .optional()
    .describe('how a secret is encoded (default utf8)'),
  'allowed-bytes': z
    .array(z.number().int().positive())
    .optional()
    .describe('secret: the only decoded lengths accepted (oauth2-proxy: 16, 24, 32)'),
  'jwk-allowed': z
    .boolean()
    .optional()
    .describe('hmac-secret: a JWK or JWKS in JSON is accepted instead'),
  'min-length': z
    .number()
    .int()
    .positive()
    .optional()
    .describe('secret, admin-password: minimum length in characters'),
};

export const absentAt = z
  .enum(['key', 'table', 'document', 'referrer'])
  .describe(
    "where a finding about a key that is not set points: its key, its table's value (an inline table's {), the top of its document, or (a file named by a `file` key) the key that names it",
  );

const fileSchema = z
  .strictObject({
    format: z.enum(['env']).describe('the format of the named file'),
    when: conditionSchema
      .optional()
      .describe(
        "its keys are checked only when this holds (the key's own keys); its existence always",
      ),
    environment: z
      .boolean()
      .optional()
      .describe(
        "values given by --env-file and --from-env replace the ones in the file (positions stay the file's)",
      ),
    missing: overrideSchema
      .optional()
      .describe(
        'how a file that does not exist is reported (default config/invalid-value at the value)',
      ),
  })
  .describe(
    'the value is the path of another file (relative to the config): it is read and checked with the sections whose `formats` include its format, findings at its own lines',
  );

/** Where an absent key is reported, and a key that names another file. */
const REFERENCE_FIELDS = {
  'absent-at': absentAt.optional().describe(`${absentAt.description} (default: the section's)`),
  file: fileSchema.optional(),
};

/** The fields of a key that say what it is, what it means and when it applies. */
const KEY_FIELDS = {
  type: z
    .enum(KEY_TYPES)
    .optional()
    .describe('value type (default string); durations accept 90s, 5m, 00:05:00'),
  meaning: z
    .enum(MEANINGS)
    .optional()
    .describe('what the key means for auth: selects the built-in rules that apply'),
  description: z.string().optional(),
  default: z.unknown().optional().describe('the value the service uses when the key is absent'),
  required: z.boolean().optional(),
  'required-when': conditionSchema.optional(),
  when: conditionSchema
    .optional()
    .describe(
      "the rules of the key's meaning apply only when this holds (its type is always checked)",
    ),
  'meaning-rules': z
    .boolean()
    .optional()
    .describe(
      'false: the meaning only informs other rules and --online (a `schema` validates the value); its own rules are not run',
    ),
  allowed: z.array(scalar).optional().describe('the only values the service accepts'),
  pattern: regex.optional().describe('regular expression a string value must match'),
  deprecated: z.string().optional().describe('why the key is deprecated, and what to use'),
  'renamed-to': z.string().optional().describe('the key this one was renamed to'),
};

/** The fields that say how a value is read (units, ranges, claims, lists) and reported. */
const READING_FIELDS = {
  unit: z
    .enum(['seconds', 'milliseconds', 'duration'])
    .optional()
    .describe('leeway, jwks-cache: how a number is read'),
  max: z
    .number()
    .optional()
    .describe('leeway: the largest value in seconds before a warning (default 300)'),
  min: z
    .number()
    .optional()
    .describe(
      'jwks-cache: the smallest value in seconds (default 60); leeway: below it is out of range (default 0)',
    ),
  'claim-format': z
    .enum(['json-pointer', 'dotted', 'jspath', 'name'])
    .optional()
    .describe('tenant-claim, roles-claim: how the claim is addressed'),
  separator: z
    .string()
    .optional()
    .describe('string-list given as one string: the separator (default ",")'),
};

/** The fields that say when a value counts as missing and how its findings are reported. */
const REPORT_FIELDS = {
  'non-empty': z
    .boolean()
    .optional()
    .describe('an empty value counts as missing (required, required-when)'),
  entries: z
    .enum(['trimmed'])
    .optional()
    .describe('string-list: report empty or space-padded entries ("a,,b", "a, b")'),
  online: z
    .boolean()
    .optional()
    .describe('issuer: false when the service never fetches discovery from it (--online skips it)'),
  report: z
    .record(z.string(), overrideSchema)
    .optional()
    .describe("per built-in rule this key reaches: the service's own rule id, message or fix"),
};

export const keySpecSchema: z.ZodType<KeySpec> = z.lazy(() =>
  z.strictObject({
    ...KEY_FIELDS,
    ...SECRET_FIELDS,
    ...READING_FIELDS,
    keys: z
      .record(z.string(), keySpecSchema)
      .optional()
      .describe('type json: the keys of the JSON object inside the value'),
    checks: z
      .array(crossRuleSchema)
      .optional()
      .describe('type json: rules between the keys inside the value'),
    ...REPORT_FIELDS,
    ...REFERENCE_FIELDS,
  }),
);

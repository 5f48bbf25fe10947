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

export { conditionSchema, type Condition, type CrossRule };

/**
 * The profile file format: a service's config described as data (which files, which keys, what
 * each key means for auth, and rules between keys). One zod schema validates profile files and
 * produces `authctl config schema --profile`.
 */

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

/** The fields of a key that say what it is and when it applies. */
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

/** The fields of a key that say how a number, duration, claim or list value is read. */
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
      .describe(
        'issuer: false when the service never fetches discovery from it (--online skips it)',
      ),
    report: z
      .record(z.string(), overrideSchema)
      .optional()
      .describe("per built-in rule this key reaches: the service's own rule id, message or fix"),
  }),
);

/** How --online treats the issuers of a section (or of the top level). */
const onlineSchema = z
  .strictObject({
    when: conditionSchema.optional().describe('the issuers are fetched only when this holds'),
    'required-when': conditionSchema
      .optional()
      .describe('the service refuses to start when the issuer is unreachable (exit 3)'),
  })
  .optional();

export const sectionSchema = z.strictObject({
  at: z
    .string()
    .describe('where the section is: a key path with * (one segment) and ** (any number)'),
  when: conditionSchema
    .optional()
    .describe('only the matches where this holds (keys relative to the match)'),
  closed: z
    .boolean()
    .optional()
    .describe('report keys not declared here as unknown (with did-you-mean)'),
  placeholders: z
    .enum(['declared', 'every-key'])
    .default('declared')
    .describe('every-key: check every value of the section for <placeholders>, whatever its type'),
  'absent-at': z
    .enum(['key', 'table'])
    .default('key')
    .describe(
      "where a finding about a key that is not set points: its table's key, or its table's value (an inline table's {)",
    ),
  online: onlineSchema,
  keys: z.record(z.string(), keySpecSchema).default({}),
  checks: z.array(crossRuleSchema).default([]),
});

export const profileSchema = z.strictObject({
  $schema: z.string().optional(),
  profile: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'profile names are lower-case kebab-case')
    .describe('the name --profile takes'),
  title: z.string().describe('the service, as people call it'),
  init: z
    .string()
    .optional()
    .describe(
      "the line `authctl init`'s wizard shows for this service: `init --profile NAME` writes templates/NAME/",
    ),
  docs: z
    .array(
      z
        .string()
        .regex(
          /^(https:\/\/\S+|[\w./-]+\.md(#[\w-]+)?)$/,
          'an https:// URL, or a .md path in the authctl repository',
        ),
    )
    .default([])
    .describe(
      "the service's documentation the rules come from: https:// URLs (a repository's .md path for authctl's examples)",
    ),
  formats: z.array(z.enum(PROFILE_FORMATS)).min(1).describe('file formats the service reads'),
  files: z
    .array(z.strictObject({ name: z.string(), format: z.enum(PROFILE_FORMATS).optional() }))
    .default([])
    .describe('file names (globs) the service reads; detection and formats of unknown extensions'),
  detect: z
    .strictObject({
      keys: z.array(z.string()).default([]),
      matches: regex
        .optional()
        .describe('top-level names matching this count like detect keys (K3_*)'),
      weight: z.number().positive().default(3).describe('score per key found'),
      all: z
        .boolean()
        .optional()
        .describe(
          "keys are all the service's top-level keys: a file with any other counts only by its name, and its name alone is enough",
        ),
    })
    .default({ keys: [], weight: 3 })
    .describe('keys whose presence says a file is for this service'),
  priority: z
    .number()
    .int()
    .default(0)
    .describe('detection ties go to the higher priority, then to the first registered'),
  separator: z
    .string()
    .min(1)
    .default('.')
    .describe('how key paths are written here: "." (a.b.c) or ":" (ASP.NET)'),
  'key-case': z
    .enum(['exact', 'insensitive', 'relaxed'])
    .default('exact')
    .describe('relaxed: Spring binding (case, - and _ ignored)'),
  closed: z
    .boolean()
    .optional()
    .describe('report keys at the top level not declared here as unknown'),
  'closed-matching': regex
    .optional()
    .describe("closed: only names matching this are the service's (a .env shared with others)"),
  placeholders: z
    .enum(['declared', 'every-key'])
    .default('declared')
    .describe(
      'which top-level values are checked for <placeholders>: declared keys (after their type), or every key of the service (closed-matching) whatever its type',
    ),
  schema: z
    .enum(SCHEMA_HOOKS)
    .optional()
    .describe(
      "a validator registered in authctl that checks the whole file against the service's own schema (types, unknown keys, values); the profile's keys then add meanings and rules between keys, and a value of the wrong type is left to the validator",
    ),
  types: z
    .enum(['loose', 'strict'])
    .default('loose')
    .describe(
      "strict: TOML/JSON types as written (5 is no string, a list must be an array); a value of the wrong type is not read by conditions. loose: env/properties/YAML strings read as the key's type",
    ),
  online: onlineSchema,
  keys: z.record(z.string(), keySpecSchema).default({}),
  checks: z.array(crossRuleSchema).default([]),
  sections: z.array(sectionSchema).default([]),
  rules: z
    .record(
      ruleId,
      z.strictObject({ summary: z.string(), levels: levelsSchema, explain: z.string().optional() }),
    )
    .default({})
    .describe('rules this profile defines (its own ids for checks)'),
  severity: z
    .record(ruleId, levelsSchema)
    .default({})
    .describe('re-level built-in rules for this service'),
});

export type ProfileDefinition = z.output<typeof profileSchema>;
export type Section = z.output<typeof sectionSchema>;

export function profileJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(profileSchema, { unrepresentable: 'any', io: 'input' }) as Record<
    string,
    unknown
  >;
  return {
    ...schema,
    $id: 'https://authctl.dev/schema/verify-profile.json',
    title: 'authctl verify-config profile',
    description: '*.profile.toml / *.profile.json / *.profile.yaml',
  };
}

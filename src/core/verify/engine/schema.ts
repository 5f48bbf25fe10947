import * as z from 'zod';
import {
  conditionSchema,
  crossRuleSchema,
  regex,
  ruleId,
  type Condition,
  type CrossRule,
} from './schema-checks.js';
import {
  absentAt,
  keySpecSchema,
  levelsSchema,
  PROFILE_FORMATS,
  SCHEMA_HOOKS,
} from './schema-keys.js';

export { conditionSchema, type Condition, type CrossRule };

/**
 * The profile file format: a service's config described as data (which files, which keys, what
 * each key means for auth, and rules between keys). One zod schema validates profile files and
 * produces `authctl config schema --profile`.
 */

export * from './schema-keys.js';

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
  'absent-at': absentAt.default('key'),
  formats: z
    .array(z.enum(PROFILE_FORMATS))
    .optional()
    .describe(
      'only documents of these formats (a profile that reads a JSON file and the .env it names); default all',
    ),
  unknown: z
    .enum(['all', 'typos'])
    .default('all')
    .describe(
      'closed: report every undeclared key, or only close misspellings of a declared one (did-you-mean)',
    ),
  online: onlineSchema,
  keys: z.record(z.string(), keySpecSchema).default({}),
  checks: z.array(crossRuleSchema).default([]),
});

/** What `authctl init` writes for a service: data, so a new init style is a profile file and its templates. */
const initPlanSchema = z.strictObject({
  files: z
    .array(
      z.strictObject({
        template: z.string().describe('a file under templates/, filled with the answers'),
        path: z.string().describe('where init writes it, relative to the target directory'),
        checked: z
          .boolean()
          .optional()
          .describe('verify-config checks it as this profile right after init'),
      }),
    )
    .default([]),
  'verify-args': z
    .array(z.string())
    .default([])
    .describe('what the generated CI job passes to verify-config after authctl.toml'),
  probe: z
    .string()
    .default('probe.toml')
    .describe('the probe spec template (a service with routes of its own has one)'),
  modes: z
    .array(z.string())
    .optional()
    .describe('the auth modes the wizard offers (default: jwt only)'),
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
      "the line `authctl init`'s wizard shows for this service: `init --profile NAME` writes its init-plan",
    ),
  'init-plan': initPlanSchema
    .optional()
    .describe('with `init`: what `authctl init --profile NAME` writes besides authctl.toml'),
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
    .array(
      z.strictObject({
        name: z.string(),
        format: z.enum(PROFILE_FORMATS).optional(),
        covers: z
          .array(z.string())
          .optional()
          .describe(
            'auto-detection: files this one names and checks itself (agentflow.json its .env), not checked again when it is found',
          ),
      }),
    )
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

import * as z from 'zod';

/** Conditions and cross-key rules of profile files (split from schema.ts: one file per part of the format). */

export const scalar = z.union([z.string(), z.number(), z.boolean()]);

export interface Condition {
  key?: string;
  env?: string;
  type?: ValueType | ValueType[];
  file?: boolean;
  equals?: string | number | boolean;
  'not-equals'?: string | number | boolean;
  in?: (string | number | boolean)[];
  present?: boolean;
  matches?: string;
  'greater-than'?: number;
  'less-than'?: number;
  flag?: boolean;
  empty?: boolean;
  target?: 'development' | 'staging' | 'production' | ('development' | 'staging' | 'production')[];
  all?: Condition[];
  any?: Condition[];
  not?: Condition;
}

export const VALUE_TYPES = ['null', 'string', 'number', 'boolean', 'object', 'array'] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

export const regex = z.string().refine((s) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

const target = z.enum(['development', 'staging', 'production']);
export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.strictObject({
    key: z
      .string()
      .optional()
      .describe(
        'key path, relative to the section; from the document root when it starts with the separator (.auth.issuer)',
      ),
    env: z
      .string()
      .optional()
      .describe(
        'instead of key: a variable given by --env-file or --from-env (the run, not the file); tested with present, empty, equals, ...',
      ),
    type: z
      .union([z.enum(VALUE_TYPES), z.array(z.enum(VALUE_TYPES))])
      .optional()
      .describe(
        'the value is of this type (or one of these), as the file writes it; absent is none',
      ),
    file: z
      .boolean()
      .optional()
      .describe(
        'a key with `file`: true when it names a file that exists (relative to the config), false otherwise',
      ),
    equals: scalar.optional(),
    'not-equals': scalar.optional(),
    in: z.array(scalar).optional(),
    present: z.boolean().optional().describe('true: the key is set; false: it is not'),
    matches: regex.optional().describe('regular expression the value must match'),
    'greater-than': z.number().optional().describe('numbers, or durations in seconds'),
    'less-than': z.number().optional(),
    empty: z
      .boolean()
      .optional()
      .describe('true: the key is absent, "", [], {} or null; false: it has a value'),
    flag: z
      .boolean()
      .optional()
      .describe('the value read as a flag (true/1/yes/on; false/0/no/off/empty) is this'),
    target: z.union([target, z.array(target)]).optional(),
    all: z.array(conditionSchema).optional(),
    any: z.array(conditionSchema).optional(),
    not: conditionSchema.optional(),
  }),
);

export const ruleId = z
  .string()
  .regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, 'rule ids look like group/name-in-kebab-case');

export const CROSS_TYPES = [
  'equal-issuers',
  'implies',
  'conflicts',
  'at-least-one-of',
  'forbid',
  'all-or-none',
  'distinct-values',
  'subset',
] as const;

export const crossRuleSchema = z.strictObject({
  type: z
    .enum(CROSS_TYPES)
    .describe(
      'all-or-none: some but not all keys set ({missing}, {is}); distinct-values: two keys with one value ({other}); subset: every entry of the first key is in the second ({missing})',
    ),
  keys: z
    .array(z.string())
    .optional()
    .describe(
      'equal-issuers, conflicts, at-least-one-of, all-or-none, distinct-values, subset: the keys',
    ),
  if: conditionSchema
    .optional()
    .describe('implies: when this holds ...; subset: only when this holds'),
  then: conditionSchema.optional().describe('implies: ... this must hold too'),
  when: conditionSchema.optional().describe('forbid: report when this holds'),
  at: z
    .string()
    .optional()
    .describe('the key the finding points at (default: the first key involved)'),
  point: z
    .enum(['key', 'value'])
    .optional()
    .describe('point at the key or its value (default: the value of a scalar, the key of a table)'),
  'only-trailing-slash': z
    .boolean()
    .optional()
    .describe(
      'equal-issuers: report only issuers that differ by a trailing slash (others may differ on purpose)',
    ),
  suggest: z
    .array(z.string())
    .optional()
    .describe(
      'values the key may have: {suggestion} in templates is \': did you mean "..."?\' for a near miss, else empty',
    ),
  rule: ruleId.optional().describe('rule id to report (default per type)'),
  message: z
    .string()
    .optional()
    .describe('template: {key}, {value}, {missing}, {is}, {other}, {suggestion}'),
  fix: z.string().optional(),
});
export type CrossRule = z.infer<typeof crossRuleSchema>;

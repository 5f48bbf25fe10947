// The `[apikey]` section of authctl's config: owned here, composed by config/schema.ts.
import * as z from 'zod';

const duration = z
  .union([z.string(), z.number()])
  .describe('duration: 90s, 15m, 2h, 7d, or seconds');

/** `[apikey]` section of authctl's config: defaults for `authctl apikey`. */
export const apikeySchema = z.strictObject({
  prefix: z
    .string()
    .regex(
      /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/,
      'must be lowercase letters and digits in _-separated words, e.g. ak_test',
    )
    .max(32)
    .optional()
    .describe('default key prefix for `apikey create` (default ak_test)'),
  store: z
    .string()
    .optional()
    .describe(
      'store file; relative paths resolve against this config file (default <home>/apikeys.json)',
    ),
  header: z
    .string()
    .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name')
    .optional()
    .describe('header services read keys from, written by `apikey export` (default X-API-Key)'),
  scopes: z
    .array(z.string())
    .optional()
    .describe('default scopes for `apikey create` when no --scope is given'),
  tenant: z.string().optional().describe('default tenant for `apikey create`'),
  expires: duration
    .optional()
    .describe('default lifetime for `apikey create` (default: no expiry)'),
  grace: duration.optional().describe('default grace for `apikey rotate` (default 24h)'),
  env_prefix: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .optional()
    .describe('variable prefix for `apikey export --format env` (default AUTHCTL_APIKEY)'),
});

/** The section as authctl's config holds it (config/schema.ts, config/sections.ts). */
export const apikeySection = apikeySchema.optional();

export type ApikeyConfig = z.infer<typeof apikeySchema>;

// The `[token]` and `[tokens.<name>]` sections of authctl's config: owned here, composed by
// config/schema.ts.
import * as z from 'zod';

import { JWT_ALGORITHMS } from '../keys/algorithms.js';

const jsonPointer = z
  .string()
  .regex(/^(\/([^~/]|~[01])*)*$/, 'must be an RFC 6901 JSON pointer such as /tid or /org/id');
const duration = z
  .union([z.string(), z.number()])
  .describe('duration: 90s, 15m, 2h, 7d, or seconds');
const stringList = z.union([z.string(), z.array(z.string())]);

/** Where tenant, roles and scopes go in a token: shared by `token mint`, the mock issuer and the probe. */
export const claimsMappingSchema = z.strictObject({
  tenant_claim: jsonPointer
    .optional()
    .describe('JSON pointer of the tenant claim, e.g. /tid or /org/id'),
  roles_claim: jsonPointer
    .optional()
    .describe('JSON pointer of the roles claim, e.g. /roles or /realm_access/roles'),
  scope_claim: z.string().optional().describe('name of the scope claim: scope (default) or scp'),
  scope_format: z
    .enum(['string', 'array'])
    .optional()
    .describe('space-delimited string (default) or JSON array'),
});

/** `[token]`: defaults for every minted token. */
export const tokenDefaultsSchema = claimsMappingSchema.extend({
  issuer: z.string().optional().describe('iss of minted tokens (default http://127.0.0.1:9400)'),
  audience: stringList.optional(),
  alg: z.enum(JWT_ALGORITHMS).optional(),
  ttl: duration.optional(),
  secret_env: z
    .string()
    .optional()
    .describe('environment variable holding the HMAC secret for HS* algorithms'),
  secret_file: z.string().optional(),
  secret_encoding: z.enum(['utf8', 'base64', 'base64url', 'hex']).optional(),
});

/** `[tokens.<name>]`: a named token profile used with `--preset NAME`. */
export const tokenPresetSchema = z.strictObject({
  sub: z.string().optional(),
  issuer: z.string().optional(),
  audience: stringList.optional(),
  alg: z.enum(JWT_ALGORITHMS).optional(),
  kid: z.string().optional(),
  ttl: duration.optional(),
  scopes: z.array(z.string()).optional(),
  roles: z.array(z.string()).optional(),
  tenant: z.string().optional(),
  claims: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('extra claims; keys are claim names or JSON pointers'),
  header: z.record(z.string(), z.unknown()).optional(),
});

/** The sections as authctl's config holds them (config/schema.ts, config/sections.ts). */
export const tokenSection = tokenDefaultsSchema.optional();
export const tokenPresetsSection = z
  .record(z.string(), tokenPresetSchema)
  .optional()
  .describe('named token presets for --preset');

export type TokenDefaultsConfig = z.infer<typeof tokenDefaultsSchema>;
export type TokenPresetConfig = z.infer<typeof tokenPresetSchema>;
export type ClaimsMappingConfig = z.infer<typeof claimsMappingSchema>;

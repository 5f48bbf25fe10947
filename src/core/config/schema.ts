import * as z from 'zod'; // a namespace import lets the bundler keep only the parts of zod in use
// Each feature owns its section (src/core/<feature>/config.ts); config/ only composes them and
// imports nothing else from a feature.
import { apikeySchema } from '../apikey/config.js';
import { idpSchema } from '../idp/config.js';
import { keysSchema } from '../keys/config.js';
import { probeSchema } from '../probe/config.js';
import { sigv4Schema } from '../sigv4/config.js';
import { tokenDefaultsSchema, tokenPresetSchema } from '../token/config.js';
import { verifySchema } from '../verify/config.js';

/**
 * The one definition of authctl's config: runtime validation and `authctl config schema`
 * (JSON Schema for editors) both derive from it.
 */
export const authctlConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  home: z.string().optional().describe('keystore directory (default .authctl/ beside this file)'),
  token: tokenDefaultsSchema.optional(),
  tokens: z
    .record(z.string(), tokenPresetSchema)
    .optional()
    .describe('named token presets for --preset'),
  keys: keysSchema.optional(),
  idp: idpSchema.optional(),
  apikey: apikeySchema.optional(),
  sigv4: z.record(z.string(), sigv4Schema).optional().describe('named SigV4 credential profiles'),
  probe: probeSchema.optional(),
  verify: verifySchema.optional(),
});

export type AuthctlConfig = z.infer<typeof authctlConfigSchema>;

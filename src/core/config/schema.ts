import * as z from 'zod'; // a namespace import lets the bundler keep only the parts of zod in use
import { keysSchema, tokenDefaultsSchema, tokenPresetSchema } from './sections/token.js';
import { idpSchema } from './sections/idp.js';
import { apikeySchema } from './sections/apikey.js';
import { sigv4Schema } from './sections/sigv4.js';
import { probeSchema } from './sections/probe.js';
import { verifySchema } from './sections/verify.js';

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

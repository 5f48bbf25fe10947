// The `[keys]` section of authctl's config: owned here, composed by config/schema.ts.
import * as z from 'zod';

const duration = z
  .union([z.string(), z.number()])
  .describe('duration: 90s, 15m, 2h, 7d, or seconds');

export const keysSchema = z.strictObject({
  rsa_bits: z.number().int().min(2048).max(8192).optional(),
  grace: duration.optional().describe('how long a rotated-out key stays in the JWKS (default 24h)'),
});

/** The section as authctl's config holds it (config/schema.ts, config/sections.ts). */
export const keysSection = keysSchema.optional();

export type KeysConfig = z.infer<typeof keysSchema>;

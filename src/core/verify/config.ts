// The `[verify]` section of authctl's config: owned here, composed by config/schema.ts.
import * as z from 'zod';

/** `[verify]`: defaults for `authctl verify-config`. */
export const verifySchema = z.strictObject({
  profiles: z
    .array(
      z
        .string()
        .regex(
          /\.profile\.(toml|json|ya?ml)$/i,
          'must be a *.profile.toml, *.profile.json or *.profile.yaml file',
        ),
    )
    .optional()
    .describe(
      'profile files (relative to this config file) that verify-config knows besides the built-in ones',
    ),
});

/** The section as authctl's config holds it (config/schema.ts, config/sections.ts). */
export const verifySection = verifySchema.optional();

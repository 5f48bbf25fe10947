// The top-level keys of authctl's config that belong to no feature.
import * as z from 'zod';

export const schemaKey = z.string().optional();
export const homeKey = z
  .string()
  .optional()
  .describe('keystore directory (default .authctl/ beside this file)');

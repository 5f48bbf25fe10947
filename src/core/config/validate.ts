import type { AuthctlConfig } from './schema.js';
import { quickCheck, UNSURE } from './quick.js';
import { QUICK_SHAPE } from './quick-shape.generated.js';

/** Validates a parsed config; the first problem becomes a usage error naming the key path. */
export async function validateConfig(raw: unknown, filepath: string): Promise<AuthctlConfig> {
  // Most configs are checked without zod (quick.ts); zod decides the rest and words every error.
  const quick = quickCheck(QUICK_SHAPE, raw);
  if (quick !== UNSURE) return quick as AuthctlConfig;
  return (await import('./validate-zod.js')).validateWithZod(raw, filepath);
}

import type * as z from 'zod';

/**
 * Each top-level key of authctl's config, in config/schema.ts's order, and the module its schema
 * lives in: a config is validated with the sections it has only (issue #17). Building every
 * section's zod schemas took longer than the rest of `token mint` (the probe's, the issuer's and
 * the API-key store's alone are some 300 schemas), for a file that often has a [token] and no more.
 * A test checks these are the very schemas authctlConfigSchema holds.
 */
export const CONFIG_SECTIONS: ReadonlyMap<string, () => Promise<z.ZodType>> = new Map<
  string,
  () => Promise<z.ZodType>
>([
  ['$schema', async () => (await import('./own-keys.js')).schemaKey],
  ['home', async () => (await import('./own-keys.js')).homeKey],
  ['token', async () => (await import('../token/config.js')).tokenSection],
  ['tokens', async () => (await import('../token/config.js')).tokenPresetsSection],
  ['keys', async () => (await import('../keys/config.js')).keysSection],
  ['idp', async () => (await import('../idp/config.js')).idpSection],
  ['apikey', async () => (await import('../apikey/config.js')).apikeySection],
  ['sigv4', async () => (await import('../sigv4/config.js')).sigv4Section],
  ['probe', async () => (await import('../probe/config.js')).probeSection],
  ['verify', async () => (await import('../verify/config.js')).verifySection],
]);

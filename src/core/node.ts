import { createRequire } from 'node:module';

/**
 * Node built-ins loaded through require(). An ESM `import ... from 'node:fs'` (or 'node:crypto')
 * evaluates every export of the module, which loads fs/promises, readline and WebCrypto even when
 * unused; that is a measurable share of `authctl token mint` start-up (see bench/startup.mjs).
 * Modules on that path use these instead; others may import built-ins normally.
 */
const require = createRequire(import.meta.url);

export const nodeFs = require('node:fs') as typeof import('node:fs');
export const nodeCrypto = require('node:crypto') as typeof import('node:crypto');

import { createRequire } from 'node:module';

/**
 * Node built-ins loaded through require(). An ESM `import ... from 'node:fs'` (or 'node:crypto')
 * evaluates every export of the module, which loads fs/promises, readline and WebCrypto even when
 * unused; that is a measurable share of `authctl token mint` start-up (see bench/startup.mjs).
 * Modules on that path use these instead; others may import built-ins normally.
 */
const require = createRequire(import.meta.filename);

export const nodeFs = require('node:fs') as typeof import('node:fs');

/**
 * A file's bytes, read synchronously under the promise. fs.promises would load it and seven more of
 * Node's modules (fs/dir, watchers, readline...), ~1.5 ms of a `verify-config` or `apikey verify`
 * start; fs.readFile's callback starts libuv's thread pool and hops through it four times (open,
 * stat, read, close), ~1.4 ms more, for a file read in well under 0.1 ms. What is read here (configs,
 * probe specs, key stores) is small enough that blocking on it costs less than the hops.
 */
export function readFileBytes(file: string): Promise<Buffer> {
  try {
    return Promise.resolve(nodeFs.readFileSync(file));
  } catch (error) {
    return Promise.reject(error as Error);
  }
}

type NodeCrypto = typeof import('node:crypto');
let crypto: NodeCrypto | undefined;
/**
 * node:crypto on first use: loading it costs ~5 ms, and the hot bundle holds commands that never
 * hash or sign (`token decode`, `--help`). A function, not a Proxy: V8 inlines the call, where every
 * read through a Proxy ran its trap (issue #17: a few per token the issuer signs).
 */
export function loadCrypto(): NodeCrypto {
  return (crypto ??= require('node:crypto') as NodeCrypto);
}

/**
 * A built-in that only some runs need, loaded on first use: node:https (and the TLS stack under it)
 * for an https:// service, node:child_process for a command to run. A probe of an http:// service
 * that runs no command loads neither (~2-3 ms of its start-up).
 */
export function builtin<T>(id: `node:${string}`): T {
  return require(id) as T;
}

/**
 * The host name a lock or temp file records, with node:os loaded on first use: only a run that
 * writes (or finds another process's lock) asks, and `token mint` with its key stored never does.
 */
export const hostname = (): string => builtin<typeof import('node:os')>('node:os').hostname();

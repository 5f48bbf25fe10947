import { createRequire } from 'node:module';

/**
 * What core reads from the world outside its arguments: filled once at the CLI edge (CliContext)
 * and passed down, so core never reads `process.*` and tests (or a library caller) hand in their
 * own clock, environment, directory, HTTP client or randomness instead of setting globals.
 */
export interface Deps {
  /** The clock: every "now" core needs (expiry, rotation grace, dates of signed requests). */
  now: () => Date;
  /** Environment variables (credentials named by `*_env` settings, AUTHCTL_*). */
  env: Readonly<Record<string, string | undefined>>;
  /** The directory relative paths resolve against. */
  cwd: string;
  /** The HTTP client for outgoing requests (OIDC discovery, token endpoints, probes). */
  fetch: typeof fetch;
  /** Cryptographically strong random bytes. */
  random: (size: number) => Uint8Array;
}

/** The real clock. */
export const systemNow = (): Date => new Date();

const require = createRequire(import.meta.filename);

/** Random bytes from node:crypto, loaded on first use (not on every start-up: see node.ts). */
export const systemRandom = (size: number): Uint8Array =>
  (require('node:crypto') as typeof import('node:crypto')).randomBytes(size);

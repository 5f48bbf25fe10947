import { redactDeep, redactSecrets } from './mask.js';

/**
 * One error type for everything authctl reports to a user. Core code throws it; only
 * src/cli/main.ts turns it into an exit code and a rendered message.
 */

/** What kind of failure, which fixes the exit code (see DESIGN.md). */
export type ErrorKind =
  /** 1: the check ran and found problems (invalid config, token rejected, probe finding). */
  | 'check'
  /** 2: usage or input error (bad flag, unreadable or unparsable file). */
  | 'usage'
  /** 3: environment or network error (port in use, issuer unreachable, lock timeout). */
  | 'environment';

export const EXIT_CODES = { ok: 0, check: 1, usage: 2, environment: 3 } as const;

export interface AuthctlErrorOptions {
  /** Stable machine-readable code, e.g. `ERR_KEYSTORE_CORRUPT`. */
  code: string;
  kind: ErrorKind;
  /** Where the problem is: a file, file:line:col, a flag, a URL. */
  where?: string;
  /** How to fix it, in words. */
  hint?: string;
  cause?: unknown;
  /** Extra structured data for --json output. */
  details?: Record<string, unknown>;
}

/** Marks authctl errors; `instanceof` checks the mark, so it works across separately bundled files in dist/. */
const BRAND = Symbol.for('authctl.AuthctlError');

export class AuthctlError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[BRAND] === true
    );
  }

  readonly [BRAND] = true;
  readonly code: string;
  readonly kind: ErrorKind;
  readonly where?: string;
  readonly hint?: string;
  readonly details?: Record<string, unknown>;

  constructor(message: string, options: AuthctlErrorOptions) {
    // Every error is printed (text or --json): take known and secret-shaped values out here, once,
    // whichever message happened to quote one.
    super(
      redactSecrets(message),
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'AuthctlError';
    this.code = options.code;
    this.kind = options.kind;
    this.where = options.where === undefined ? undefined : redactSecrets(options.where);
    this.hint = options.hint === undefined ? undefined : redactSecrets(options.hint);
    this.details = options.details === undefined ? undefined : redactDeep(options.details);
  }

  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }
}

export function usageError(
  code: string,
  message: string,
  extra: Omit<AuthctlErrorOptions, 'code' | 'kind'> = {},
): AuthctlError {
  return new AuthctlError(message, { ...extra, code, kind: 'usage' });
}

export function environmentError(
  code: string,
  message: string,
  extra: Omit<AuthctlErrorOptions, 'code' | 'kind'> = {},
): AuthctlError {
  return new AuthctlError(message, { ...extra, code, kind: 'environment' });
}

export function checkError(
  code: string,
  message: string,
  extra: Omit<AuthctlErrorOptions, 'code' | 'kind'> = {},
): AuthctlError {
  return new AuthctlError(message, { ...extra, code, kind: 'check' });
}

export function isAuthctlError(value: unknown): value is AuthctlError {
  return value instanceof AuthctlError;
}

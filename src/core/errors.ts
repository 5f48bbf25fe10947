// Types only from the catalogue: its usage meanings stay out of the hot bundle (error-kinds.ts).
import type { CodeOfKind, ErrorCode } from './error-codes.js';
import { type ErrorKind, EXIT_CODES, kindOf } from './error-kinds.js';
import { redactDeep, redactSecrets } from './mask.js';

/**
 * One error type for everything authctl reports to a user. Core code throws it; only
 * src/cli/main.ts turns it into an exit code and a rendered message.
 *
 * Core does not know how a value reached it (a flag, a config key, a request body), so its texts
 * name input fields as `{{grace}}` and carry the field: the CLI renders `{{grace}}` as the flag of
 * the command that ran (`--grace`); anything else (a library caller, `error.message`) sees `grace`.
 */

export { EXIT_CODES };
export type { CodeOfKind, ErrorCode, ErrorKind };

export interface AuthctlErrorOptions<C extends ErrorCode = ErrorCode> {
  /** Stable machine-readable code from the catalogue (src/core/error-codes.ts), e.g. `ERR_KEYSTORE_CORRUPT`. */
  code: C;
  /**
   * The input field(s) the error is about, e.g. `'grace'`; `where` defaults to the first. Fields
   * named as `{{field}}` in the message, `where` or `hint` are added.
   */
  field?: string | readonly string[];
  /** Where the problem is: a file, file:line:col, a field, a URL. */
  where?: string;
  /** How to fix it, in words. */
  hint?: string;
  cause?: unknown;
  /** Extra structured data for --json output. */
  details?: Record<string, unknown>;
}

/** Gives the name a user knows a field by (a flag, a config key). */
export type FieldNamer = (field: string) => string;

/** What a renderer prints: the texts with every field named. */
export interface RenderedError {
  code: ErrorCode;
  message: string;
  where?: string;
  hint?: string;
  details?: Record<string, unknown>;
}

const FIELD = /\{\{([A-Za-z][\w.-]*)\}\}/g;
/** Outside the CLI a field is called by its own name. */
const plainName: FieldNamer = (field) => field;

/** Writes `{{field}}` the way a caller names a field: `field('grace')` in a message. */
export function field(name: string): string {
  return `{{${name}}}`;
}

function fieldsOf(texts: Array<string | undefined>, declared: AuthctlErrorOptions['field']) {
  const fields = new Set(typeof declared === 'string' ? [declared] : (declared ?? []));
  for (const text of texts) for (const match of text?.matchAll(FIELD) ?? []) fields.add(match[1]!);
  return [...fields];
}

/** Replaces each `{{field}}` of `text` with the name `name` gives it. */
export function nameFields(text: string, name: FieldNamer): string;
export function nameFields(text: string | undefined, name: FieldNamer): string | undefined;
export function nameFields(text: string | undefined, name: FieldNamer): string | undefined {
  return text?.replace(FIELD, (_, field: string) => name(field));
}

/** Marks authctl errors; `instanceof` checks the mark, so it works across separately bundled files in dist/. */
const BRAND = Symbol.for('authctl.AuthctlError');

/**
 * Every error authctl throws on purpose: a typed `code` from the catalogue (`ErrorCode`), the exit
 * code its kind maps to, where it happened and a hint on how to fix it. Test with `isAuthctlError`.
 */
export class AuthctlError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[BRAND] === true
    );
  }

  readonly [BRAND] = true;
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  /** The input fields the error is about (first: the main one). */
  readonly fields: readonly string[];
  /** The texts with `{{field}}` placeholders, for `render`. */
  private readonly texts: { message: string; where?: string; hint?: string };
  readonly details?: Record<string, unknown>;

  constructor(message: string, options: AuthctlErrorOptions) {
    // Every error is printed (text or --json): take known and secret-shaped values out here, once,
    // whichever message happened to quote one.
    const texts = {
      message: redactSecrets(message),
      where: options.where === undefined ? undefined : redactSecrets(options.where),
      hint: options.hint === undefined ? undefined : redactSecrets(options.hint),
    };
    super(
      nameFields(texts.message, plainName),
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'AuthctlError';
    this.code = options.code;
    this.kind = kindOf(options.code);
    this.fields = fieldsOf([texts.message, texts.where, texts.hint], options.field);
    if (texts.where === undefined && this.fields.length > 0 && options.field !== undefined)
      texts.where = field(this.fields[0]!);
    this.texts = texts;
    this.details = options.details === undefined ? undefined : redactDeep(options.details);
  }

  /** The main field, if the error is about one. */
  get field(): string | undefined {
    return this.fields[0];
  }

  get where(): string | undefined {
    return nameFields(this.texts.where, plainName);
  }

  get hint(): string | undefined {
    return nameFields(this.texts.hint, plainName);
  }

  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }

  /** The error with every field called what `name` says (the CLI: the flag of the command that ran). */
  render(name: FieldNamer = plainName): RenderedError {
    return {
      code: this.code,
      message: nameFields(this.texts.message, name),
      where: nameFields(this.texts.where, name),
      hint: nameFields(this.texts.hint, name),
      details: this.details,
    };
  }
}

type Extra = Omit<AuthctlErrorOptions, 'code'>;

export function usageError(code: CodeOfKind<'usage'>, message: string, extra: Extra = {}) {
  return new AuthctlError(message, { ...extra, code });
}

export function environmentError(
  code: CodeOfKind<'environment'>,
  message: string,
  extra: Extra = {},
): AuthctlError {
  return new AuthctlError(message, { ...extra, code });
}

export function checkError(code: CodeOfKind<'check'>, message: string, extra: Extra = {}) {
  return new AuthctlError(message, { ...extra, code });
}

/**
 * Whether `value` is an `AuthctlError`, also across copies of the library (checked by a global symbol, not `instanceof`).
 */
export function isAuthctlError(value: unknown): value is AuthctlError {
  return value instanceof AuthctlError;
}

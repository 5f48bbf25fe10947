import { memoized } from '../memo.js';

/**
 * Parameters that may appear more than once: RFC 8707 §2 `resource` (one per target) and RFC 8693
 * §2.1 `audience`. Every other OAuth parameter MUST NOT repeat (RFC 6749 §3.1, §3.2).
 */
export const REPEATABLE_PARAMS: ReadonlySet<string> = new Set(['resource', 'audience']);

/** A query string or form body, read once, with what repeated. */
export interface ParsedParams {
  /** One value per name (for repeatable names, the first). */
  values: Record<string, string>;
  /** Every value of the repeatable names that were sent (`resource`, `audience`). */
  lists: Record<string, string[]>;
  /** Names sent more than once that may not repeat, in order of first repeat. */
  repeated: string[];
}

/**
 * The one parser of OAuth parameters. It never lets a later value win silently: a repeated
 * name is reported so the endpoint can answer invalid_request instead of picking one.
 */
export function parseParams(source: URLSearchParams | string): ParsedParams {
  const search = typeof source === 'string' ? new URLSearchParams(source) : source;
  // Null prototype: a parameter called __proto__ or constructor is just a name.
  const values: Record<string, string> = Object.create(null) as Record<string, string>;
  const lists: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  const repeated: string[] = [];
  for (const [name, value] of search) {
    if (REPEATABLE_PARAMS.has(name)) (lists[name] ??= []).push(value);
    if (!(name in values)) values[name] = value;
    else if (!REPEATABLE_PARAMS.has(name) && !repeated.includes(name)) repeated.push(name);
  }
  return { values, lists, repeated };
}

/** The invalid_request description naming the repeated parameters. */
export function repeatedParamsMessage(names: string[]): string {
  const list = names.map((n) => `"${n}"`).join(', ');
  return `parameter ${list} appears more than once; send each parameter once (RFC 6749 §3.1)`;
}

/** `application/x-www-form-urlencoded`, by media type, ignoring parameters such as charset. */
export function isFormType(contentType: string | undefined): boolean {
  return contentType !== undefined && formType(contentType);
}

const formType = memoized(
  (contentType: string) =>
    contentType.split(';')[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded',
);

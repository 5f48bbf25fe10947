/** SigV4 timestamps: `X-Amz-Date` is `YYYYMMDDTHHMMSSZ`, UTC, no milliseconds (NOTES.md §7). */
import { usageError } from '../errors.js';

export type DateInput = Date | string | number;

const BASIC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Accepts a Date, epoch milliseconds, `20150830T123600Z`, or ISO 8601 with an explicit zone
 * (`2015-08-30T12:36:00Z`). A zone-less ISO string is rejected: it would silently depend on the
 * machine's time zone.
 */
export function parseSigningDate(input: DateInput, where = '--date'): Date {
  if (input instanceof Date) {
    if (Number.isNaN(input.getTime())) throw badDate(String(input), where);
    return input;
  }
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw badDate(String(input), where);
    return new Date(input);
  }
  const text = input.trim();
  const basic = BASIC.exec(text);
  if (basic) {
    const [, y, mo, d, h, mi, s] = basic.map(Number) as number[];
    const date = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
    if (date.getUTCMonth() !== mo! - 1 || date.getUTCDate() !== d! || h! > 23 || mi! > 59 || s! > 59) throw badDate(text, where);
    return date;
  }
  if (ISO.test(text)) {
    const date = new Date(text);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw badDate(text, where);
}

function badDate(text: string, where: string) {
  return usageError('ERR_SIGV4_BAD_DATE', `invalid signing date ${JSON.stringify(text)}`, {
    where,
    hint: 'use ISO 8601 with a zone (2015-08-30T12:36:00Z) or the X-Amz-Date form (20150830T123600Z)',
  });
}

let lastSecond = NaN;
let lastAmzDate = '';

/** `20150830T123600Z` (milliseconds dropped). Memoised: a batch of signatures shares its second. */
export function toAmzDate(date: Date): string {
  const second = Math.floor(date.getTime() / 1000);
  if (second !== lastSecond) {
    const iso = date.toISOString();
    lastAmzDate = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
    lastSecond = second;
  }
  return lastAmzDate;
}

/** Parses an X-Amz-Date value; undefined when malformed. */
export function fromAmzDate(text: string): Date | undefined {
  const m = BASIC.exec(text);
  if (!m) return undefined;
  const date = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

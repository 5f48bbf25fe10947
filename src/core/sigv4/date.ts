/** SigV4 timestamps: `X-Amz-Date` is `YYYYMMDDTHHMMSSZ`, UTC, no milliseconds (NOTES.md §7). */
import { usageError } from '../errors.js';

export type DateInput = Date | string | number;

const BASIC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-](\d{2}):?(\d{2}))$/;

/** True when the calendar fields name a real instant (`new Date` would roll Feb 30 over to March). */
function validFields(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return mo >= 1 && mo <= 12 && d >= 1 && d <= days && h <= 23 && mi <= 59 && s <= 59;
}

/**
 * Accepts a Date, epoch milliseconds, `20150830T123600Z`, or ISO 8601 with an explicit zone
 * (`2015-08-30T12:36:00Z`). A zone-less ISO string is rejected: it would silently depend on the
 * machine's time zone.
 */
export function parseSigningDate(input: DateInput, where = '{{date}}'): Date {
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
    if (!validFields(y!, mo!, d!, h!, mi!, s!)) throw badDate(text, where);
    return new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
  }
  const iso = ISO.exec(text);
  if (iso) {
    const [y, mo, d, h, mi, s = 0, , , oh = 0, om = 0] = iso
      .slice(1)
      .map((v) => (v === undefined ? undefined : Number(v)));
    const date = new Date(text);
    if (
      validFields(y!, mo!, d!, h!, mi!, s!) &&
      oh! <= 23 &&
      om! <= 59 &&
      !Number.isNaN(date.getTime())
    )
      return date;
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

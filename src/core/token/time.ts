import { parseDuration } from '../duration.js';
import { usageError } from '../errors.js';

/**
 * A time flag (`--nbf`, `--iat`): an ISO date, a Unix timestamp, or an offset from now
 * (`-5m`, `+1h`, `0`). Returns seconds since epoch.
 */
export function parseTimeFlag(input: string | number, nowSeconds: number, where: string): number {
  if (typeof input === 'number') return input > 1e9 ? Math.floor(input) : nowSeconds + input;
  const text = input.trim();
  if (/^\d{10,}$/.test(text)) return Number(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) throw badTime(input, where);
    return Math.floor(ms / 1000);
  }
  const sign = text.startsWith('-') ? -1 : 1;
  try {
    return nowSeconds + sign * Math.round(parseDuration(text.replace(/^[+-]/, ''), where));
  } catch {
    throw badTime(input, where);
  }
}

function badTime(input: string, where: string) {
  return usageError('ERR_BAD_TIME', `invalid time "${input}"`, {
    where,
    hint: 'use an offset from now (-5m, +1h, 0), a Unix timestamp, or an ISO date (2026-01-31T12:00:00Z)',
  });
}

import { formatDuration, parseDuration } from '../duration.js';
import { usageError } from '../errors.js';

/**
 * The issuer's clock stays between 1970 and the end of year 9999: beyond that, Date#toISOString
 * throws ("Invalid time value") and every token request would answer 500 until a reset.
 */
export const MAX_EPOCH_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export const DAY_SECONDS = 86_400;

/** A duration field of the control API within [min, max] seconds, or a 400 naming the field. */
export function durationInRange(
  value: unknown,
  field: string,
  range: { min: number; max: number; minExclusive?: boolean },
): number {
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw usageError('ERR_BAD_DURATION', `${field} must be a duration such as 90s, 15m or 2h`, {
      where: field,
    });
  }
  const seconds = parseDuration(value, field);
  const tooSmall = range.minExclusive ? seconds <= range.min : seconds < range.min;
  if (tooSmall || seconds > range.max) {
    const low = range.minExclusive
      ? `more than ${formatDuration(range.min)}`
      : `at least ${formatDuration(range.min)}`;
    throw usageError(
      'ERR_BAD_DURATION',
      `${field} "${value}" is out of range: it must be ${low} and at most ${formatDuration(range.max)}`,
      { where: field },
    );
  }
  return seconds;
}

/** An absolute time for the issuer's clock (ms since epoch), or a 400 naming the field. */
export function checkClockTime(epochMs: number, field: string): number {
  if (!Number.isFinite(epochMs) || epochMs < 0 || epochMs > MAX_EPOCH_MS) {
    throw usageError(
      'ERR_BAD_TIME',
      `${field} would put the issuer clock outside 1970-01-01 .. 9999-12-31`,
      { where: field, hint: 'use a date such as 2030-01-01T00:00:00Z, or a smaller {{advance}}' },
    );
  }
  return epochMs;
}

import { usageError } from './errors.js';

const UNIT_SECONDS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 604800,
};

/**
 * Parses `90s`, `15m`, `2h`, `7d`, `1w`, `500ms` or a bare number of seconds into seconds.
 * `label` names the flag or field in the error.
 */
export function parseDuration(input: string | number, label = 'duration'): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw badDuration(String(input), label);
    return input;
  }
  const text = input.trim();
  const match = /^(-?\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?$/i.exec(text);
  if (!match) throw badDuration(input, label);
  const value = Number(match[1]);
  const unit = (match[2] ?? 's').toLowerCase();
  return value * UNIT_SECONDS[unit]!;
}

function badDuration(input: string, label: string) {
  return usageError('ERR_BAD_DURATION', `invalid ${label} "${input}"`, {
    where: label,
    hint: 'use a number with a unit: 90s, 15m, 2h, 7d (a bare number means seconds)',
  });
}

/** "14m", "3h 5m", "42 s": compact human form of a number of seconds. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.round(Math.abs(totalSeconds));
  if (s < 60) return `${s}s`;
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts: string[] = [];
  if (d) parts.push(`${d}d`);
  if (h) parts.push(`${h}h`);
  if (m && !d) parts.push(`${m}m`);
  return parts.join(' ') || '0s';
}

/** "expires in 14m" / "expired 3h ago" relative to `now` (both seconds since epoch). */
export function describeRelative(at: number, now: number, future: string, past: string): string {
  const delta = at - now;
  return delta >= 0
    ? `${future} in ${formatDuration(delta)}`
    : `${past} ${formatDuration(delta)} ago`;
}

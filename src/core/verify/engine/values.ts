/** Reading config values the way services do: env, .properties and YAML give strings for everything. */
import { memoized } from '../../memo.js';

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

export function asBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : undefined;
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  return TRUE.has(v) ? true : FALSE.has(v) ? false : undefined;
}

export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number' || typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : undefined;
}

/** A list given as an array, or as one string with separators (`RS256,ES256`). */
export function asList(value: unknown, separator = ','): string[] | undefined {
  if (Array.isArray(value))
    return value.every((v) => asString(v) !== undefined)
      ? value.map((v) => asString(v)!)
      : undefined;
  const text = asString(value);
  if (text === undefined) return undefined;
  return text.trim() === '' ? [] : text.split(separator).map((s) => s.trim());
}

const UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

type Unit = 'seconds' | 'milliseconds' | 'duration';

/**
 * A string's seconds, remembered per unit (bounded): a key's type check and then its meaning read
 * the same value, and a dense file repeats the same few durations thousands of times.
 */
const durations: Record<Unit, (text: string) => number | undefined> = {
  seconds: memoized((text) => secondsOf(text, 'seconds')),
  milliseconds: memoized((text) => secondsOf(text, 'milliseconds')),
  duration: memoized((text) => secondsOf(text, 'duration')),
};

/**
 * Seconds from `90`, `90s`, `5m`, `1.5s` (Envoy's protobuf Duration) or a .NET TimeSpan
 * `00:05:00` / `1.02:00:00`. `unit` says what a bare number means.
 */
export function asSeconds(value: unknown, unit: Unit = 'seconds'): number | undefined {
  return typeof value === 'string' ? durations[unit](value) : secondsOf(value, unit);
}

function secondsOf(value: unknown, unit: Unit): number | undefined {
  // Envoy's protobuf Duration in YAML: `{ seconds: 300, nanos: 0 }`.
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'seconds' in value) {
    const { seconds, nanos } = value as { seconds?: unknown; nanos?: unknown };
    const s = asNumber(seconds);
    return s === undefined ? undefined : s + (asNumber(nanos) ?? 0) / 1e9;
  }
  const bare = asNumber(value);
  if (bare !== undefined) return unit === 'milliseconds' ? bare / 1000 : bare;
  const text = asString(value)?.trim();
  if (!text) return undefined;
  const span = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(text);
  if (span)
    return (
      Number(span[1] ?? 0) * 86400 + Number(span[2]) * 3600 + Number(span[3]) * 60 + Number(span[4])
    );
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/gi)];
  if (
    parts.length === 0 ||
    parts
      .map((p) => p[0])
      .join('')
      .replace(/\s/g, '') !== text.replace(/\s/g, '')
  )
    return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]!.toLowerCase()]!, 0);
}

/** The decoded bytes of a secret in `encoding`; undefined when it is not valid in it. */
export function decodedBytes(value: string, encoding: string | undefined): number | undefined {
  if (!encoding || encoding === 'utf8') return Buffer.byteLength(value, 'utf8');
  if (encoding === 'hex') return /^([0-9a-f]{2})+$/i.test(value) ? value.length / 2 : undefined;
  const base64 = /^[A-Za-z0-9+/]+={0,2}$/.test(value) || /^[A-Za-z0-9_-]+={0,2}$/.test(value);
  if (encoding === 'base64-or-utf8') {
    // oauth2-proxy: a value that decodes to 16, 24 or 32 bytes is used decoded, otherwise as is.
    const decoded = base64
      ? Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64')
          .length
      : undefined;
    return decoded !== undefined && [16, 24, 32].includes(decoded)
      ? decoded
      : Buffer.byteLength(value, 'utf8');
  }
  if (!base64) return undefined;
  return Buffer.from(value, encoding === 'base64url' ? 'base64url' : 'base64').length;
}

export function isJwkJson(value: string): boolean {
  try {
    const parsed = JSON.parse(value) as { kty?: unknown; keys?: unknown };
    return (
      typeof parsed === 'object' &&
      parsed !== null &&
      (typeof parsed.kty === 'string' || Array.isArray(parsed.keys))
    );
  } catch {
    return false;
  }
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a table';
  // Never the value itself: it may be a secret.
  return typeof value === 'number' || typeof value === 'boolean'
    ? `the ${typeof value} ${String(value)}`
    : `a ${typeof value}`;
}

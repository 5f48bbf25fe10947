import { OAuthError } from './http.js';

/** Entries per in-memory table of the issuer unless `[idp] max_entries` says otherwise. */
export const DEFAULT_MAX_ENTRIES = 50_000;

export interface TableLimits {
  /** Most entries in each table. */
  maxEntries: number;
  /** Called once when a table is full, before refusing: drops expired entries (the issuer's sweep). */
  sweep?: () => void;
}

/** 503 temporarily_unavailable (RFC 6749 §4.1.2.1): the table is full until entries expire or the cap is raised. */
export function tableFull(label: string, cap: number): OAuthError {
  return new OAuthError(
    503,
    'temporarily_unavailable',
    `the issuer's ${label} table is full (${cap} entries); entries leave it when they expire on the issuer clock, or raise [idp] max_entries`,
    { 'retry-after': '60' },
  );
}

/** Throws when `key` is new to `map` and the map is full even after a sweep. */
export function ensureRoom<K>(
  map: Map<K, unknown>,
  key: K,
  label: string,
  limits: TableLimits,
): void {
  if (map.has(key) || map.size < limits.maxEntries) return;
  limits.sweep?.();
  if (map.size >= limits.maxEntries) throw tableFull(label, limits.maxEntries);
}

/**
 * A Map with a cap: adding a new key to a full table first sweeps expired entries, then throws a
 * clear 503. For tables whose entries are promises to a client (codes, refresh tokens, revocations).
 */
export class CappedMap<K, V> extends Map<K, V> {
  constructor(
    private readonly label: string,
    private readonly limits: TableLimits,
  ) {
    super();
  }

  override set(key: K, value: V): this {
    ensureRoom(this, key, this.label, this.limits);
    return super.set(key, value);
  }
}

/**
 * A Map that forgets its oldest entries past the cap: for best-effort memory such as replay
 * detection, where losing the oldest entry is better than refusing new requests.
 */
export class RollingMap<K, V> extends Map<K, V> {
  constructor(private readonly limits: TableLimits) {
    super();
  }

  override set(key: K, value: V): this {
    if (!this.has(key)) {
      for (const oldest of this.keys()) {
        if (this.size < this.limits.maxEntries) break;
        this.delete(oldest);
      }
    }
    return super.set(key, value);
  }
}

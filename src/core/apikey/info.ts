import type { StoredApiKey } from './store.js';

/**
 * What a key's record means at a given time.
 * - `active`: verifies.
 * - `grace`: rotated out, still verifies until `graceUntil`.
 * - `rotated`: rotated out and the grace period is over.
 * - `expired`: past `expiresAt`.
 * - `revoked`: revoked with `apikey revoke`.
 */
export type ApiKeyStatus = 'active' | 'grace' | 'rotated' | 'expired' | 'revoked';

/** Statuses under which a presented key is accepted. */
export const ACCEPTED_API_KEY_STATUSES: readonly ApiKeyStatus[] = ['active', 'grace'];

/** A key as shown by list/show and returned by the API: never the raw key. */
export interface ApiKeyInfo {
  id: string;
  name: string;
  prefix: string;
  /** e.g. `ak_test_AbCd…wXyZ` */
  masked: string;
  last4: string;
  /** SHA-256 hex of the full key. */
  sha256: string;
  scopes: string[];
  tenant: string | null;
  status: ApiKeyStatus;
  createdAt: string;
  expiresAt: string | null;
  rotatedAt: string | null;
  graceUntil: string | null;
  revokedAt: string | null;
  replacedBy: string | null;
  rotatedFrom: string | null;
  /** When the key stops verifying (earliest of expiry and grace end); null if never. */
  validUntil: string | null;
}

function reached(at: string | null, now: Date): boolean {
  return at !== null && Date.parse(at) <= now.getTime();
}

export function apiKeyStatus(record: StoredApiKey, now: Date): ApiKeyStatus {
  if (reached(record.revokedAt, now)) return 'revoked';
  if (reached(record.expiresAt, now)) return 'expired';
  if (record.replacedBy !== null)
    return reached(record.graceUntil, now) || record.graceUntil === null ? 'rotated' : 'grace';
  return 'active';
}

export function validUntil(record: StoredApiKey): string | null {
  const candidates = [
    record.expiresAt,
    record.replacedBy !== null ? record.graceUntil : null,
  ].filter((t): t is string => t !== null);
  if (!candidates.length) return null;
  return candidates.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b));
}

export function describeApiKey(record: StoredApiKey, now: Date): ApiKeyInfo {
  return {
    id: record.id,
    name: record.name,
    prefix: record.prefix,
    masked: record.masked,
    last4: record.last4,
    sha256: record.hash,
    scopes: [...record.scopes],
    tenant: record.tenant,
    status: apiKeyStatus(record, now),
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    rotatedAt: record.rotatedAt,
    graceUntil: record.graceUntil,
    revokedAt: record.revokedAt,
    replacedBy: record.replacedBy,
    rotatedFrom: record.rotatedFrom,
    validUntil: validUntil(record),
  };
}

/** The snake_case JSON form used by `--json` output and `apikey export`. */
export interface ApiKeyJSON {
  id: string;
  name: string;
  prefix: string;
  masked: string;
  last4: string;
  sha256: string;
  scopes: string[];
  tenant: string | null;
  status: ApiKeyStatus;
  created_at: string;
  expires_at: string | null;
  rotated_at: string | null;
  grace_until: string | null;
  revoked_at: string | null;
  replaced_by: string | null;
  rotated_from: string | null;
  valid_until: string | null;
}

/**
 * The JSON shape of a key's metadata (`apikey list --json`): dates as ISO strings, never the key or its hash.
 */
export function apiKeyInfoToJSON(info: ApiKeyInfo): ApiKeyJSON {
  return {
    id: info.id,
    name: info.name,
    prefix: info.prefix,
    masked: info.masked,
    last4: info.last4,
    sha256: info.sha256,
    scopes: info.scopes,
    tenant: info.tenant,
    status: info.status,
    created_at: info.createdAt,
    expires_at: info.expiresAt,
    rotated_at: info.rotatedAt,
    grace_until: info.graceUntil,
    revoked_at: info.revokedAt,
    replaced_by: info.replacedBy,
    rotated_from: info.rotatedFrom,
    valid_until: info.validUntil,
  };
}

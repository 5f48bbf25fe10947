// node:crypto through require(), on first use: its ESM import also loads WebCrypto (node.ts).
import { loadCrypto } from '../node.js';
import { checkApiKeyFormat, type ApiKeyFormatReason } from './format.js';
import { hashApiKey, hashesEqual } from './hash.js';
import {
  ACCEPTED_API_KEY_STATUSES,
  describeApiKey,
  type ApiKeyInfo,
  type ApiKeyStatus,
} from './info.js';
import type { ApiKeyStoreOptions } from './lifecycle.js';
import { findStoredKey } from './lookup.js';
import type { StoredApiKey } from './store.js';

/** Why a key was rejected (`ok` when accepted). Format reasons come first: they need no lookup. */
export type VerifyApiKeyReason =
  Exclude<ApiKeyFormatReason, 'ok'> | 'unknown' | 'expired' | 'revoked' | 'rotated' | 'ok';

export interface VerifyApiKeyResult {
  valid: boolean;
  reason: VerifyApiKeyReason;
  /** One line, safe to print: never contains the key. */
  message: string;
  /** The matching record, when the key is known. */
  key?: ApiKeyInfo;
}

export interface VerifyApiKeyOptions extends ApiKeyStoreOptions {
  /** The presented key; surrounding whitespace is ignored. */
  key: string;
}

const STATUS_MESSAGES: Record<
  Exclude<ApiKeyStatus, 'active' | 'grace'>,
  (info: ApiKeyInfo) => string
> = {
  expired: (info) => `key ${info.id} (${info.name}) expired at ${info.expiresAt}`,
  revoked: (info) => `key ${info.id} (${info.name}) was revoked at ${info.revokedAt}`,
  rotated: (info) =>
    `key ${info.id} (${info.name}) was rotated out; its grace period ended at ${info.graceUntil} (use ${info.replacedBy})`,
};

/** The verdict for the record a key matched (or none). */
function judge(match: StoredApiKey | undefined, now: Date): VerifyApiKeyResult {
  if (!match)
    return { valid: false, reason: 'unknown', message: 'well-formed key, but not in this store' };
  const info = describeApiKey(match, now);
  if (ACCEPTED_API_KEY_STATUSES.includes(info.status)) {
    const note = info.status === 'grace' ? ` (rotated; accepted until ${info.graceUntil})` : '';
    return {
      valid: true,
      reason: 'ok',
      message: `valid: key ${info.id} (${info.name})${note}`,
      key: info,
    };
  }
  const status = info.status as keyof typeof STATUS_MESSAGES;
  return { valid: false, reason: status, message: STATUS_MESSAGES[status](info), key: info };
}

/**
 * Checks a presented key against records: format and checksum first (no lookup for a key that
 * cannot exist), then the SHA-256 compared in constant time against every record, then status.
 */
export function verifyApiKeyAgainst(
  records: readonly StoredApiKey[],
  presented: string,
  now: Date,
): VerifyApiKeyResult {
  const key = presented.trim();
  const format = checkApiKeyFormat(key);
  if (!format.ok)
    return { valid: false, reason: format.reason as VerifyApiKeyReason, message: format.message };
  const digest = Buffer.from(hashApiKey(key), 'hex');
  let match: StoredApiKey | undefined;
  for (const record of records) {
    const stored = Buffer.from(record.hash, 'hex');
    if (stored.length === digest.length && loadCrypto().timingSafeEqual(stored, digest))
      match ??= record;
  }
  return judge(match, now);
}

/** A verifier bound to a fixed set of records, for services that check many keys. */
export type ApiKeyVerifier = (presented: string, now?: Date) => VerifyApiKeyResult;

/**
 * Like `verifyApiKeyAgainst`, but indexes the records by hash once, so each check costs one
 * SHA-256 and a map lookup. The lookup is keyed by the digest (which a caller cannot steer
 * toward a stored hash), and the hit is still confirmed with a constant-time comparison.
 */
export function createApiKeyVerifier(records: readonly StoredApiKey[]): ApiKeyVerifier {
  const index = new Map(records.map((record) => [record.hash, record] as const));
  return (presented, now = new Date()) => {
    const key = presented.trim();
    const format = checkApiKeyFormat(key);
    if (!format.ok)
      return { valid: false, reason: format.reason as VerifyApiKeyReason, message: format.message };
    const hash = hashApiKey(key);
    const candidate = index.get(hash);
    return judge(candidate && hashesEqual(candidate.hash, hash) ? candidate : undefined, now);
  };
}

/**
 * Verifies a presented key against the store. Never throws for a bad key: the result says why.
 * Reads only the matching record when it can (see lookup.ts): the cost does not grow with the
 * number of records parsed and validated.
 */
export async function verifyApiKey(options: VerifyApiKeyOptions): Promise<VerifyApiKeyResult> {
  const now = options.now ? options.now() : new Date();
  const key = options.key.trim();
  // Validate the format before touching the store.
  const format = checkApiKeyFormat(key);
  if (!format.ok)
    return { valid: false, reason: format.reason as VerifyApiKeyReason, message: format.message };
  const { record, exists } = await findStoredKey(options.store, hashApiKey(key));
  const result = judge(record, now);
  if (result.reason === 'unknown' && !exists) {
    return {
      ...result,
      message: `well-formed key, but there is no store at ${options.store} (pass --store or --home?)`,
    };
  }
  return result;
}

import { usageError } from '../errors.js';
import { API_KEY_PATTERN } from './format.js';
import {
  ACCEPTED_API_KEY_STATUSES,
  apiKeyInfoToJSON,
  describeApiKey,
  type ApiKeyJSON,
} from './info.js';
import type { ApiKeyStoreOptions } from './lifecycle.js';
import { readStore, type StoredApiKey } from './store.js';
import {
  createApiKeyVerifier,
  verifyApiKeyAgainst,
  type ApiKeyVerifier,
  type VerifyApiKeyResult,
} from './verify.js';

/**
 * `apikey export`: what a service needs to verify presented keys, and nothing that would let
 * anyone present one. Format (stable, versioned by `version`):
 *
 * ```json
 * { "format": "authctl-apikeys", "version": 1, "generated_at": "<ISO>",
 *   "hash": "sha256-hex", "header": "X-API-Key", "key_pattern": "^…$",
 *   "accepted_statuses": ["active", "grace"],
 *   "keys": [ { "id", "name", "prefix", "masked", "last4", "sha256", "scopes", "tenant", "status",
 *               "created_at", "expires_at", "rotated_at", "grace_until", "revoked_at",
 *               "replaced_by", "rotated_from", "valid_until" } ] }
 * ```
 * A service accepts a presented key when it matches `key_pattern`, SHA-256(key) as lowercase
 * hex equals an entry's `sha256`, that entry's `status` is in `accepted_statuses`, and
 * `valid_until` is null or in the future. `status` is as of `generated_at`.
 */
export const API_KEY_EXPORT_FORMAT = 'authctl-apikeys';
export const API_KEY_EXPORT_VERSION = 1;
export const DEFAULT_API_KEY_HEADER = 'X-API-Key';
export const DEFAULT_API_KEY_ENV_PREFIX = 'AUTHCTL_APIKEY';

export interface ApiKeyExport {
  format: typeof API_KEY_EXPORT_FORMAT;
  version: typeof API_KEY_EXPORT_VERSION;
  generated_at: string;
  hash: 'sha256-hex';
  header: string;
  key_pattern: string;
  accepted_statuses: string[];
  keys: ApiKeyJSON[];
}

export interface ExportApiKeysOptions extends ApiKeyStoreOptions {
  /** Header services read the key from (default `X-API-Key`). */
  header?: string;
  /** Only keys that verify at export time. */
  validOnly?: boolean;
}

/**
 * The export document a service verifies presented keys against (hashes and metadata, no raw keys), from stored records.
 */
export function buildApiKeyExport(
  records: readonly StoredApiKey[],
  now: Date,
  options: { header?: string; validOnly?: boolean } = {},
): ApiKeyExport {
  const keys = records
    .map((record) => describeApiKey(record, now))
    .filter((info) => !options.validOnly || ACCEPTED_API_KEY_STATUSES.includes(info.status));
  return {
    format: API_KEY_EXPORT_FORMAT,
    version: API_KEY_EXPORT_VERSION,
    generated_at: now.toISOString(),
    hash: 'sha256-hex',
    header: options.header ?? DEFAULT_API_KEY_HEADER,
    key_pattern: API_KEY_PATTERN.source,
    accepted_statuses: [...ACCEPTED_API_KEY_STATUSES],
    keys: keys.map(apiKeyInfoToJSON),
  };
}

/** Reads the store and builds the export document. */
export async function exportApiKeys(options: ExportApiKeysOptions): Promise<ApiKeyExport> {
  const data = await readStore(options.store);
  return buildApiKeyExport(data.keys, options.now ? options.now() : new Date(), options);
}

const BARE_VALUE = /^[A-Za-z0-9_.,:@/+-]*$/;

/** Quotes a .env value so dotenv, docker compose and `sh` all read it back literally. */
function envValue(value: string): string {
  if (BARE_VALUE.test(value)) return value;
  if (!value.includes("'") && !value.includes('\n')) return `'${value}'`;
  return `"${value.replace(/[\\"$`]/g, (c) => `\\${c}`).replace(/\n/g, '\\n')}"`;
}

/**
 * The `.env` form: `<P>_HEADER`, `<P>_PATTERN`, `<P>_COUNT`, `<P>_SHA256S` (comma-separated
 * hashes of keys accepted at export time: enough for a simple allowlist) and, per key `i`
 * (0-based), `<P>_<i>_ID|NAME|PREFIX|SHA256|SCOPES|TENANT|STATUS|EXPIRES_AT|VALID_UNTIL`.
 * SCOPES is space-separated; empty values mean "none".
 */
export function renderApiKeyExportEnv(
  doc: ApiKeyExport,
  envPrefix: string = DEFAULT_API_KEY_ENV_PREFIX,
): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(envPrefix)) {
    throw usageError(
      'ERR_APIKEY_ENV_PREFIX',
      `invalid environment variable prefix "${envPrefix}"`,
      { field: 'envPrefix', hint: 'use letters, digits and _, e.g. API_KEYS' },
    );
  }
  const accepted = doc.keys.filter((k) => doc.accepted_statuses.includes(k.status));
  const lines = [
    `# authctl apikey export (${doc.format} v${doc.version}, ${doc.generated_at}): SHA-256 hex hashes and metadata, never raw keys.`,
    `# Accept a key when it matches ${envPrefix}_PATTERN, its SHA-256 hex equals a ${envPrefix}_<i>_SHA256, STATUS is ${doc.accepted_statuses.join(' or ')} and VALID_UNTIL is empty or in the future.`,
    `${envPrefix}_FORMAT_VERSION=${doc.version}`,
    `${envPrefix}_HEADER=${envValue(doc.header)}`,
    `${envPrefix}_PATTERN=${envValue(doc.key_pattern)}`,
    `${envPrefix}_COUNT=${doc.keys.length}`,
    `${envPrefix}_SHA256S=${accepted.map((k) => k.sha256).join(',')}`,
  ];
  doc.keys.forEach((k, i) => {
    const p = `${envPrefix}_${i}`;
    lines.push(
      `${p}_ID=${envValue(k.id)}`,
      `${p}_NAME=${envValue(k.name)}`,
      `${p}_PREFIX=${envValue(k.prefix)}`,
      `${p}_SHA256=${k.sha256}`,
      `${p}_SCOPES=${envValue(k.scopes.join(' '))}`,
      `${p}_TENANT=${envValue(k.tenant ?? '')}`,
      `${p}_STATUS=${k.status}`,
      `${p}_EXPIRES_AT=${k.expires_at ?? ''}`,
      `${p}_VALID_UNTIL=${k.valid_until ?? ''}`,
    );
  });
  return `${lines.join('\n')}\n`;
}

/** Turns export entries back into records (the hash is all that is needed to match). */
function recordsFromExport(doc: ApiKeyExport): StoredApiKey[] {
  return doc.keys.map((k) => ({
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    hash: k.sha256,
    masked: k.masked,
    last4: k.last4,
    scopes: k.scopes,
    tenant: k.tenant,
    createdAt: k.created_at,
    expiresAt: k.expires_at,
    rotatedAt: k.rotated_at,
    graceUntil: k.grace_until,
    revokedAt: k.revoked_at,
    replacedBy: k.replaced_by,
    rotatedFrom: k.rotated_from,
  }));
}

function assertExport(doc: ApiKeyExport): void {
  if (doc?.format !== API_KEY_EXPORT_FORMAT || doc.version !== API_KEY_EXPORT_VERSION) {
    throw usageError(
      'ERR_APIKEY_EXPORT_FORMAT',
      `not an ${API_KEY_EXPORT_FORMAT} v${API_KEY_EXPORT_VERSION} document`,
      { hint: 'produce it with `authctl apikey export --format json`' },
    );
  }
}

/**
 * Verifies a presented key against an export document, exactly as `apikey verify` would
 * against the store (status is recomputed for `now` from the exported times).
 */
export function verifyApiKeyWithExport(
  doc: ApiKeyExport,
  presented: string,
  now: Date = new Date(),
): VerifyApiKeyResult {
  assertExport(doc);
  return verifyApiKeyAgainst(recordsFromExport(doc), presented, now);
}

/** A reusable verifier for a service seeded from `apikey export --format json` (indexes once). */
export function createExportVerifier(doc: ApiKeyExport): ApiKeyVerifier {
  assertExport(doc);
  return createApiKeyVerifier(recordsFromExport(doc));
}

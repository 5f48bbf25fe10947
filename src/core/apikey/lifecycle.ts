import { usageError } from '../errors.js';
import { mask } from '../mask.js';
import type { LockOptions } from '../fs/lock.js';
import { closest } from '../suggest.js';
import {
  assertApiKeyPrefix,
  checkApiKeyFormat,
  DEFAULT_API_KEY_PREFIX,
  generateApiKey,
  randomBase62,
} from './format.js';
import { hashApiKey } from './hash.js';
import {
  ACCEPTED_API_KEY_STATUSES,
  apiKeyStatus,
  describeApiKey,
  type ApiKeyInfo,
} from './info.js';
import { readStore, updateStore, type ApiKeyStoreData, type StoredApiKey } from './store.js';

/** Options every store operation takes. */
export interface ApiKeyStoreOptions {
  /** Path of the store file (e.g. `<home>/apikeys.json`). */
  store: string;
  /** The clock; defaults to the real time. Inject it in tests instead of sleeping. */
  now?: () => Date;
  lock?: LockOptions;
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** RFC 6749 scope-token: printable ASCII except space, `"` and `\`. */
const SCOPE_PATTERN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const TENANT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

function clock(options: { now?: () => Date }): Date {
  return options.now ? options.now() : new Date();
}

function validateFields(fields: {
  name: string;
  scopes?: string[];
  tenant?: string | null;
  prefix: string;
}): void {
  if (!NAME_PATTERN.test(fields.name)) {
    throw usageError('ERR_APIKEY_NAME', `invalid key name "${fields.name}"`, {
      field: 'name',
      hint: 'use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    });
  }
  assertApiKeyPrefix(fields.prefix);
  for (const scope of fields.scopes ?? []) {
    if (!SCOPE_PATTERN.test(scope)) {
      throw usageError('ERR_APIKEY_SCOPE', `invalid scope "${scope}"`, {
        field: 'scope',
        hint: 'a scope is printable ASCII without spaces, quotes or backslashes; repeat {{scope}} for several',
      });
    }
  }
  if (fields.tenant != null && !TENANT_PATTERN.test(fields.tenant)) {
    throw usageError('ERR_APIKEY_TENANT', `invalid tenant "${fields.tenant}"`, {
      field: 'tenant',
      hint: 'use up to 128 letters, digits, ".", "_", ":", "@" or "-"',
    });
  }
}

function expiryFrom(now: Date, seconds: number | undefined, where: string): string | null {
  if (seconds === undefined) return null;
  if (!(seconds > 0))
    throw usageError('ERR_APIKEY_EXPIRES', `expiry must be in the future, got ${seconds}s`, {
      where,
      hint: 'use a positive duration such as 30d or 12h',
    });
  return new Date(now.getTime() + seconds * 1000).toISOString();
}

function newRecord(
  key: string,
  fields: Pick<StoredApiKey, 'name' | 'prefix' | 'scopes' | 'tenant' | 'expiresAt' | 'rotatedFrom'>,
  now: Date,
): StoredApiKey {
  return {
    id: `key_${randomBase62(12)}`,
    ...fields,
    hash: hashApiKey(key),
    masked: mask(key),
    last4: key.slice(-4),
    createdAt: now.toISOString(),
    rotatedAt: null,
    graceUntil: null,
    revokedAt: null,
    replacedBy: null,
  };
}

export interface CreateApiKeyOptions extends ApiKeyStoreOptions {
  name: string;
  /** Default `ak_test`. */
  prefix?: string;
  scopes?: string[];
  tenant?: string | null;
  /** Lifetime in seconds; no expiry when omitted. */
  expiresIn?: number;
}

export interface CreateApiKeyResult {
  /** The raw key: shown once, never stored. */
  key: string;
  info: ApiKeyInfo;
}

/** Creates a key, stores its hash and returns the raw key (the only time it exists). */
export async function createApiKey(options: CreateApiKeyOptions): Promise<CreateApiKeyResult> {
  const prefix = options.prefix ?? DEFAULT_API_KEY_PREFIX;
  const scopes = [...new Set(options.scopes ?? [])];
  const tenant = options.tenant ?? null;
  validateFields({ name: options.name, scopes, tenant, prefix });
  return updateStore(
    options.store,
    (data) => {
      const now = clock(options);
      const clash = data.keys.find(
        (k) => k.name === options.name && apiKeyStatus(k, now) === 'active',
      );
      if (clash) {
        throw usageError(
          'ERR_APIKEY_NAME_TAKEN',
          `an active key named "${options.name}" already exists (${clash.id})`,
          {
            field: 'name',
            hint: `rotate it with \`authctl apikey rotate ${options.name}\`, revoke it, or choose another name`,
          },
        );
      }
      const key = generateApiKey(prefix);
      const record = newRecord(
        key,
        {
          name: options.name,
          prefix,
          scopes,
          tenant,
          expiresAt: expiryFrom(now, options.expiresIn, '{{expires}}'),
          rotatedFrom: null,
        },
        now,
      );
      data.keys.push(record);
      return { key, info: describeApiKey(record, now) };
    },
    { lock: options.lock },
  );
}

/**
 * Finds a record by id, else by name. Several keys may share a name (a rotated key and its
 * successor, or old revoked keys): the active one wins; otherwise the name is ambiguous.
 */
export function resolveApiKey(data: ApiKeyStoreData, ref: string, now: Date): StoredApiKey {
  const byId = data.keys.find((k) => k.id === ref);
  if (byId) return byId;
  const named = data.keys.filter((k) => k.name === ref);
  if (named.length === 1) return named[0]!;
  const active = named.filter((k) => apiKeyStatus(k, now) === 'active');
  if (active.length === 1) return active[0]!;
  if (named.length > 1) {
    throw usageError(
      'ERR_APIKEY_AMBIGUOUS',
      `"${ref}" names ${named.length} keys: ${named.map((k) => k.id).join(', ')}`,
      {
        where: 'ID',
        hint: 'pass the key id instead of the name (see `authctl apikey list`)',
      },
    );
  }
  // Someone may paste a raw key where an id belongs: never echo it, point at `verify` instead.
  if (looksLikeApiKey(ref)) {
    throw usageError('ERR_APIKEY_NOT_FOUND', `"${mask(ref)}" is an API key, not a key id or name`, {
      where: 'ID',
      hint: 'check a key with `authctl apikey verify` (reads it from stdin); ids and names are in `authctl apikey list`',
    });
  }
  const suggestion = closest(ref, [...new Set(data.keys.flatMap((k) => [k.id, k.name]))]);
  // Every id and name fits NAME_PATTERN; anything else (a token, a foreign secret) is masked, not echoed.
  const shown = NAME_PATTERN.test(ref) ? ref : mask(ref);
  throw usageError('ERR_APIKEY_NOT_FOUND', `no API key with id or name "${shown}"`, {
    where: 'ID',
    hint: suggestion
      ? `did you mean ${suggestion}? (see \`authctl apikey list\`)`
      : 'see `authctl apikey list` for ids and names',
  });
}

/** Key-shaped: a prefix and at least 16 base62 chars after the last `_` (names rarely look like that). */
function looksLikeApiKey(ref: string): boolean {
  const check = checkApiKeyFormat(ref);
  if (check.reason === 'malformed' || check.reason === 'empty') return false;
  return ref.length - ref.lastIndexOf('_') - 1 >= 16;
}

/**
 * Every key's metadata in the store, with its status now (active, expired, revoked); never the keys.
 */
export async function listApiKeys(options: ApiKeyStoreOptions): Promise<ApiKeyInfo[]> {
  const data = await readStore(options.store);
  const now = clock(options);
  return data.keys.map((k) => describeApiKey(k, now));
}

export interface GetApiKeyOptions extends ApiKeyStoreOptions {
  /** Id or unique name. */
  ref: string;
}

/** One key's metadata (never the key or its hash), by id or name. */
export async function getApiKey(options: GetApiKeyOptions): Promise<ApiKeyInfo> {
  const data = await readStore(options.store);
  const now = clock(options);
  return describeApiKey(resolveApiKey(data, options.ref, now), now);
}

export interface RotateApiKeyOptions extends GetApiKeyOptions {
  /** How long the old key keeps verifying, in seconds (default 0: it stops at once). */
  grace?: number;
  /** Lifetime of the new key in seconds; default: the old key's lifetime, or none. */
  expiresIn?: number;
}

export interface RotateApiKeyResult extends CreateApiKeyResult {
  /** The old key, now in `grace` (or `rotated` when grace is 0). */
  previous: ApiKeyInfo;
}

/** Issues a successor with the same name, prefix, scopes and tenant; the old key verifies until the grace ends. */
export async function rotateApiKey(options: RotateApiKeyOptions): Promise<RotateApiKeyResult> {
  const grace = options.grace ?? 0;
  if (!(grace >= 0))
    throw usageError('ERR_APIKEY_GRACE', `grace must not be negative, got ${grace}s`, {
      field: 'grace',
      hint: 'use 0 to stop the old key at once, or e.g. 24h',
    });
  return updateStore(
    options.store,
    (data) => {
      const now = clock(options);
      const old = resolveApiKey(data, options.ref, now);
      const status = apiKeyStatus(old, now);
      if (status === 'revoked')
        throw usageError('ERR_APIKEY_REVOKED', `key ${old.id} is revoked and cannot be rotated`, {
          where: 'ID',
          hint: 'create a new key with `authctl apikey create`',
        });
      if (old.replacedBy !== null)
        throw usageError(
          'ERR_APIKEY_ALREADY_ROTATED',
          `key ${old.id} was already rotated (replaced by ${old.replacedBy})`,
          { where: 'ID', hint: `rotate ${old.replacedBy} instead` },
        );
      const lifetime =
        old.expiresAt === null
          ? undefined
          : (Date.parse(old.expiresAt) - Date.parse(old.createdAt)) / 1000;
      const key = generateApiKey(old.prefix);
      const record = newRecord(
        key,
        {
          name: old.name,
          prefix: old.prefix,
          scopes: [...old.scopes],
          tenant: old.tenant,
          expiresAt: expiryFrom(now, options.expiresIn ?? lifetime, '{{expires}}'),
          rotatedFrom: old.id,
        },
        now,
      );
      old.rotatedAt = now.toISOString();
      old.graceUntil = new Date(now.getTime() + grace * 1000).toISOString();
      old.replacedBy = record.id;
      data.keys.push(record);
      return { key, info: describeApiKey(record, now), previous: describeApiKey(old, now) };
    },
    { lock: options.lock },
  );
}

export interface RevokeApiKeyOptions extends GetApiKeyOptions {
  /** For a name: revoke only its newest live key (the successor), leaving a key in its rotation grace valid. */
  onlyCurrent?: boolean;
}

export interface RevokeApiKeyResult {
  /** The key named (an id's key, or the newest key of a name). */
  info: ApiKeyInfo;
  /** Every key this call revoked, newest first (empty when nothing was live). */
  revoked: ApiKeyInfo[];
  /** Live keys of the name left valid (only with onlyCurrent): a rotated-out key still in its grace. */
  stillValid: ApiKeyInfo[];
  /** True when nothing was live to revoke (nothing changed). */
  alreadyRevoked: boolean;
}

/**
 * Revokes at once. An id revokes that key. A name revokes every live key of that name: after `rotate
 * --grace 24h` the old key (maybe the leaked one) still verifies, and revoking only the successor would
 * leave it valid for a day, silently. `onlyCurrent` revokes just the newest and reports what stays valid.
 * Idempotent.
 */
export async function revokeApiKey(options: RevokeApiKeyOptions): Promise<RevokeApiKeyResult> {
  return updateStore(
    options.store,
    (data) => {
      const now = clock(options);
      const live = (k: StoredApiKey) => ACCEPTED_API_KEY_STATUSES.includes(apiKeyStatus(k, now));
      const byId = data.keys.some((k) => k.id === options.ref);
      // Current first: the key not rotated out (a successor may share its predecessor's creation time), then newest.
      const current = (k: StoredApiKey) => (k.replacedBy === null ? 1 : 0);
      const named = byId
        ? []
        : data.keys
            .filter((k) => k.name === options.ref && live(k))
            .sort(
              (a, b) =>
                current(b) - current(a) || Date.parse(b.createdAt) - Date.parse(a.createdAt),
            );
      const targets = named.length
        ? options.onlyCurrent
          ? named.slice(0, 1)
          : named
        : [resolveApiKey(data, options.ref, now)];
      const revoked = targets.filter(
        (record) => !(record.revokedAt !== null && Date.parse(record.revokedAt) <= now.getTime()),
      );
      for (const record of revoked) record.revokedAt = now.toISOString();
      return {
        info: describeApiKey(targets[0]!, now),
        revoked: revoked.map((k) => describeApiKey(k, now)),
        stillValid: named.filter((k) => !revoked.includes(k)).map((k) => describeApiKey(k, now)),
        alreadyRevoked: revoked.length === 0,
      };
    },
    { lock: options.lock },
  );
}

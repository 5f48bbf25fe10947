// Hashed API-key seed files, as written by `authctl apikey export --format json` (or by hand).
//
// Accepted shapes (the loader is deliberately tolerant):
//   authctl's export: { "format": "authctl-apikeys", "version": 1, "accepted_statuses": ["active", "grace"],
//                       "keys": [ { "id", "name", "prefix", "sha256": "<hex>", "scopes", "tenant", "status",
//                                   "expires_at", "valid_until", ... } ] }
//   { "keys": [ { "hash": "<sha256 hex of the full raw key>", "prefix", "scopes", "roles", "tenant",
//                 "status": "active", "expiresAt": "2027-01-01T00:00:00Z" } ] }
//   [ { "hash": ... }, ... ]                   a bare array of entries
//   [ "<sha256 hex>", ... ]                    a plain list of hashes
//   a text file with one sha256 hex per line   (# comments and blank lines ignored)
// The hash field may be named hash or sha256, written as "<hex>" or "sha256:<hex>". Only SHA-256 of the
// key's UTF-8 bytes is understood; the raw key never appears in the file. A key is accepted when its
// status is in the document's accepted_statuses (default ["active"]) and its valid_until (else
// expires_at / expiresAt) is absent, null or in the future.
import { readFileSync } from 'node:fs';
import { createHash, timingSafeEqual } from 'node:crypto';

const HEX64 = /^[0-9a-f]{64}$/;

function normaliseHash(value, where) {
  if (typeof value !== 'string') throw new Error(`${where}: "hash" must be a string`);
  const hex = value.trim().toLowerCase().replace(/^sha-?256:/, '');
  if (!HEX64.test(hex)) throw new Error(`${where}: "hash" must be 64 hex characters (SHA-256), got "${value.slice(0, 12)}…"`);
  return hex;
}

function toEntry(item, where) {
  if (typeof item === 'string') item = { hash: item };
  if (!item || typeof item !== 'object') throw new Error(`${where}: expected a hash string or an object with "hash"`);
  const hash = normaliseHash(item.hash ?? item.sha256 ?? item.key_hash ?? item.keyHash, where);
  const list = (v) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : []);
  return {
    hash,
    id: item.id ?? item.prefix ?? hash.slice(0, 8),
    prefix: typeof item.prefix === 'string' ? item.prefix : undefined,
    name: typeof item.name === 'string' ? item.name : undefined,
    scopes: list(item.scopes),
    roles: list(item.roles ?? item.role),
    tenant: typeof item.tenant === 'string' ? item.tenant : undefined,
    status: typeof item.status === 'string' ? item.status : 'active',
    // valid_until (authctl export) already folds in rotation grace; fall back to the plain expiry.
    expiresAt: 'valid_until' in item ? item.valid_until : item.expiresAt ?? item.expires_at ?? null,
  };
}

/** Parses the text of a seed file (JSON or one-hash-per-line). Throws Error with a file-relative message. */
export function parseApiKeyFile(text, file = 'api key file') {
  const trimmed = text.trim();
  let items;
  let accepted = ['active'];
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let doc;
    try {
      doc = JSON.parse(trimmed);
    } catch (err) {
      throw new Error(`${file}: not valid JSON (${err.message})`);
    }
    items = Array.isArray(doc) ? doc : doc.keys ?? doc.apiKeys ?? doc.hashes;
    if (!Array.isArray(items)) throw new Error(`${file}: expected a top-level "keys" array or a JSON array`);
    if (Array.isArray(doc.accepted_statuses)) accepted = doc.accepted_statuses.map(String);
  } else {
    items = trimmed.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  }
  return { entries: items.map((item, i) => toEntry(item, `${file}: entry ${i + 1}`)), acceptedStatuses: accepted };
}

function expiryMs(value) {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') return value < 1e12 ? value * 1000 : value; // seconds or milliseconds
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? 0 : ms; // an unparsable expiry counts as expired: fail closed
}

/** An in-memory key store. `verify(raw)` → { ok: true, entry } or { ok: false, reason }. */
export class ApiKeyStore {
  #byHash = new Map();
  #accepted;

  constructor(entries = [], acceptedStatuses = ['active']) {
    for (const e of entries) this.#byHash.set(e.hash, e);
    this.#accepted = acceptedStatuses;
  }

  static fromFile(file) {
    const { entries, acceptedStatuses } = parseApiKeyFile(readFileSync(file, 'utf8'), file);
    return new ApiKeyStore(entries, acceptedStatuses);
  }

  static hash(raw) {
    return createHash('sha256').update(raw, 'utf8').digest('hex');
  }

  add(entry) {
    this.#byHash.set(entry.hash, entry);
  }

  list() {
    return [...this.#byHash.values()];
  }

  revoke(id) {
    const entry = this.list().find((e) => e.id === id || e.prefix === id);
    if (entry) entry.status = 'revoked';
    return entry;
  }

  get size() {
    return this.#byHash.size;
  }

  verify(raw, now = Date.now()) {
    if (typeof raw !== 'string' || raw.length === 0 || raw.length > 512) return { ok: false, reason: 'malformed' };
    const digest = ApiKeyStore.hash(raw);
    const entry = this.#byHash.get(digest);
    // The map lookup is keyed by a hash of the secret, so its timing reveals nothing about the key;
    // the explicit constant-time compare keeps that property obvious to readers.
    if (!entry || !timingSafeEqual(Buffer.from(entry.hash, 'hex'), Buffer.from(digest, 'hex'))) {
      return { ok: false, reason: 'unknown' };
    }
    if (!this.#accepted.includes(entry.status)) return { ok: false, reason: entry.status };
    const exp = expiryMs(entry.expiresAt);
    if (exp !== null && exp <= now) return { ok: false, reason: 'expired' };
    return { ok: true, entry };
  }
}

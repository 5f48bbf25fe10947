// Hashed API-key seed files, as written by `authctl apikey export --format json` (or by hand).
//
// Accepted shapes (the loader is deliberately tolerant):
//   { "keys": [ { "hash": "<sha256 hex of the full raw key>", "prefix": "...", "scopes": [...],
//                 "roles": [...], "tenant": "...", "status": "active", "expiresAt": "2027-01-01T00:00:00Z" } ] }
//   [ { "hash": ... }, ... ]                   a bare array of entries
//   [ "<sha256 hex>", ... ]                    a plain list of hashes
//   a text file with one sha256 hex per line   (# comments and blank lines ignored)
// A hash may be written as "<hex>" or "sha256:<hex>". Only SHA-256 hashes are understood; the raw key
// never appears in the file. Entries with status other than "active" or with a past expiresAt are refused.
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
  if (typeof item === 'string') return { hash: normaliseHash(item, where) };
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
    expiresAt: item.expiresAt ?? item.expires_at ?? null,
  };
}

/** Parses the text of a seed file (JSON or one-hash-per-line). Throws Error with a file-relative message. */
export function parseApiKeyFile(text, file = 'api key file') {
  const trimmed = text.trim();
  let items;
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let doc;
    try {
      doc = JSON.parse(trimmed);
    } catch (err) {
      throw new Error(`${file}: not valid JSON (${err.message})`);
    }
    items = Array.isArray(doc) ? doc : doc.keys ?? doc.apiKeys ?? doc.hashes;
    if (!Array.isArray(items)) throw new Error(`${file}: expected a top-level "keys" array or a JSON array`);
  } else {
    items = trimmed.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  }
  return items.map((item, i) => toEntry(item, `${file}: entry ${i + 1}`));
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

  constructor(entries = []) {
    for (const e of entries) this.#byHash.set(e.hash, e);
  }

  static fromFile(file) {
    return new ApiKeyStore(parseApiKeyFile(readFileSync(file, 'utf8'), file));
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
    if (entry.status !== 'active') return { ok: false, reason: entry.status };
    const exp = expiryMs(entry.expiresAt);
    if (exp !== null && exp <= now) return { ok: false, reason: 'expired' };
    return { ok: true, entry };
  }
}

import path from 'node:path';
// node:fs through require(): its ESM import loads fs streams (node.ts).
import { nodeFs, readFileBytes } from '../node.js';
import { usageError } from '../errors.js';
import type { LockOptions } from '../fs/lock.js';
import { jsonErrorLocation } from '../config/position.js';
import { syntaxSnippet } from '../snippet.js';

/**
 * The API key store: one JSON file (`apikeys.json` in the keystore dir by default), mode 0600,
 * holding only hashes and metadata. Reads take no lock (writes are atomic renames, so a reader
 * sees a whole file); writes run under `<file>.lock` and go through temp + fsync + rename.
 * A file that does not parse, does not match the schema or has a newer version is reported
 * and never overwritten.
 */
export const API_KEY_STORE_VERSION = 1;
export const DEFAULT_API_KEY_STORE_FILE = 'apikeys.json';

/** One stored key's fields. Times are ISO 8601 strings; null when not set. */
interface StoredApiKeyFields {
  id: string;
  name: string;
  prefix: string;
  /** SHA-256 hex of the full key. */
  hash: string;
  /** `mask(key)` at creation, e.g. `ak_test_AbCd…wXyZ`. */
  masked: string;
  last4: string;
  scopes: string[];
  tenant: string | null;
  createdAt: string;
  expiresAt: string | null;
  /** When this key was rotated out (a successor was issued). */
  rotatedAt: string | null;
  /** Until when a rotated-out key keeps verifying. */
  graceUntil: string | null;
  revokedAt: string | null;
  /** Id of the key that replaced this one. */
  replacedBy: string | null;
  /** Id of the key this one replaced. */
  rotatedFrom: string | null;
}
/** One stored key: its fields, and any unknown ones, which are kept. */
export type StoredApiKey = StoredApiKeyFields & Record<string, unknown>;

export interface ApiKeyStoreData {
  version: typeof API_KEY_STORE_VERSION;
  keys: StoredApiKey[];
  [field: string]: unknown;
}

// The record's rules, checked by hand rather than with zod: `apikey verify` is start-up bound,
// and zod's chunk alone cost it more than the rest of its work (issue #17). Each check returns what
// is wrong, naming the rule, never the value (the store holds hashes, but a field may hold anything).
type Check = (value: unknown) => string | undefined;
const isString = (value: unknown): value is string => typeof value === 'string';
const text: Check = (v) => (isString(v) ? undefined : 'must be a string');
const nonEmpty: Check = (v) => (isString(v) && v !== '' ? undefined : 'must be a non-empty string');
const nullable =
  (check: Check): Check =>
  (v) => {
    const message = v === null ? undefined : check(v);
    return message && `${message} or null`;
  };
const iso: Check = (v) =>
  isString(v) && !Number.isNaN(Date.parse(v)) ? undefined : 'must be an ISO 8601 time';
const sha256: Check = (v) =>
  isString(v) && /^[0-9a-f]{64}$/.test(v) ? undefined : 'must be 64 lowercase hex digits';
const strings: Check = (v) =>
  Array.isArray(v) && v.every(isString) ? undefined : 'must be an array of strings';

const RECORD: Record<keyof StoredApiKeyFields, Check> = {
  id: nonEmpty,
  name: nonEmpty,
  prefix: nonEmpty,
  hash: sha256,
  masked: text,
  last4: text,
  scopes: strings,
  tenant: nullable(text),
  createdAt: iso,
  expiresAt: nullable(iso),
  rotatedAt: nullable(iso),
  graceUntil: nullable(iso),
  revokedAt: nullable(iso),
  replacedBy: nullable(text),
  rotatedFrom: nullable(text),
};

/** What is wrong with one record (`field` and `message`), or undefined when it is a valid record. */
export function recordProblem(value: unknown): { field?: string; message: string } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { message: 'must be an object' };
  for (const [field, check] of Object.entries(RECORD)) {
    const message = check((value as Record<string, unknown>)[field]);
    if (message) return { field, message };
  }
  return undefined;
}

/** The whole store's shape: an object, `version` 1, `keys` an array of valid records. */
function storeProblem(raw: unknown): { field: string; message: string } | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { field: '(top level)', message: 'must be an object' };
  const { version, keys } = raw as { version?: unknown; keys?: unknown };
  if (version !== API_KEY_STORE_VERSION)
    return { field: 'version', message: `must be ${API_KEY_STORE_VERSION}` };
  if (!Array.isArray(keys)) return { field: 'keys', message: 'must be an array' };
  for (const [index, record] of keys.entries()) {
    const problem = recordProblem(record);
    if (problem)
      return {
        field: ['keys', index, problem.field].filter((part) => part !== undefined).join('.'),
        message: problem.message,
      };
  }
  return undefined;
}

export function emptyStore(): ApiKeyStoreData {
  return { version: API_KEY_STORE_VERSION, keys: [] };
}

/** Parses store text; `file` is only used in errors. */
export function parseStore(text: string, file: string): ApiKeyStoreData {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const { line, column } = jsonErrorLocation(error, text);
    throw usageError('ERR_APIKEY_STORE_CORRUPT', `API key store is not valid JSON`, {
      where: `${file}:${line}:${column}`,
      hint: `authctl will not overwrite it; restore it from a backup or move it aside to start a new store\n${syntaxSnippet(text, line, column, { allValues: true })}`,
      details: { file, line, column },
      cause: error,
    });
  }
  const version = (raw as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > API_KEY_STORE_VERSION) {
    throw usageError(
      'ERR_APIKEY_STORE_VERSION',
      `API key store has version ${version}; this authctl reads version ${API_KEY_STORE_VERSION}`,
      {
        where: file,
        hint: 'upgrade authctl to read it (the file was left untouched)',
      },
    );
  }
  const problem = storeProblem(raw);
  if (problem) throw invalidStore(problem, file);
  return raw as ApiKeyStoreData;
}

function invalidStore(problem: { field: string; message: string }, file: string) {
  return usageError(
    'ERR_APIKEY_STORE_INVALID',
    `API key store field ${problem.field}: ${problem.message}`,
    {
      where: file,
      hint: 'authctl will not overwrite it; fix the field or move the file aside to start a new store',
    },
  );
}

export function serializeStore(data: ApiKeyStoreData): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}

/** The store's bytes; undefined when the file does not exist yet. */
export async function readStoreBytes(file: string): Promise<Buffer | undefined> {
  try {
    return await readFileBytes(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw usageError(
      'ERR_APIKEY_STORE_UNREADABLE',
      `cannot read API key store: ${code ?? (error as Error).message}`,
      {
        where: file,
        hint:
          code === 'EISDIR'
            ? 'pass a file, not a directory, to {{store}}'
            : 'check the path and its permissions',
        cause: error,
      },
    );
  }
}

/** The store's content, every record validated; an empty store when the file does not exist yet. */
export async function readStore(file: string): Promise<ApiKeyStoreData> {
  const bytes = await readStoreBytes(file);
  return bytes === undefined ? emptyStore() : parseStore(bytes.toString('utf8'), file);
}

export interface UpdateStoreOptions {
  lock?: LockOptions;
}

/**
 * Read-modify-write under the store's lock. `fn` mutates `data` in place and returns a result;
 * if it throws, nothing is written. What is written is validated first: `apikey verify` relies on
 * every record having been checked when it was written (lookup.ts).
 */
export async function updateStore<T>(
  file: string,
  fn: (data: ApiKeyStoreData) => T | Promise<T>,
  options: UpdateStoreOptions = {},
): Promise<T> {
  // Only writers need locks, atomic writes and the index builder: `apikey verify` never loads them.
  const [{ withFileLock }, { writeFileAtomic }, { writeError }, { buildStoreIndex, indexFileOf }] =
    await Promise.all([
      import('../fs/lock.js'),
      import('../fs/atomic.js'),
      import('../fs/errors.js'),
      import('./store-index.js'),
    ]);
  const written = { what: 'the API key store', elsewhere: 'or pass another {{store}} FILE' };
  await nodeFs.promises
    .mkdir(path.dirname(file), { recursive: true, mode: 0o700 })
    .catch((error: unknown) => {
      throw writeError(error, file, written);
    });
  return withFileLock(
    file,
    async () => {
      const data = await readStore(file);
      const result = await fn(data);
      const problem = storeProblem(data);
      if (problem) throw invalidStore(problem, file);
      const text = Buffer.from(serializeStore(data));
      await writeFileAtomic(file, text, { mode: 0o600, ...written });
      // The index names the file just renamed into place (store-index.ts). Best effort: without
      // it, or with a stale one, `apikey verify` searches the store itself.
      const index = buildStoreIndex(text, data.keys, nodeFs.statSync(file, { bigint: true }));
      if (index) await writeFileAtomic(indexFileOf(file), index, { mode: 0o600 }).catch(() => {});
      else nodeFs.rmSync(indexFileOf(file), { force: true });
      return result;
    },
    options.lock,
  );
}

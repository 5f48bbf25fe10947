import path from 'node:path';
// node:fs through require(): its ESM import loads fs streams (node.ts).
import { nodeFs, readFileBytes } from '../node.js';
import { usageError } from '../errors.js';
import type { LockOptions } from '../fs/lock.js';
import { jsonErrorLocation } from '../config/position.js';
import { syntaxSnippet } from '../snippet.js';
import { recordProblem, type StoredApiKey } from './record.js';

export { recordProblem, type StoredApiKey } from './record.js';

/**
 * The API key store: one JSON file (`apikeys.json` in the keystore dir by default), mode 0600,
 * holding only hashes and metadata. Reads take no lock (writes are atomic renames, so a reader
 * sees a whole file); writes run under `<file>.lock` and go through temp + fsync + rename.
 * A file that does not parse, does not match the schema or has a newer version is reported
 * and never overwritten.
 */
export const API_KEY_STORE_VERSION = 1;
export const DEFAULT_API_KEY_STORE_FILE = 'apikeys.json';

export interface ApiKeyStoreData {
  version: typeof API_KEY_STORE_VERSION;
  keys: StoredApiKey[];
  [field: string]: unknown;
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
  const [{ withFileLock }, { writeFileAtomic }, { writeError }, { writeStoreIndex }] =
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
      await writeStoreIndex(file, text, data.keys);
      return result;
    },
    options.lock,
  );
}

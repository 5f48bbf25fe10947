import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import { usageError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { writeError } from '../fs/errors.js';
import { withFileLock, type LockOptions } from '../fs/lock.js';
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

const iso = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO 8601 time');

/** One stored key. Times are ISO 8601 strings; null when not set. Unknown fields are kept. */
export const storedApiKeySchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().min(1),
  prefix: z.string().min(1),
  /** SHA-256 hex of the full key. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  /** `mask(key)` at creation, e.g. `ak_test_AbCd…wXyZ`. */
  masked: z.string(),
  last4: z.string(),
  scopes: z.array(z.string()),
  tenant: z.string().nullable(),
  createdAt: iso,
  expiresAt: iso.nullable(),
  /** When this key was rotated out (a successor was issued). */
  rotatedAt: iso.nullable(),
  /** Until when a rotated-out key keeps verifying. */
  graceUntil: iso.nullable(),
  revokedAt: iso.nullable(),
  /** Id of the key that replaced this one. */
  replacedBy: z.string().nullable(),
  /** Id of the key this one replaced. */
  rotatedFrom: z.string().nullable(),
});
export type StoredApiKey = z.infer<typeof storedApiKeySchema>;

const storeSchema = z.looseObject({
  version: z.literal(API_KEY_STORE_VERSION),
  keys: z.array(storedApiKeySchema),
});
export type ApiKeyStoreData = z.infer<typeof storeSchema>;

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
  const result = storeSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.length ? issue.path.join('.') : '(top level)';
    throw usageError('ERR_APIKEY_STORE_INVALID', `API key store field ${field}: ${issue.message}`, {
      where: file,
      hint: 'authctl will not overwrite it; fix the field or move the file aside to start a new store',
    });
  }
  return result.data;
}

export function serializeStore(data: ApiKeyStoreData): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}

/** The store's content; an empty store when the file does not exist yet. */
export async function readStore(file: string): Promise<ApiKeyStoreData> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return emptyStore();
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
  return parseStore(text, file);
}

export interface UpdateStoreOptions {
  lock?: LockOptions;
}

/**
 * Read-modify-write under the store's lock. `fn` mutates `data` in place and returns a result;
 * if it throws, nothing is written.
 */
export async function updateStore<T>(
  file: string,
  fn: (data: ApiKeyStoreData) => T | Promise<T>,
  options: UpdateStoreOptions = {},
): Promise<T> {
  const written = { what: 'the API key store', elsewhere: 'or pass another {{store}} FILE' };
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 }).catch((error: unknown) => {
    throw writeError(error, file, written);
  });
  return withFileLock(
    file,
    async () => {
      const data = await readStore(file);
      const result = await fn(data);
      await writeFileAtomic(file, serializeStore(data), { mode: 0o600, ...written });
      return result;
    },
    options.lock,
  );
}

import { hashesEqual } from './hash.js';
import { parseStore, readStoreBytes, recordProblem, type StoredApiKey } from './store.js';
import { indexedLookup } from './store-index.js';

/**
 * `apikey verify`'s read of the store: the record whose hash is the presented key's, through the
 * store's index when it has one made for the file as it is (store-index.ts). Without one (a store
 * written by an older authctl, or edited by hand), a store laid out as authctl writes it
 * (serializeStore: JSON.stringify with two-space indentation) is searched as text
 * for the hash, and only that record is parsed and checked, so verifying costs about the read of
 * the file, not a parse of every record (a 10,000-key store is ~4.7 MB of JSON: ~60 ms to parse).
 * Every write validates the whole store, so the records this skips were checked when written.
 * Anything else (a hand-formatted file, a miss, a record that fails its check) takes the full,
 * validated read, which reports a corrupt store as every other command does.
 */
export interface StoreLookup {
  record?: StoredApiKey;
  /** Whether the store file exists (a miss in a missing store gets its own message). */
  exists: boolean;
}

export async function findStoredKey(file: string, hash: string): Promise<StoreLookup> {
  // The store's index first: a few small reads whatever the store's size (store-index.ts).
  const indexed = indexedLookup(file, hash);
  if (indexed) return { record: indexed.record, exists: true };
  const bytes = await readStoreBytes(file);
  if (bytes === undefined) return { exists: false };
  const record = recordInWrittenText(bytes, hash);
  if (record && !recordProblem(record) && hashesEqual(record.hash, hash))
    return { record, exists: true };
  const data = parseStore(bytes.toString('utf8'), file);
  // As verifyApiKeyAgainst: a constant-time comparison with every record, the first match wins.
  let match: StoredApiKey | undefined;
  for (const key of data.keys) if (hashesEqual(key.hash, hash)) match ??= key;
  return { record: match, exists: true };
}

/** How serializeStore lays the store out: version first, then the records, one level each. */
const KEYS_START = '{\n  "version": 1,\n  "keys": [\n';
const KEYS_END = '\n  ]';
const RECORD_START = '\n    {';
const RECORD_END = '\n    }';
const STORE_END = '\n  ]\n}\n';

/**
 * The record at [start, end) sits directly in `keys`, as serializeStore lays records out: the first
 * one or after a record and its comma, then a comma or the end of the list, and nothing after the
 * list but the store's closing brace. Anything else (a copy nested in another field, trailing text)
 * takes the full read. A file hand-edited into exactly this layout could still fool it; whoever can
 * write the store can add a key to it anyway.
 */
function inKeysList(bytes: Buffer, start: number, end: number, keysEnd: number): boolean {
  const first = start === KEYS_START.length - 1;
  if (!first && bytes.toString('latin1', start - 7, start) !== '\n    },') return false;
  if (end !== keysEnd && bytes[end] !== 0x2c) return false;
  return bytes.toString('latin1', keysEnd) === STORE_END;
}

/**
 * The record holding `"hash": "<hash>"` as a record's own field, or undefined when the text is not
 * laid out as serializeStore writes it there. In that layout a line's indentation is its depth
 * (strings hold no raw newline), so `\n  ]` closes `keys`, records open and close at four spaces
 * and their own fields sit at six (inKeysList checks the record's place in the list).
 * It searches the bytes (all the markers are ASCII): decoding a 4.7 MB store to a string first
 * took longer than the whole search.
 */
function recordInWrittenText(bytes: Buffer, hash: string): StoredApiKey | undefined {
  if (bytes.toString('utf8', 0, KEYS_START.length) !== KEYS_START) return undefined;
  const keysEnd = bytes.indexOf(KEYS_END, KEYS_START.length);
  const at = bytes.indexOf(`\n      "hash": "${hash}"`, KEYS_START.length);
  if (keysEnd < 0 || at < 0 || at > keysEnd) return undefined;
  const start = bytes.lastIndexOf(RECORD_START, at);
  const end = bytes.indexOf(RECORD_END, at);
  if (start < KEYS_START.length - 2 || end < 0 || end > keysEnd) return undefined;
  if (!inKeysList(bytes, start, end + RECORD_END.length, keysEnd)) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8', start + 1, end + RECORD_END.length)) as StoredApiKey;
  } catch {
    return undefined;
  }
}

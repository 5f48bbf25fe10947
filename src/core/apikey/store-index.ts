import { nodeFs } from '../node.js';
import type { BigIntStats } from 'node:fs';
import { hashesEqual } from './hash.js';
import { recordProblem, type StoredApiKey } from './record.js';

/**
 * The API key store's index, `<store>.index` beside it (issue #17: `apikey verify` at 10,000 keys
 * read and searched the whole 4.5 MB store, and a miss parsed all of it). Every write of the store
 * writes it too: the records' hashes, sorted, each with where its record sits in the store's bytes,
 * and the identity of the store file it was made for (device, inode, size, modification time). A
 * lookup reads the header, then binary-searches the entries with a few small reads, then reads the
 * one record: its cost no longer grows with the store. An index made for another file (a store
 * edited by hand, an older authctl's, a crash between the two renames) does not match the store's
 * identity and is not used: lookup.ts then searches the store itself, as before.
 *
 * Binary, little-endian: the magic, the identity (four uint64), the entry count (uint32, then four
 * bytes reserved), then one 16-byte entry per record: the first 8 bytes of its SHA-256, the
 * record's byte offset and length (uint32 each). A store of 4 GiB or more gets no index.
 */
const MAGIC = Buffer.from('akidx01\n', 'latin1');
const HEADER = 48;
const ENTRY = 16;
const PREFIX = 8;

export const indexFileOf = (store: string): string => `${store}.index`;

/** Where each record of a store as serializeStore lays it out begins and ends, in record order. */
function recordSpans(bytes: Buffer, count: number): Array<[number, number]> | undefined {
  const spans: Array<[number, number]> = [];
  const keysEnd = bytes.indexOf('\n  ]');
  let at = bytes.indexOf('\n  "keys": [\n');
  if (at < 0 || keysEnd < at) return undefined;
  for (let i = 0; i < count; i++) {
    const start = bytes.indexOf('\n    {', at);
    const end = bytes.indexOf('\n    }', start);
    if (start < 0 || end < 0 || end > keysEnd) return undefined;
    spans.push([start + 1, end + '\n    }'.length]);
    at = end;
  }
  return spans;
}

/**
 * Writes the index of the store just written as `bytes` to `store` (under the store's lock, after
 * its rename: the index names the file now in place). Best effort: the store is written already,
 * and without an index, or with one naming another file, `apikey verify` searches the store.
 */
export async function writeStoreIndex(
  store: string,
  bytes: Buffer,
  keys: readonly StoredApiKey[],
): Promise<void> {
  try {
    const index = buildStoreIndex(bytes, keys, nodeFs.statSync(store, { bigint: true }));
    if (!index) return nodeFs.rmSync(indexFileOf(store), { force: true });
    // The writer has it loaded already; a reader of the index never loads it.
    const { writeFileAtomic } = await import('../fs/atomic.js');
    await writeFileAtomic(indexFileOf(store), index, { mode: 0o600 });
  } catch {
    // a full or read-only disk: the next write tries again
  }
}

/**
 * The index of the store `bytes` just written to a file of identity `stat`, or undefined when the
 * records cannot be located exactly (then no index is written, and an old one no longer matches).
 */
function buildStoreIndex(
  bytes: Buffer,
  keys: readonly StoredApiKey[],
  stat: BigIntStats,
): Buffer | undefined {
  if (bytes.length >= 2 ** 32) return undefined;
  const spans = recordSpans(bytes, keys.length);
  if (!spans) return undefined;
  const entries = keys.map((key, i) => {
    const [start, end] = spans[i]!;
    // The span must be this record's: its own hash field at the record's depth.
    const own = bytes.indexOf(`\n      "hash": "${key.hash}"`, start);
    return own < 0 || own > end ? undefined : { prefix: prefixOf(key.hash), start, end };
  });
  if (entries.some((entry) => entry === undefined || entry.prefix === undefined)) return undefined;
  const sorted = (entries as Array<{ prefix: Buffer; start: number; end: number }>).sort(
    (a, b) => Buffer.compare(a.prefix, b.prefix) || a.start - b.start,
  );
  const index = Buffer.alloc(HEADER + sorted.length * ENTRY);
  MAGIC.copy(index, 0);
  writeIdentity(index, stat);
  index.writeUInt32LE(sorted.length, 40);
  sorted.forEach(({ prefix, start, end }, i) => {
    const at = HEADER + i * ENTRY;
    prefix.copy(index, at);
    index.writeUInt32LE(start, at + PREFIX);
    index.writeUInt32LE(end - start, at + PREFIX + 4);
  });
  return index;
}

function writeIdentity(index: Buffer, stat: BigIntStats): void {
  [stat.dev, stat.ino, stat.size, stat.mtimeNs].forEach((value, i) =>
    index.writeBigUInt64LE(BigInt.asUintN(64, value), 8 + i * 8),
  );
}

const prefixOf = (hash: string): Buffer | undefined =>
  /^[0-9a-f]{64}$/.test(hash) ? Buffer.from(hash.slice(0, PREFIX * 2), 'hex') : undefined;

/**
 * The record whose hash is `hash`, found through the index: `{ record }` (undefined when the index
 * says the store has none), or undefined when there is no usable index for the store as it is now
 * (missing, for another file, damaged): the caller then searches the store itself.
 */
export function indexedLookup(store: string, hash: string): { record?: StoredApiKey } | undefined {
  const prefix = prefixOf(hash);
  if (!prefix) return undefined;
  const fds: number[] = [];
  try {
    const data = nodeFs.openSync(store, 'r');
    fds.push(data);
    // Non-blocking: opening a FIFO put in its place would wait for a writer (matchingCount refuses it).
    const { O_RDONLY, O_NONBLOCK = 0 } = nodeFs.constants;
    const index = nodeFs.openSync(indexFileOf(store), O_RDONLY | O_NONBLOCK);
    fds.push(index);
    const count = matchingCount(index, nodeFs.fstatSync(data, { bigint: true }));
    if (count === undefined) return undefined;
    return { record: findRecord(data, index, count, prefix, hash) };
  } catch {
    return undefined; // no index, or the store vanished meanwhile: the caller's own read decides
  } finally {
    for (const fd of fds) nodeFs.closeSync(fd);
  }
}

/** The index's entry count, if it was made for the store file `stat` describes and is whole. */
function matchingCount(index: number, stat: BigIntStats): number | undefined {
  // A regular file only: a FIFO or device in its place would block the read, or never end.
  const own = nodeFs.fstatSync(index);
  if (!own.isFile() || !stat.isFile() || own.size < HEADER) return undefined;
  const header = Buffer.alloc(HEADER);
  if (nodeFs.readSync(index, header, 0, HEADER, 0) !== HEADER) return undefined;
  if (!header.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const expected = Buffer.alloc(HEADER);
  writeIdentity(expected, stat);
  if (!header.subarray(8, 40).equals(expected.subarray(8, 40))) return undefined;
  const count = header.readUInt32LE(40);
  return own.size === HEADER + count * ENTRY ? count : undefined;
}

/** Binary search for the first entry with `prefix`, then each such entry's record, checked. */
function findRecord(
  data: number,
  index: number,
  count: number,
  prefix: Buffer,
  hash: string,
): StoredApiKey | undefined {
  const entry = Buffer.alloc(ENTRY);
  const read = (i: number) => nodeFs.readSync(index, entry, 0, ENTRY, HEADER + i * ENTRY);
  let low = 0;
  let high = count;
  while (low < high) {
    const mid = (low + high) >>> 1;
    read(mid);
    if (Buffer.compare(entry.subarray(0, PREFIX), prefix) < 0) low = mid + 1;
    else high = mid;
  }
  for (let i = low; i < count && read(i) === ENTRY; i++) {
    if (!entry.subarray(0, PREFIX).equals(prefix)) break;
    const record = recordAt(data, entry.readUInt32LE(PREFIX), entry.readUInt32LE(PREFIX + 4));
    // As verifyApiKeyAgainst: a constant-time comparison, the first match (in store order) wins.
    if (hashesEqual(record.hash, hash)) return record;
    // The entry's prefix is the hash's, its record's hash is not: a damaged index (or a prefix two
    // keys share), which must not answer "no such key". The store itself decides (the caller).
    throw new Error('index entry and record disagree');
  }
  return undefined;
}

/** The record at [offset, offset + length) of the store; a throw (not JSON, not a record) drops the index. */
function recordAt(data: number, offset: number, length: number): StoredApiKey {
  const bytes = Buffer.alloc(length);
  if (nodeFs.readSync(data, bytes, 0, length, offset) !== length) throw new Error('short read');
  const record = JSON.parse(bytes.toString('utf8')) as unknown;
  if (recordProblem(record)) throw new Error('not a record');
  return record as StoredApiKey;
}

// The API key store's index (src/core/apikey/store-index.ts): written with every store write, used
// by apikey verify while it names the store file as it is, and ignored (the store itself is then
// searched) once the file changed behind authctl's back or the index is damaged.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { promises as fs, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createApiKey,
  generateApiKey,
  hashApiKey,
  revokeApiKey,
  verifyApiKey,
} from '../../src/core/apikey/index.js';
import { findStoredKey } from '../../src/core/apikey/lookup.js';
import { indexedLookup, indexFileOf } from '../../src/core/apikey/store-index.js';
import { parseStore, updateStore, type StoredApiKey } from '../../src/core/apikey/store.js';
import { storedRecord } from '../helpers/apikey-record.js';
import { tempDir } from '../helpers/cli.js';

// The fs object src/core/node.ts requires (the same one), so its reads can be counted.
const nodeFs = createRequire(import.meta.url)('node:fs') as typeof import('node:fs');

let store: string;
let keys: string[];
beforeEach(async () => {
  store = path.join(tempDir(), 'apikeys.json');
  keys = [];
  for (const name of ['a', 'b', 'c']) keys.push((await createApiKey({ store, name })).key);
});
afterEach(() => vi.restoreAllMocks());

/** `count` records as createApiKey makes them, with what a hand or a newer authctl may add. */
function records(count: number): { keys: string[]; records: StoredApiKey[] } {
  const made = Array.from({ length: count }, (_, i) => {
    const key = generateApiKey();
    const record = storedRecord(hashApiKey(key), {
      id: `key_${i}`,
      name: i % 7 ? `k${i}` : `ключ ${i} 🔑`,
      last4: key.slice(-4),
      scopes: i % 3 ? [] : ['read', 'write'],
      tenant: i % 5 ? null : `t${i}`,
      // Unknown fields are kept: nested objects and arrays at deeper indentation, a decoy hash.
      ...(i % 4 ? {} : { note: { hash: hashApiKey(`decoy ${i}`), list: [{ a: 1 }] } }),
    });
    return { key, record };
  });
  return { keys: made.map((m) => m.key), records: made.map((m) => m.record) };
}

describe('the API key store index', () => {
  it('is written (0600) with the store and finds every record, and a miss, without the store read whole', async () => {
    expect(statSync(indexFileOf(store)).mode & 0o777).toBe(0o600);
    for (const [i, key] of keys.entries())
      expect(indexedLookup(store, hashApiKey(key))).toMatchObject({
        record: { name: ['a', 'b', 'c'][i] },
      });
    expect(indexedLookup(store, hashApiKey(generateApiKey()))).toEqual({ record: undefined });
    await revokeApiKey({ store, ref: 'b' });
    expect(await verifyApiKey({ store, key: keys[1]! })).toMatchObject({ reason: 'revoked' });
  });

  it('agrees with a full read of the store on every record, Unicode and nested fields included', async () => {
    const made = records(300);
    await updateStore(store, (data) => void data.keys.push(...made.records));
    const full = parseStore(await fs.readFile(store, 'utf8'), store);
    for (const key of made.keys) {
      const hash = hashApiKey(key);
      expect(indexedLookup(store, hash)?.record).toEqual(full.keys.find((k) => k.hash === hash));
    }
    // A hash only in an unknown field is no record.
    expect(indexedLookup(store, hashApiKey('decoy 0'))).toEqual({ record: undefined });
  });

  it('reads a few hundred bytes of a 2,000-key store for a hit and for a miss', async () => {
    const made = records(2_000);
    await updateStore(store, (data) => void data.keys.push(...made.records));
    const size = statSync(store).size;
    const readSync = vi.spyOn(nodeFs, 'readSync');
    const readFileSync = vi.spyOn(nodeFs, 'readFileSync');
    const bytesRead = () => readSync.mock.results.reduce((sum, r) => sum + (r.value as number), 0);
    expect((await findStoredKey(store, hashApiKey(made.keys[1234]!))).record?.id).toBe('key_1234');
    expect((await findStoredKey(store, hashApiKey(generateApiKey()))).record).toBeUndefined();
    expect(readFileSync).not.toHaveBeenCalled();
    expect(size).toBeGreaterThan(900_000);
    expect(bytesRead()).toBeLessThan(2_000);
  });

  it('is not used once the store changed behind its back: the store itself decides', async () => {
    // A hand edit: the same records, the first one revoked, in the layout authctl writes.
    const doc = JSON.parse(await fs.readFile(store, 'utf8')) as { keys: StoredApiKey[] };
    doc.keys[0]!.revokedAt = new Date().toISOString();
    await fs.writeFile(store, `${JSON.stringify(doc, null, 2)}\n`);
    expect(indexedLookup(store, hashApiKey(keys[0]!))).toBeUndefined();
    expect(await verifyApiKey({ store, key: keys[0]! })).toMatchObject({ reason: 'revoked' });
    expect(await verifyApiKey({ store, key: keys[2]! })).toMatchObject({ valid: true });
    // The next write through authctl indexes the store again.
    await createApiKey({ store, name: 'd' });
    expect(indexedLookup(store, hashApiKey(keys[2]!))).toMatchObject({ record: { name: 'c' } });
  });

  it('is not used when damaged, truncated or missing; verify still answers from the store', async () => {
    const index = await fs.readFile(indexFileOf(store));
    for (const damaged of [
      index.subarray(0, index.length - 3),
      Buffer.concat([index, Buffer.alloc(16)]),
      Buffer.from('not an index at all'),
      Buffer.alloc(0),
    ]) {
      await fs.writeFile(indexFileOf(store), damaged);
      expect(indexedLookup(store, hashApiKey(keys[1]!))).toBeUndefined();
      expect(await verifyApiKey({ store, key: keys[1]! })).toMatchObject({ valid: true });
    }
    // An entry pointing at the wrong bytes (the offset of another record): that one's hash does not
    // match, so the key is not taken for another; the index says nothing, and the store decides.
    const wrong = Buffer.from(index);
    wrong.writeUInt32LE(wrong.readUInt32LE(48 + 8) + 1, 48 + 8);
    await fs.writeFile(indexFileOf(store), wrong);
    for (const key of keys)
      expect(await verifyApiKey({ store, key })).toMatchObject({ valid: true });
    // An entry pointing at another whole record (valid JSON, another hash): not a "no such key",
    // the index is not used for that key, and the store finds it.
    const swapped = Buffer.from(index);
    swapped.copy(swapped, 48 + 8, 48 + 16 + 8, 48 + 16 + 16);
    await fs.writeFile(indexFileOf(store), swapped);
    const first = keys.find((key) =>
      hashApiKey(key).startsWith(index.subarray(48, 56).toString('hex')),
    )!;
    expect(indexedLookup(store, hashApiKey(first))).toBeUndefined();
    expect(await verifyApiKey({ store, key: first })).toMatchObject({ valid: true });
    await fs.rm(indexFileOf(store));
    expect(indexedLookup(store, hashApiKey(keys[0]!))).toBeUndefined();
    expect(await verifyApiKey({ store, key: keys[0]! })).toMatchObject({ valid: true });
  });

  it.skipIf(process.platform === 'win32')(
    "a FIFO in the index's place is not read (opening or reading it would wait for a writer)",
    async () => {
      await fs.rm(indexFileOf(store));
      execFileSync('mkfifo', [indexFileOf(store)]);
      expect(indexedLookup(store, hashApiKey(keys[0]!))).toBeUndefined();
      expect(await verifyApiKey({ store, key: keys[0]! })).toMatchObject({ valid: true });
    },
  );

  it('a missing store is reported as before (no index, no store)', async () => {
    const missing = path.join(tempDir(), 'none.json');
    expect(indexedLookup(missing, hashApiKey(keys[0]!))).toBeUndefined();
    expect(await findStoredKey(missing, hashApiKey(keys[0]!))).toEqual({ exists: false });
  });
});

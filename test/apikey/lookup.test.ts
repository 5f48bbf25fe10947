// verifyApiKey reads only the matching record of a store laid out as authctl writes it (issue #17),
// and takes the full, validated read for anything else: these pin down both paths' answers.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey, verifyApiKey } from '../../src/core/apikey/index.js';
import { tempDir } from '../helpers/cli.js';

let store: string;
let keys: string[];
beforeEach(async () => {
  store = path.join(tempDir(), 'apikeys.json');
  keys = [];
  for (const name of ['a', 'b', 'c']) keys.push((await createApiKey({ store, name })).key);
});

const rewrite = async (edit: (doc: { keys: Record<string, unknown>[] }) => string) =>
  fs.writeFile(store, edit(JSON.parse(await fs.readFile(store, 'utf8'))));

describe('verifyApiKey on a store as authctl writes it', () => {
  it('finds the first, middle and last record, and reports revoked and unknown keys', async () => {
    for (const [i, key] of keys.entries())
      expect(await verifyApiKey({ store, key })).toMatchObject({
        valid: true,
        key: { name: ['a', 'b', 'c'][i] },
      });
    await revokeApiKey({ store, ref: 'b' });
    expect(await verifyApiKey({ store, key: keys[1]! })).toMatchObject({ reason: 'revoked' });
    const other = path.join(tempDir(), 'other.json');
    const stranger = (await createApiKey({ store: other, name: 'x' })).key;
    expect(await verifyApiKey({ store, key: stranger })).toMatchObject({ reason: 'unknown' });
  });

  it('checks the record it matched: a bad field there is reported, as the full read reports it', async () => {
    await rewrite((doc) => {
      doc.keys[1]!.expiresAt = 'soon';
      return `${JSON.stringify(doc, null, 2)}\n`;
    });
    await expect(verifyApiKey({ store, key: keys[1]! })).rejects.toMatchObject({
      code: 'ERR_APIKEY_STORE_INVALID',
      message: 'API key store field keys.1.expiresAt: must be an ISO 8601 time or null',
    });
    // The other records were validated when written; their keys still verify.
    expect(await verifyApiKey({ store, key: keys[2]! })).toMatchObject({ valid: true });
  });

  it('a hash inside a nested field is not a record: the key stays unknown', async () => {
    const stranger = await createApiKey({ store: path.join(tempDir(), 'o.json'), name: 'x' });
    await rewrite((doc) => {
      doc.keys[0]!.note = { hash: stranger.info.sha256 };
      return `${JSON.stringify(doc, null, 2)}\n`;
    });
    expect(await verifyApiKey({ store, key: stranger.key })).toMatchObject({ reason: 'unknown' });
  });
});

describe("verifyApiKey when the layout only looks like authctl's (full read decides)", () => {
  it('a revoked key whose copy is nested, at record indentation, in another record stays revoked', async () => {
    await revokeApiKey({ store, ref: 'c' });
    const text = await fs.readFile(store, 'utf8');
    const doc = JSON.parse(text) as { keys: Record<string, unknown>[] };
    const live = JSON.stringify({ ...doc.keys[2], revokedAt: null }, null, 2);
    // The copy sits in record a's "meta" list, laid out exactly as a record of `keys` would be.
    const copy = live.replace(/\n/g, '\n    ').replace(/^/, '    ');
    const edited = text.replace(
      '\n    {\n      "id"',
      `\n    {\n      "meta": [\n    {\n    },\n${copy}\n      ],\n      "id"`,
    );
    expect(edited).not.toBe(text);
    await fs.writeFile(store, edited);
    expect(await verifyApiKey({ store, key: keys[2]! })).toMatchObject({ reason: 'revoked' });
  });

  it('text after the store is a JSON error, as every other command reports it', async () => {
    await fs.appendFile(store, 'garbage');
    await expect(verifyApiKey({ store, key: keys[0]! })).rejects.toMatchObject({
      code: expect.stringMatching(/^ERR_APIKEY_STORE/),
    });
  });
});

describe('verifyApiKey on a store laid out otherwise (full, validated read)', () => {
  it('verifies keys in a one-line (hand-formatted) store', async () => {
    await rewrite((doc) => JSON.stringify(doc));
    for (const key of keys)
      expect(await verifyApiKey({ store, key })).toMatchObject({ valid: true });
  });

  it('reports an invalid record anywhere in it', async () => {
    await rewrite((doc) => {
      doc.keys[0]!.scopes = 'read';
      return JSON.stringify(doc);
    });
    await expect(verifyApiKey({ store, key: keys[2]! })).rejects.toMatchObject({
      code: 'ERR_APIKEY_STORE_INVALID',
      message: 'API key store field keys.0.scopes: must be an array of strings',
    });
  });

  it('says there is no store when the file is missing', async () => {
    await fs.rm(store);
    expect(await verifyApiKey({ store, key: keys[0]! })).toMatchObject({
      reason: 'unknown',
      message: expect.stringContaining('there is no store at'),
    });
  });
});

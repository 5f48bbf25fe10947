import { promises as fs } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  API_KEY_PATTERN,
  apiKeyChecksum,
  createApiKey,
  getApiKey,
  hashApiKey,
  listApiKeys,
  malformApiKey,
  parseApiKey,
  revokeApiKey,
  rotateApiKey,
  verifyApiKey,
} from '../../src/core/apikey/index.js';
import { tempDir } from '../helpers/cli.js';

/** A clock the test moves by hand: no sleeping. */
function fakeClock(start = '2026-01-01T00:00:00.000Z') {
  let t = Date.parse(start);
  return { now: () => new Date(t), advance: (seconds: number) => (t += seconds * 1000) };
}

let store: string;
let clock: ReturnType<typeof fakeClock>;
beforeEach(() => {
  store = path.join(tempDir(), 'home', 'apikeys.json');
  clock = fakeClock();
});

describe('create / list / show', () => {
  it('returns the raw key once and stores only its hash, masked form and metadata (0600)', async () => {
    const { key, info } = await createApiKey({
      store,
      now: clock.now,
      name: 'ci',
      prefix: 'rk_live',
      scopes: ['read', 'write', 'read'],
      tenant: 'acme',
      expiresIn: 30 * 86400,
    });
    expect(key).toMatch(API_KEY_PATTERN);
    expect(info).toMatchObject({
      name: 'ci',
      prefix: 'rk_live',
      scopes: ['read', 'write'],
      tenant: 'acme',
      status: 'active',
      sha256: hashApiKey(key),
      last4: key.slice(-4),
      masked: `rk_live_${parseApiKey(key).body.slice(0, 4)}…${key.slice(-4)}`,
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-01-31T00:00:00.000Z',
      validUntil: '2026-01-31T00:00:00.000Z',
    });
    expect(info.id).toMatch(/^key_[0-9A-Za-z]{12}$/);
    const bytes = await fs.readFile(store, 'utf8');
    expect(bytes).not.toContain(key);
    expect(bytes).not.toContain(parseApiKey(key).body);
    expect(bytes).toContain(hashApiKey(key));
    expect((await fs.stat(store)).mode & 0o777).toBe(0o600);
    const [listed] = await listApiKeys({ store, now: clock.now });
    expect(listed).toEqual(info);
    expect(JSON.stringify(listed)).not.toContain(parseApiKey(key).body);
  });

  it('finds a key by id or name and says which when it is missing or ambiguous', async () => {
    const { info } = await createApiKey({ store, now: clock.now, name: 'ci' });
    expect((await getApiKey({ store, now: clock.now, ref: info.id })).id).toBe(info.id);
    expect((await getApiKey({ store, now: clock.now, ref: 'ci' })).id).toBe(info.id);
    await expect(getApiKey({ store, now: clock.now, ref: 'nope' })).rejects.toMatchObject({
      code: 'ERR_APIKEY_NOT_FOUND',
      kind: 'usage',
      message: 'no API key with id or name "nope"',
    });
    // A secret pasted where an id belongs is never echoed: a JWT, a foreign key.
    for (const secret of [
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJlc2lnbmF0dXJlc2ln',
      'ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-extra!',
    ]) {
      const error = await getApiKey({ store, now: clock.now, ref: secret }).catch((e: Error) => e);
      expect(error).toMatchObject({ code: 'ERR_APIKEY_NOT_FOUND' });
      expect(
        JSON.stringify({ ...(error as object), message: (error as Error).message }),
      ).not.toContain(secret.slice(8, 24));
    }
    await revokeApiKey({ store, now: clock.now, ref: 'ci' });
    const second = await createApiKey({ store, now: clock.now, name: 'ci' });
    expect((await getApiKey({ store, now: clock.now, ref: 'ci' })).id).toBe(second.info.id);
    await revokeApiKey({ store, now: clock.now, ref: 'ci' });
    await expect(getApiKey({ store, now: clock.now, ref: 'ci' })).rejects.toMatchObject({
      code: 'ERR_APIKEY_AMBIGUOUS',
    });
  });

  it('refuses a second active key with the same name', async () => {
    await createApiKey({ store, now: clock.now, name: 'ci' });
    await expect(createApiKey({ store, now: clock.now, name: 'ci' })).rejects.toMatchObject({
      code: 'ERR_APIKEY_NAME_TAKEN',
      field: 'name',
    });
    expect(await listApiKeys({ store })).toHaveLength(1);
  });

  it('validates name, prefix, scopes, tenant and expiry before writing anything', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'has space' }, 'ERR_APIKEY_NAME'],
      [{ name: '' }, 'ERR_APIKEY_NAME'],
      [{ name: 'ok', prefix: 'AK' }, 'ERR_APIKEY_PREFIX'],
      [{ name: 'ok', scopes: ['a b'] }, 'ERR_APIKEY_SCOPE'],
      [{ name: 'ok', scopes: ['say"hi'] }, 'ERR_APIKEY_SCOPE'],
      [{ name: 'ok', tenant: 'a/b' }, 'ERR_APIKEY_TENANT'],
      [{ name: 'ok', expiresIn: 0 }, 'ERR_APIKEY_EXPIRES'],
      [{ name: 'ok', expiresIn: -5 }, 'ERR_APIKEY_EXPIRES'],
    ];
    for (const [fields, code] of cases) {
      await expect(
        createApiKey({ store, now: clock.now, ...fields } as never),
        code,
      ).rejects.toMatchObject({ code, kind: 'usage' });
    }
    await expect(fs.access(store)).rejects.toThrow();
  });
});

describe('verify', () => {
  it('accepts a known key and reports format problems before any lookup', async () => {
    const { key, info } = await createApiKey({
      store,
      now: clock.now,
      name: 'ci',
      scopes: ['read'],
    });
    expect(await verifyApiKey({ store, now: clock.now, key })).toMatchObject({
      valid: true,
      reason: 'ok',
      key: { id: info.id, scopes: ['read'] },
    });
    expect(await verifyApiKey({ store, now: clock.now, key: `  ${key}\n` })).toMatchObject({
      valid: true,
    });
    expect(
      await verifyApiKey({ store, now: clock.now, key: malformApiKey(key, 'bad-checksum') }),
    ).toMatchObject({ valid: false, reason: 'checksum' });
    expect(
      await verifyApiKey({ store, now: clock.now, key: malformApiKey(key, 'truncated') }),
    ).toMatchObject({ valid: false, reason: 'truncated' });
    expect(await verifyApiKey({ store, now: clock.now, key: 'hello' })).toMatchObject({
      valid: false,
      reason: 'malformed',
    });
    const other = (await createApiKey({ store: path.join(tempDir(), 'other.json'), name: 'x' }))
      .key;
    expect(await verifyApiKey({ store, now: clock.now, key: other })).toMatchObject({
      valid: false,
      reason: 'unknown',
      message: 'well-formed key, but not in this store',
    });
    const nowhere = path.join(tempDir(), 'missing.json');
    expect((await verifyApiKey({ store: nowhere, key })).message).toBe(
      `well-formed key, but there is no store at ${nowhere} (pass --store or --home?)`,
    );
  });

  it('does not read the store for a malformed key (a corrupt store is not even opened)', async () => {
    await fs.mkdir(path.dirname(store), { recursive: true });
    await fs.writeFile(store, '{ broken');
    expect(await verifyApiKey({ store, key: 'ak_test_short' })).toMatchObject({
      valid: false,
      reason: 'truncated',
    });
    await expect(verifyApiKey({ store, key: generateLikeKey() })).rejects.toMatchObject({
      code: 'ERR_APIKEY_STORE_CORRUPT',
    });
  });

  it('rejects an expired key once the clock passes its expiry', async () => {
    const { key } = await createApiKey({ store, now: clock.now, name: 'short', expiresIn: 60 });
    clock.advance(59);
    expect(await verifyApiKey({ store, now: clock.now, key })).toMatchObject({ valid: true });
    clock.advance(1);
    const result = await verifyApiKey({ store, now: clock.now, key });
    expect(result).toMatchObject({ valid: false, reason: 'expired', key: { status: 'expired' } });
    expect(result.message).toContain('expired at 2026-01-01T00:01:00.000Z');
  });

  it('rejects a revoked key; revoking again changes nothing', async () => {
    const { key } = await createApiKey({ store, now: clock.now, name: 'ci' });
    clock.advance(10);
    const first = await revokeApiKey({ store, now: clock.now, ref: 'ci' });
    expect(first).toMatchObject({
      alreadyRevoked: false,
      info: { status: 'revoked', revokedAt: '2026-01-01T00:00:10.000Z' },
    });
    expect(await verifyApiKey({ store, now: clock.now, key })).toMatchObject({
      valid: false,
      reason: 'revoked',
    });
    clock.advance(10);
    expect(await revokeApiKey({ store, now: clock.now, ref: first.info.id })).toMatchObject({
      alreadyRevoked: true,
      info: { revokedAt: '2026-01-01T00:00:10.000Z' },
    });
  });
});

describe('rotate', () => {
  it('keeps the old key verifying during the grace, then only the new one', async () => {
    const old = await createApiKey({
      store,
      now: clock.now,
      name: 'ci',
      scopes: ['read'],
      tenant: 'acme',
      expiresIn: 86400 * 30,
    });
    clock.advance(3600);
    const rotated = await rotateApiKey({ store, now: clock.now, ref: 'ci', grace: 24 * 3600 });
    expect(rotated.key).not.toBe(old.key);
    expect(rotated.info).toMatchObject({
      name: 'ci',
      scopes: ['read'],
      tenant: 'acme',
      status: 'active',
      rotatedFrom: old.info.id,
      expiresAt: '2026-01-31T01:00:00.000Z',
    });
    expect(rotated.previous).toMatchObject({
      id: old.info.id,
      status: 'grace',
      replacedBy: rotated.info.id,
      graceUntil: '2026-01-02T01:00:00.000Z',
      validUntil: '2026-01-02T01:00:00.000Z',
    });
    expect(await verifyApiKey({ store, now: clock.now, key: old.key })).toMatchObject({
      valid: true,
      key: { status: 'grace' },
    });
    expect(await verifyApiKey({ store, now: clock.now, key: rotated.key })).toMatchObject({
      valid: true,
      key: { status: 'active' },
    });
    clock.advance(24 * 3600 - 1);
    expect(await verifyApiKey({ store, now: clock.now, key: old.key })).toMatchObject({
      valid: true,
    });
    clock.advance(1);
    expect(await verifyApiKey({ store, now: clock.now, key: old.key })).toMatchObject({
      valid: false,
      reason: 'rotated',
    });
    expect(await verifyApiKey({ store, now: clock.now, key: rotated.key })).toMatchObject({
      valid: true,
    });
    // The name now means the successor.
    expect((await getApiKey({ store, now: clock.now, ref: 'ci' })).id).toBe(rotated.info.id);
  });

  it('with grace 0 the old key stops at once; a rotated key cannot be rotated again', async () => {
    const old = await createApiKey({ store, now: clock.now, name: 'ci' });
    const rotated = await rotateApiKey({ store, now: clock.now, ref: old.info.id, grace: 0 });
    expect(await verifyApiKey({ store, now: clock.now, key: old.key })).toMatchObject({
      valid: false,
      reason: 'rotated',
    });
    expect(rotated.info.expiresAt).toBeNull();
    await expect(rotateApiKey({ store, now: clock.now, ref: old.info.id })).rejects.toMatchObject({
      code: 'ERR_APIKEY_ALREADY_ROTATED',
    });
    await expect(
      rotateApiKey({ store, now: clock.now, ref: 'ci', grace: -1 }),
    ).rejects.toMatchObject({ code: 'ERR_APIKEY_GRACE' });
  });

  it('revoking a key in its grace stops it at once; a revoked key cannot be rotated', async () => {
    const old = await createApiKey({ store, now: clock.now, name: 'ci' });
    await rotateApiKey({ store, now: clock.now, ref: 'ci', grace: 3600 });
    await revokeApiKey({ store, now: clock.now, ref: old.info.id });
    expect(await verifyApiKey({ store, now: clock.now, key: old.key })).toMatchObject({
      valid: false,
      reason: 'revoked',
    });
    const lone = await createApiKey({ store, now: clock.now, name: 'lone' });
    await revokeApiKey({ store, now: clock.now, ref: 'lone' });
    await expect(rotateApiKey({ store, now: clock.now, ref: lone.info.id })).rejects.toMatchObject({
      code: 'ERR_APIKEY_REVOKED',
    });
  });
});

describe('store file safety', () => {
  const broken: [string, string, string][] = [
    ['not JSON', '{ "version": 1, "keys": [ }', 'ERR_APIKEY_STORE_CORRUPT'],
    ['empty file', '', 'ERR_APIKEY_STORE_CORRUPT'],
    [
      'newer version',
      JSON.stringify({ version: 2, keys: [], future: true }),
      'ERR_APIKEY_STORE_VERSION',
    ],
    [
      'wrong schema',
      JSON.stringify({ version: 1, keys: [{ id: 'x' }] }),
      'ERR_APIKEY_STORE_INVALID',
    ],
  ];
  for (const [label, content, code] of broken) {
    it(`reports a store with ${label} and never overwrites it`, async () => {
      await fs.mkdir(path.dirname(store), { recursive: true });
      await fs.writeFile(store, content);
      await expect(createApiKey({ store, name: 'ci' })).rejects.toMatchObject({
        code,
        kind: 'usage',
        where: expect.stringContaining(store),
      });
      await expect(rotateApiKey({ store, ref: 'x' })).rejects.toMatchObject({ code });
      await expect(revokeApiKey({ store, ref: 'x' })).rejects.toMatchObject({ code });
      await expect(listApiKeys({ store })).rejects.toMatchObject({ code });
      expect(await fs.readFile(store, 'utf8')).toBe(content);
      expect((await fs.readdir(path.dirname(store))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });
  }

  it('points at the line and column of a JSON syntax error', async () => {
    await fs.mkdir(path.dirname(store), { recursive: true });
    await fs.writeFile(store, '{\n  "version": 1,\n  "keys": [,]\n}\n');
    await expect(listApiKeys({ store })).rejects.toMatchObject({ where: `${store}:3:12` });
  });

  it('treats a missing store as empty and creates it (and its directory) on first write', async () => {
    expect(await listApiKeys({ store })).toEqual([]);
    await createApiKey({ store, name: 'first' });
    expect(JSON.parse(await fs.readFile(store, 'utf8'))).toMatchObject({
      version: 1,
      keys: [{ name: 'first' }],
    });
    expect((await fs.stat(path.dirname(store))).mode & 0o777).toBe(0o700);
  });
});

function generateLikeKey(): string {
  // A well-formed key that is in no store: passes the format check, so the store is read.
  return `ak_test_${'A'.repeat(32)}${apiKeyChecksum('ak_test', 'A'.repeat(32))}`;
}

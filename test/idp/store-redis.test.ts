import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore, secretId } from '../../src/core/idp/store-redis.js';
import { keyPrefix, parseStoreUrl } from '../../src/core/idp/store-url.js';
import { redisCommand, redisMissing, startRedis, type RedisServer } from '../helpers/redis.js';
import { codeRecord, storeContract } from './store-contract.js';

const missing = redisMissing();
if (missing) console.warn(missing);

describe.skipIf(missing)('idp store: the Redis IssuerStore against a real redis-server', () => {
  let redis: RedisServer;
  const stores: RedisStore[] = [];
  let deployment = 0;
  const now = Date.now;
  const open = async (name = `t${++deployment}`) => {
    const url = parseStoreUrl(`${redis.url}?prefix=${name}`, '--store');
    if (url === 'memory') throw new Error('unreachable');
    const store = await RedisStore.open({
      url,
      where: '--store',
      prefix: keyPrefix('http://unused', url.name),
      now,
      replayTtlMs: 3600_000,
      maxEntries: 10,
    });
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
    await redis?.stop();
  });

  // Each case gets its own deployment prefix: the same server, nothing shared between cases.
  storeContract(() => open(), now);

  it('is one state for two stores of one deployment, and none for another prefix', async () => {
    const [a, b, other] = [await open('shared'), await open('shared'), await open('elsewhere')];
    await a.putCode('c1', codeRecord(now()));
    expect(await other.redeemCode('c1')).toBeUndefined();
    expect(await b.redeemCode('c1')).toMatchObject({ record: { family: 'fam-1' } });
    expect(await a.redeemCode('c1')).toEqual({ replayedFamily: 'fam-1' });
    await a.saveShared({ clock: { offsetMs: 7200_000 }, faults: [['token', { value: 503 }]] });
    expect(await b.loadShared()).toEqual({
      clock: { offsetMs: 7200_000 },
      faults: [['token', { value: 503 }]],
    });
    expect(await other.loadShared()).toBeUndefined();
    expect((await b.sizes()).codes).toBe(0);
  });

  it('gives records a TTL from their expiry on the issuer clock (Redis sweeps them)', async () => {
    const store = await open('ttl');
    await store.putCode('c1', { ...codeRecord(now()), expiresAt: now() + 30_000 });
    await store.revokeJti('j1', now() + 10_000);
    const ttl = async (key: string) =>
      Number((await redisCommand(redis.port, `PTTL authctl:{ttl}:${key}`)).slice(1));
    // A code lives a minute past its expiry (to say "expired"); a revoked jti an hour past its exp.
    expect(await ttl(`code:${secretId('c1')}`)).toBeGreaterThan(80_000);
    expect(await ttl(`code:${secretId('c1')}`)).toBeLessThanOrEqual(90_000);
    expect(await ttl('revoked-jti:j1')).toBeGreaterThan(3600_000);
    expect(await ttl('revoked-jti:j1')).toBeLessThanOrEqual(3610_000);
    expect(await store.health()).toMatchObject({
      ok: true,
      kind: 'redis',
      prefix: 'authctl:{ttl}:',
    });
  });
});

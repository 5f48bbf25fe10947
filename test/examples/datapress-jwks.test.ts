// The DataPress JWKS cache on its own: background refresh on the (clamped) interval and the
// unknown-kid cooldown, with fake interval timers and an injected clock.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { EXAMPLES } from './helpers.js';
import { TestIssuer, makeKey } from './oidc-issuer.js';

interface Cache {
  refresh(): Promise<void>;
  start(): void;
  stop(): void;
  ready: boolean;
  stats: { fetches: number; kids: (string | null)[] };
  getKey(header: { alg: string; kid?: string }, token: unknown): Promise<unknown>;
}
type CacheCtor = new (o: { issuer: string; refreshSecs: number; now?: () => number }) => Cache;

const issuer = new TestIssuer();
let JwksCache: CacheCtor;
let COOLDOWN: number;

beforeAll(async () => {
  await issuer.start([await makeKey('a')]);
  const modulePath = pathToFileURL(path.join(EXAMPLES, 'datapress', 'jwks.mjs')).href;
  ({ JwksCache, UNKNOWN_KID_COOLDOWN_MS: COOLDOWN } = (await import(modulePath)) as {
    JwksCache: CacheCtor;
    UNKNOWN_KID_COOLDOWN_MS: number;
  });
});
afterAll(() => issuer.stop());
afterEach(() => vi.useRealTimers());

describe('datapress JwksCache', () => {
  it('refreshes in the background every refreshSecs', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const cache = new JwksCache({ issuer: issuer.url, refreshSecs: 60 });
    await cache.refresh();
    cache.start();
    const before = issuer.jwksFetches;
    issuer.published = [await makeKey('b')];
    vi.advanceTimersByTime(59_000);
    expect(issuer.jwksFetches).toBe(before);
    vi.advanceTimersByTime(1_000);
    await vi.waitFor(() => expect(cache.stats.kids).toEqual(['b']));
    expect(issuer.jwksFetches).toBe(before + 1);
    cache.stop();
  });

  it('re-fetches for an unknown kid at most once per cooldown', async () => {
    let now = 1_000_000;
    const cache = new JwksCache({ issuer: issuer.url, refreshSecs: 3600, now: () => now });
    issuer.published = [await makeKey('c')];
    await cache.refresh();
    const base = issuer.jwksFetches;
    await expect(cache.getKey({ alg: 'RS256', kid: 'nope-1' }, {})).rejects.toMatchObject({
      code: 'ERR_JWKS_NO_MATCHING_KEY',
    });
    expect(issuer.jwksFetches).toBe(base + 1);
    await expect(cache.getKey({ alg: 'RS256', kid: 'nope-2' }, {})).rejects.toMatchObject({
      code: 'ERR_JWKS_NO_MATCHING_KEY',
    });
    expect(issuer.jwksFetches).toBe(base + 1);
    now += COOLDOWN;
    issuer.published = [...issuer.published, await makeKey('d')];
    await expect(cache.getKey({ alg: 'RS256', kid: 'd' }, {})).resolves.toBeTruthy();
    expect(issuer.jwksFetches).toBe(base + 2);
  });

  it('refuses a discovery document whose issuer does not match', async () => {
    issuer.advertisedIssuer = 'https://evil.example';
    try {
      const cache = new JwksCache({ issuer: issuer.url, refreshSecs: 60 });
      await expect(cache.refresh()).rejects.toThrow(/does not match configured issuer/);
      expect(cache.ready).toBe(false);
    } finally {
      issuer.advertisedIssuer = undefined;
    }
  });
});

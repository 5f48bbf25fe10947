import type { IssuerStore } from './store.js';
import { keyPrefix, parseStoreUrl, type StoreSource } from './store-url.js';

export interface OpenStoreOptions {
  /** `memory` or `redis://HOST:PORT/DB` (`--store`, `[idp] store`). */
  setting: string;
  /** Where the setting came from, for errors. */
  where: StoreSource;
  /** The published issuer URL: the deployment's key prefix unless the URL names one. */
  baseUrl: string;
  now: () => number;
  replayTtlMs: number;
  maxEntries: number;
}

/** The Redis store for a `redis://` setting (ioredis loads only then); undefined for `memory`. */
export async function openSharedStore(options: OpenStoreOptions): Promise<IssuerStore | undefined> {
  const url = parseStoreUrl(options.setting, options.where);
  if (url === 'memory') return undefined;
  const { RedisStore } = await import('./store-redis.js');
  return RedisStore.open({
    url,
    where: options.where,
    prefix: keyPrefix(options.baseUrl, url.name),
    now: options.now,
    replayTtlMs: options.replayTtlMs,
    maxEntries: options.maxEntries,
  });
}

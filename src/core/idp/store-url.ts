import { createHash } from 'node:crypto';
import { usageError } from '../errors.js';

/** Where a store setting came from, for errors: `--store`, `[idp] store` or `AUTHCTL_STORE`. */
export type StoreSource = string;

export interface RedisStoreUrl {
  /** What ioredis connects to (the URL without authctl's own `prefix` parameter). */
  connect: string;
  /** The URL with any password masked, for messages, /readyz and `idp doctor`. */
  shown: string;
  /** `?prefix=NAME`, when given: the deployment's name in the key prefix. */
  name?: string;
}

const EXAMPLE = 'redis://127.0.0.1:6379/0';

/** The URL with its password (and a user without one) replaced by `***`. */
export function maskStoreUrl(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password) copy.password = '***';
  else if (copy.username) copy.username = '***';
  return copy.href;
}

/**
 * Checks `--store` / `[idp] store`: `memory`, or `redis://[user:password@]HOST[:PORT][/DB]` (also
 * `rediss://` for TLS), optionally `?prefix=NAME`. Nothing is connected here.
 */
export function parseStoreUrl(value: string, where: StoreSource): RedisStoreUrl | 'memory' {
  if (value === 'memory') return 'memory';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badStore(`"${value.replace(/\/\/[^@/]*@/, '//***@')}" is not a URL`, where);
  }
  const shown = maskStoreUrl(url);
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw badStore(`${shown} is not a store this issuer knows (${url.protocol})`, where);
  if (!url.hostname) throw badStore(`${shown} names no host`, where);
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,4}$/.test(db))
    throw badStore(`${shown}: the database must be a number, got "${db}"`, where);
  const name = url.searchParams.get('prefix') ?? undefined;
  if (name !== undefined && !/^[\w.-]{1,64}$/.test(name))
    throw badStore(`${shown}: prefix must be 1-64 of [A-Za-z0-9_.-], got "${name}"`, where);
  const connect = new URL(url.href);
  connect.searchParams.delete('prefix');
  return { connect: connect.href, shown, name };
}

function badStore(message: string, where: StoreSource) {
  return usageError('ERR_BAD_STORE', message, {
    where,
    hint: `use ${EXAMPLE} (rediss:// for TLS, ?prefix=NAME to name the deployment), or memory`,
  });
}

/**
 * The key prefix of one issuer deployment: `authctl:{NAME}:`, NAME from `?prefix=` or else derived
 * from the published issuer URL (replicas behind one load balancer publish the same one). The braces
 * are a Redis Cluster hash tag: every key of a deployment is in one slot, so scripts may span them.
 */
export function keyPrefix(baseUrl: string, name?: string): string {
  const id = name ?? createHash('sha256').update(baseUrl).digest('hex').slice(0, 12);
  return `authctl:{${id}}:`;
}

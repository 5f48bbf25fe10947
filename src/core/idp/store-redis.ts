import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { environmentError } from '../errors.js';
import { OAuthError } from './http.js';
import type {
  CodeRecord,
  DeviceRecord,
  DeviceScript,
  IssuerStore,
  PendingClaims,
  Redemption,
  RefreshRecord,
  SharedState,
  StoreHealth,
} from './store.js';
import { REDEEM, REVOKE_FAMILY, TAKE_FIELD, TAKE_KEY } from './store-redis-scripts.js';
import type { RedisStoreUrl, StoreSource } from './store-url.js';

/** A revoked access token stays refused for an hour past its exp (a verifier's clock may lag). */
const REVOKED_GRACE_MS = 3600_000;
/** Codes and devices stay a minute past their expiry, to answer "expired" rather than "unknown". */
const EXPIRED_GRACE_MS = 60_000;
const CONNECT_TIMEOUT_MS = 3000;

interface Scripts {
  redeem(record: string, used: string, ttlMs: number): Promise<[string, string] | null>;
  revokeFamily(...args: (string | number)[]): Promise<number>;
  takeField(hash: string, field: string): Promise<string | null>;
  takeKey(key: string): Promise<string | null>;
}

export interface RedisStoreOptions {
  url: RedisStoreUrl;
  /** Where the URL was given, for errors (`--store`, `[idp] store`, `AUTHCTL_STORE`). */
  where: StoreSource;
  /** `authctl:{NAME}:` (store-url.ts keyPrefix). */
  prefix: string;
  /** The issuer's clock (ms): record lifetimes are counted on it. */
  now: () => number;
  /** How long replay markers and revoked families are kept (the refresh token lifetime). */
  replayTtlMs: number;
  maxEntries: number;
}

/**
 * What a secret (authorization code, refresh token, device code, user code) is stored under: its
 * SHA-256, base64url. Whoever reads Redis (a dump, MONITOR, a replica of it) learns which records
 * exist but holds no value a client could present; the issuer hashes what it is shown to look it up.
 */
export const secretId = (secret: string) => createHash('sha256').update(secret).digest('base64url');

/**
 * The handle findDevice returns for a device: its stored id, marked with `#` (never in a base64url
 * device code). Only putDevice takes it back, after the /device page found the record by user code;
 * the device code grant looks codes up with getDevice, which hashes whatever the client sent, so a
 * reader of Redis cannot poll with an id it saw there.
 */
const DEVICE_HANDLE = '#';
/** The id a device code or user code is kept under: a handle's own id, else the secret's secretId. */
const storedId = (value: string) =>
  value.startsWith(DEVICE_HANDLE) ? value.slice(1) : secretId(value);

/**
 * The issuer's state in Redis, shared by every replica that uses the same URL and prefix. Records
 * are JSON under `<prefix><table>:<key>` with a TTL from their expiry on the issuer clock, so Redis
 * sweeps them; single-use redemption and family revocation are Lua scripts (atomic on the server).
 * Keys derived from a secret hold its secretId, never the secret.
 */
export class RedisStore implements IssuerStore {
  readonly description: string;
  readonly sharesState = true;
  readonly maxEntries: number;
  private lastError?: string;

  private constructor(
    private readonly redis: Redis,
    private readonly options: RedisStoreOptions,
  ) {
    this.description = options.url.shown;
    this.maxEntries = options.maxEntries;
    redis.on('error', (error: Error) => (this.lastError = error.message));
    redis.on('ready', () => (this.lastError = undefined));
  }

  /** Connects (ioredis is loaded only now); a store that cannot be reached is exit 3, naming the URL. */
  static async open(options: RedisStoreOptions): Promise<RedisStore> {
    const { Redis } = await import('ioredis');
    const redis = new Redis(options.url.connect, {
      lazyConnect: true,
      connectTimeout: CONNECT_TIMEOUT_MS,
      maxRetriesPerRequest: 1,
      enableAutoPipelining: true,
      retryStrategy: (times) => Math.min(times * 100, 1000),
    });
    const store = new RedisStore(redis, options);
    try {
      await redis.connect();
      await redis.ping();
    } catch (error) {
      redis.disconnect();
      throw environmentError(
        'ERR_STORE_UNREACHABLE',
        `cannot reach the issuer store ${options.url.shown}: ${store.lastError ?? reason(error)}`,
        {
          where: options.where,
          hint: 'start Redis there (or fix the host, port, password or database), or leave the store out for the in-memory one',
        },
      );
    }
    redis.defineCommand('redeem', { numberOfKeys: 2, lua: REDEEM });
    redis.defineCommand('revokeFamily', { numberOfKeys: 3, lua: REVOKE_FAMILY });
    redis.defineCommand('takeField', { numberOfKeys: 1, lua: TAKE_FIELD });
    redis.defineCommand('takeKey', { numberOfKeys: 1, lua: TAKE_KEY });
    return store;
  }

  get prefix(): string {
    return this.options.prefix;
  }

  private key = (table: string, id = '') => `${this.options.prefix}${table}${id ? `:${id}` : ''}`;
  /** The key of a record found by a secret the client holds: its hash, never the secret. */
  private secretKey = (table: string, secret: string) => this.key(table, secretId(secret));
  private userCodeKey = (issuerId: string, userCode: string) =>
    this.key('user-code', `${issuerId}:${storedId(userCode)}`);
  private get scripts(): Scripts {
    return this.redis as unknown as Scripts;
  }
  /** Milliseconds until `expiresAt` on the issuer clock, plus `extra`; at least 1. */
  private ttl = (expiresAt: number, extra = 0) =>
    Math.max(1, Math.ceil(expiresAt - this.options.now() + extra));

  /** Runs a store operation; Redis failing is 503 temporarily_unavailable, naming the store. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof OAuthError) throw error;
      throw new OAuthError(
        503,
        'temporarily_unavailable',
        `the issuer store ${this.description} failed: ${reason(error)}`,
        { 'retry-after': '1' },
      );
    }
  }

  putCode(code: string, record: CodeRecord): Promise<void> {
    return this.guard(async () => {
      const ttl = this.ttl(record.expiresAt, EXPIRED_GRACE_MS);
      await this.redis.set(this.secretKey('code', code), JSON.stringify(record), 'PX', ttl);
    });
  }

  redeemCode(code: string): Promise<Redemption<CodeRecord>> {
    return this.redeem<CodeRecord>(this.secretKey('code', code), this.secretKey('used-code', code));
  }

  putRefreshToken(token: string, record: RefreshRecord): Promise<void> {
    return this.guard(async () => {
      const ttl = this.ttl(record.expiresAt);
      const family = this.key('fam-rt', record.family);
      await this.redis
        .multi()
        .set(this.secretKey('rt', token), JSON.stringify(record), 'PX', ttl)
        // The family lists the tokens' ids (REVOKE_FAMILY deletes `rt:<id>`), not the tokens.
        .sadd(family, secretId(token))
        .pexpire(family, Math.max(ttl, this.options.replayTtlMs))
        .exec();
    });
  }

  getRefreshToken(token: string): Promise<RefreshRecord | undefined> {
    return this.guard(async () => parse(await this.redis.get(this.secretKey('rt', token))));
  }

  redeemRefreshToken(token: string): Promise<Redemption<RefreshRecord>> {
    return this.redeem<RefreshRecord>(
      this.secretKey('rt', token),
      this.secretKey('used-rt', token),
    );
  }

  private redeem<T>(recordKey: string, usedKey: string): Promise<Redemption<T>> {
    return this.guard(async () => {
      const result = await this.scripts.redeem(recordKey, usedKey, this.options.replayTtlMs);
      if (!result) return undefined;
      return result[0] === 'record'
        ? { record: JSON.parse(result[1]) as T }
        : { replayedFamily: result[1] };
    });
  }

  addToFamily(family: string, jti: string, expiresAt: number): Promise<void> {
    return this.guard(async () => {
      const key = this.key('fam-jti', family);
      await this.redis
        .multi()
        .hset(key, jti, String(expiresAt))
        .pexpire(key, Math.max(this.ttl(expiresAt), this.options.replayTtlMs))
        .exec();
    });
  }

  revokeFamily(family: string): Promise<void> {
    return this.guard(async () => {
      await this.scripts.revokeFamily(
        this.key('revoked-fam', family),
        this.key('fam-rt', family),
        this.key('fam-jti', family),
        this.key('rt', 'x').slice(0, -1),
        this.key('revoked-jti', 'x').slice(0, -1),
        this.options.replayTtlMs,
        this.options.now(),
        REVOKED_GRACE_MS,
      );
    });
  }

  isFamilyRevoked(family: string): Promise<boolean> {
    return this.guard(async () => (await this.redis.exists(this.key('revoked-fam', family))) > 0);
  }

  revokeJti(jti: string, expiresAt: number): Promise<void> {
    return this.guard(async () => {
      const ttl = this.ttl(expiresAt, REVOKED_GRACE_MS);
      await this.redis.set(this.key('revoked-jti', jti), String(expiresAt), 'PX', ttl);
    });
  }

  isJtiRevoked(jti: string): Promise<boolean> {
    return this.guard(async () => (await this.redis.exists(this.key('revoked-jti', jti))) > 0);
  }

  putDevice(code: string, record: DeviceRecord): Promise<void> {
    return this.guard(async () => {
      const ttl = this.ttl(record.expiresAt, EXPIRED_GRACE_MS);
      const id = storedId(code);
      await this.redis
        .multi()
        // The user code is typed at /device to approve the flow: the record keeps only its secretId.
        .set(this.key('device', id), JSON.stringify(this.storedDevice(record)), 'PX', ttl)
        .set(this.userCodeKey(record.issuerId, record.userCode), id, 'PX', ttl)
        .exec();
    });
  }

  private storedDevice(record: DeviceRecord): DeviceRecord {
    return { ...record, userCode: `${DEVICE_HANDLE}${storedId(record.userCode)}` };
  }

  getDevice(code: string): Promise<DeviceRecord | undefined> {
    return this.guard(async () => parse(await this.redis.get(this.secretKey('device', code))));
  }

  findDevice(userCode: string, issuerId: string) {
    return this.guard(async () => {
      const id = await this.redis.get(this.userCodeKey(issuerId, userCode));
      const record = id
        ? parse<DeviceRecord>(await this.redis.get(this.key('device', id)))
        : undefined;
      return id && record ? { code: `${DEVICE_HANDLE}${id}`, record } : undefined;
    });
  }

  deleteDevice(code: string): Promise<void> {
    return this.guard(async () => {
      const record = await this.getDevice(code);
      const keys = [this.secretKey('device', code)];
      if (record) keys.push(this.userCodeKey(record.issuerId, record.userCode));
      await this.redis.del(...keys);
    });
  }

  setDeviceScript(script: DeviceScript): Promise<void> {
    return this.guard(async () => {
      await this.redis.set(this.key('device-script'), JSON.stringify(script));
    });
  }

  takeDeviceScript(): Promise<DeviceScript | undefined> {
    return this.guard(async () => parse(await this.scripts.takeKey(this.key('device-script'))));
  }

  setClaims(target: string, pending: PendingClaims): Promise<void> {
    return this.guard(async () => {
      await this.redis.hset(this.key('claims'), target, JSON.stringify(pending));
    });
  }

  takeClaims(target: string): Promise<Record<string, unknown>> {
    return this.guard(async () => {
      const pending = parse<PendingClaims>(
        await this.scripts.takeField(this.key('claims'), target),
      );
      // The claims were checked and stripped of prototype keys when set; keep them prototype-free.
      return pending ? Object.assign(Object.create(null), pending.claims) : {};
    });
  }

  clearClaims(): Promise<void> {
    return this.guard(async () => {
      await this.redis.del(this.key('claims'));
    });
  }

  useOnce(table: string, key: string, expiresAt: number): Promise<boolean> {
    return this.guard(async () => {
      const ttl = this.ttl(expiresAt);
      return (await this.redis.set(this.key(`once-${table}`, key), '1', 'PX', ttl, 'NX')) === 'OK';
    });
  }

  loadShared(): Promise<SharedState | undefined> {
    return this.guard(async () => parse(await this.redis.get(this.key('shared'))));
  }

  saveShared(state: SharedState): Promise<void> {
    return this.guard(async () => {
      await this.redis.set(this.key('shared'), JSON.stringify(state));
    });
  }

  sizes(): Promise<Record<string, number>> {
    return this.guard(() => this.countKeys());
  }

  /** Keys of this deployment per table (SCAN: for `GET /_authctl/state`, not the hot path). */
  private async countKeys(): Promise<Record<string, number>> {
    const tables: Record<string, string> = {
      code: 'codes',
      rt: 'refreshTokens',
      'revoked-jti': 'revokedTokens',
      'fam-jti': 'families',
      device: 'devices',
    };
    const sizes: Record<string, number> = Object.fromEntries(
      Object.values(tables).map((name) => [name, 0]),
    );
    const prefix = this.options.prefix;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const name = tables[key.slice(prefix.length).split(':')[0]!];
        if (name) sizes[name]! += 1;
      }
    } while (cursor !== '0');
    sizes.pendingClaims = await this.redis.hlen(this.key('claims'));
    return { ...sizes, maxEntries: this.maxEntries };
  }

  /** Redis expires records itself (their TTLs): nothing to sweep. */
  async sweep(): Promise<void> {}

  async health(): Promise<StoreHealth> {
    const started = performance.now();
    const prefix = this.options.prefix;
    try {
      await this.redis.ping();
      const latencyMs = Math.round((performance.now() - started) * 100) / 100;
      return { ok: true, kind: 'redis', latencyMs, prefix };
    } catch (error) {
      return { ok: false, kind: 'redis', error: this.lastError ?? reason(error), prefix };
    }
  }

  async close(): Promise<void> {
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }
}

const parse = <T>(text: string | null): T | undefined =>
  text === null ? undefined : (JSON.parse(text) as T);

/** ECONNREFUSED, WRONGPASS ..., a timeout: the first line of what ioredis says. */
function reason(error: unknown): string {
  const err = error as NodeJS.ErrnoException;
  const text = err?.code && !String(err.message).includes(err.code) ? `${err.code}` : '';
  return (text || String(err?.message ?? error)).split('\n')[0]!;
}

import { stat } from 'node:fs/promises';
import type { JWK } from 'jose';
import {
  Keystore,
  keyringStamp,
  type KeystoreOptions,
  type RotateKeysOptions,
  type RotateKeysResult,
} from '../keys/keystore.js';
import type { Keyring } from '../keys/keyring.js';

/** How often (ms) the server re-checks keys.json on the hot path: another process may rotate keys. */
const STAT_INTERVAL_MS = 100;

/**
 * The shared keystore, with keys.json parsed once per change instead of once per token. On the
 * hot path the file is re-checked (inode, mtime, size) at most every STAT_INTERVAL_MS; every write
 * (rotate, import, first key) runs in "fresh" mode, which always reads the file, so a locked
 * read-modify-write never starts from a stale copy.
 */
export class CachingKeystore extends Keystore {
  private cached?: { stamp: string; ring: Keyring };
  private checkedAt = 0;
  private writers = 0;
  private stamping?: Promise<string | undefined>;
  /** The signing keys chosen from `ring`, by alg and kid (see signingKey). */
  private signers?: { ring: Keyring; keys: Map<string, ReturnType<Keystore['signingKey']>> };

  /** Whether the cached ring needs no look at keys.json yet (no write running, checked recently). */
  private checked(): boolean {
    return this.writers === 0 && Date.now() - this.checkedAt < STAT_INTERVAL_MS;
  }

  override async read(): Promise<Keyring> {
    if (this.writers > 0) return super.read();
    const now = Date.now();
    // Read-only callers never mutate the ring outside fresh mode, so it can be shared.
    if (this.cached && now - this.checkedAt < STAT_INTERVAL_MS) return this.cached.ring;
    // Concurrent requests past the interval share one stat instead of each starting its own.
    this.stamping ??= fileStamp(this.file).finally(() => (this.stamping = undefined));
    const stamp = await this.stamping;
    this.checkedAt = now;
    if (stamp && this.cached?.stamp === stamp) return this.cached.ring;
    const ring = await super.read();
    this.cached = stamp ? { stamp, ring } : undefined;
    return ring;
  }

  invalidate(): void {
    this.cached = undefined;
  }

  private async fresh<T>(fn: () => Promise<T>): Promise<T> {
    this.writers++;
    try {
      return await fn();
    } finally {
      this.writers--;
      this.cached = undefined;
    }
  }

  override signingKey(
    alg: Parameters<Keystore['signingKey']>[0],
    options: Parameters<Keystore['signingKey']>[1] = {},
  ): ReturnType<Keystore['signingKey']> {
    // Per token, the answer is the same while the cached ring is current and recently checked: one
    // resolved promise instead of the keystore's chain of reads (issue #17).
    const memo = this.signers;
    if (memo && this.checked() && memo.ring === this.cached?.ring) {
      const hit = memo.keys.get(signerKey(alg, options.kid));
      if (hit) return hit;
    }
    return this.signingKeyRead(alg, options);
  }

  private async signingKeyRead(
    alg: Parameters<Keystore['signingKey']>[0],
    options: Parameters<Keystore['signingKey']>[1] = {},
  ): ReturnType<Keystore['signingKey']> {
    const ring = await this.read();
    const known = options.kid
      ? ring.keys.some((k) => k.kid === options.kid)
      : ring.keys.some((k) => k.alg === alg && k.status === 'active');
    // Only a missing key leads to a write (creating it): do that from a fresh read, under the lock.
    if (!known) return this.fresh(() => super.signingKey(alg, options));
    const signing = await super.signingKey(alg, options);
    // Remembered only for the ring it was chosen from: a re-read ring (a rotation) starts afresh.
    if (this.writers === 0 && this.cached?.ring === ring) {
      if (this.signers?.ring !== ring) this.signers = { ring, keys: new Map() };
      this.signers.keys.set(signerKey(alg, options.kid), Promise.resolve(signing));
    }
    return signing;
  }

  override rotate(options: RotateKeysOptions): Promise<RotateKeysResult> {
    return this.fresh(() => super.rotate(options));
  }

  override importKey(
    ...args: Parameters<Keystore['importKey']>
  ): ReturnType<Keystore['importKey']> {
    return this.fresh(() => super.importKey(...args));
  }
}

const signerKey = (alg: string, kid: string | undefined) => `${alg} ${kid ?? ''}`;

async function fileStamp(file: string): Promise<string | undefined> {
  try {
    return keyringStamp(await stat(file));
  } catch {
    return undefined;
  }
}

export interface JwksCache {
  stamp: string;
  /** The JWKS changes by itself when a grace period ends. */
  validUntil: number;
  body: string;
  jwks: { keys: JWK[] };
}

/** The issuer's view of the keystore: a cached JWKS body and verification key set. */
export class IdpKeys {
  readonly keystore: CachingKeystore;
  private cache?: JwksCache;
  private checkedAt = 0;
  private stamp: string | undefined;
  private stamping?: Promise<string | undefined>;

  constructor(options: KeystoreOptions & { clock: () => number }) {
    this.keystore = new CachingKeystore(options);
    this.clock = options.clock;
  }

  private readonly clock: () => number;

  private warming?: Promise<void>;

  /**
   * Creates the signing key for `alg` if the keystore has none yet, in the background: the server
   * answers discovery at once, and JWKS/token requests wait for this one-time key generation.
   */
  warm(alg: Parameters<Keystore['signingKey']>[0]): Promise<void> {
    this.warming ??= this.keystore.signingKey(alg).then(() => {
      this.warmed = true;
      this.invalidate();
    });
    return this.warming;
  }

  private warmed = false;

  /**
   * The cached JWKS when it needs no look at keys.json (checked within the interval, no grace period
   * ended since), else undefined: what `current()` answers without waiting, for the synchronous path.
   */
  fresh(): JwksCache | undefined {
    const cache = this.cache;
    if (!cache || (this.warming && !this.warmed)) return undefined;
    if (Date.now() - this.checkedAt > STAT_INTERVAL_MS) return undefined;
    return cache.stamp === this.stamp && this.clock() < cache.validUntil ? cache : undefined;
  }

  /** The JWKS (active, published and grace keys), re-built only when keys.json or a grace period changes. */
  async current(): Promise<JwksCache> {
    const fresh = this.fresh();
    if (fresh) return fresh;
    if (this.warming) await this.warming;
    const now = this.clock();
    const wall = Date.now();
    if (!this.cache || wall - this.checkedAt > STAT_INTERVAL_MS) {
      this.stamping ??= fileStamp(this.keystore.file).finally(() => (this.stamping = undefined));
      this.stamp = (await this.stamping) ?? 'none';
      this.checkedAt = wall;
    }
    if (this.cache && this.cache.stamp === this.stamp && now < this.cache.validUntil)
      return this.cache;
    const jwks = await this.keystore.jwks();
    const records = await this.keystore.list();
    const graceEnds = records
      .filter((key) => key.status === 'grace' && key.graceUntil)
      .map((key) => Date.parse(key.graceUntil!))
      .filter((t) => t > now);
    this.cache = {
      stamp: this.stamp ?? 'none',
      validUntil: graceEnds.length ? Math.min(...graceEnds) : Number.POSITIVE_INFINITY,
      body: JSON.stringify(jwks),
      jwks,
    };
    return this.cache;
  }

  invalidate(): void {
    this.cache = undefined;
    this.checkedAt = 0;
    this.keystore.invalidate();
  }

  async rotate(options: RotateKeysOptions): Promise<RotateKeysResult> {
    const result = await this.keystore.rotate(options);
    this.invalidate();
    return result;
  }
}

import { stat } from 'node:fs/promises';
import { createLocalJWKSet, type JWK, type JWTVerifyGetKey } from 'jose';
import { Keystore, type KeystoreOptions, type RotateKeysOptions, type RotateKeysResult } from '../keys/keystore.js';
import type { Keyring } from '../keys/keyring.js';

/** How often (ms) the server re-checks keys.json on the hot path: another process may rotate keys. */
const STAT_INTERVAL_MS = 100;

/**
 * The shared keystore, with keys.json parsed once per change (keyed by inode, mtime and size)
 * instead of once per token. Writes still go through the keystore's lock.
 */
export class CachingKeystore extends Keystore {
  private cached?: { stamp: string; ring: Keyring };

  override async read(): Promise<Keyring> {
    const stamp = await fileStamp(this.file);
    if (stamp && this.cached?.stamp === stamp) return structuredClone(this.cached.ring);
    const ring = await super.read();
    if (stamp) this.cached = { stamp, ring: structuredClone(ring) };
    return ring;
  }
}

async function fileStamp(file: string): Promise<string | undefined> {
  try {
    const s = await stat(file);
    return `${s.ino}:${s.mtimeMs}:${s.size}`;
  } catch {
    return undefined;
  }
}

interface JwksCache {
  stamp: string;
  /** The JWKS changes by itself when a grace period ends. */
  validUntil: number;
  body: string;
  jwks: { keys: JWK[] };
  getKey: JWTVerifyGetKey;
}

/** The issuer's view of the keystore: a cached JWKS body and verification key set. */
export class IdpKeys {
  readonly keystore: CachingKeystore;
  private cache?: JwksCache;
  private checkedAt = 0;
  private stamp: string | undefined;

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
    this.warming ??= this.keystore.signingKey(alg).then(() => this.invalidate());
    return this.warming;
  }

  /** The JWKS (active, published and grace keys), re-built only when keys.json or a grace period changes. */
  async current(): Promise<JwksCache> {
    if (this.warming) await this.warming;
    const now = this.clock();
    const wall = Date.now();
    if (!this.cache || wall - this.checkedAt > STAT_INTERVAL_MS) {
      this.stamp = (await fileStamp(this.keystore.file)) ?? 'none';
      this.checkedAt = wall;
    }
    if (this.cache && this.cache.stamp === this.stamp && now < this.cache.validUntil) return this.cache;
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
      getKey: createLocalJWKSet(jwks),
    };
    return this.cache;
  }

  invalidate(): void {
    this.cache = undefined;
    this.checkedAt = 0;
  }

  async rotate(options: RotateKeysOptions): Promise<RotateKeysResult> {
    const result = await this.keystore.rotate(options);
    this.invalidate();
    return result;
  }
}

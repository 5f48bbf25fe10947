// The single-use state of client assertions, jwt-bearer grants and DPoP (jtis, nonces) and the
// opaque access tokens: one small module of tables, so it can move onto the store interface whole.
import { CappedMap, RollingMap, type TableLimits } from './tables.js';

/** An opaque (reference) access token: what introspection and userinfo answer for it. */
export interface OpaqueRecord {
  issuerId: string;
  claims: Record<string, unknown>;
  /** ms on the issuer clock. */
  expiresAt: number;
}

/** How long a DPoP nonce is handed out, and how long after that a proof may still carry it (ms). */
export const NONCE_FRESH_MS = 60_000;
export const NONCE_VALID_MS = 5 * 60_000;

export class AuthState {
  /** `kind:issuer:jti` of assertions and proofs already used → when they expire anyway (ms). */
  readonly usedJtis: RollingMap<string, number>;
  /** DPoP nonces handed out → when they were issued (ms, issuer clock). */
  readonly nonces: RollingMap<string, number>;
  readonly opaqueTokens: CappedMap<string, OpaqueRecord>;
  private current?: { nonce: string; issuedAt: number };

  constructor(limits: TableLimits) {
    this.usedJtis = new RollingMap(limits);
    this.nonces = new RollingMap(limits);
    this.opaqueTokens = new CappedMap('opaque access token', limits);
  }

  /** Records a jti; false when it was seen before and has not expired (a replay). */
  useOnce(key: string, expiresAt: number, now: number): boolean {
    const seen = this.usedJtis.get(key);
    if (seen !== undefined && seen >= now) return false;
    this.usedJtis.set(key, expiresAt);
    return true;
  }

  /** The nonce to hand out now: the same one for a minute, then a fresh one (`make` draws it). */
  nonce(now: number, make: () => string): string {
    if (!this.current || now - this.current.issuedAt >= NONCE_FRESH_MS) {
      this.current = { nonce: make(), issuedAt: now };
      this.nonces.set(this.current.nonce, now);
    }
    return this.current.nonce;
  }

  /** Whether a proof's nonce is one this issuer handed out recently. */
  nonceValid(nonce: string, now: number): boolean {
    const issuedAt = this.nonces.get(nonce);
    return issuedAt !== undefined && now - issuedAt < NONCE_VALID_MS && issuedAt <= now;
  }

  sizes(): Record<string, number> {
    return { usedJtis: this.usedJtis.size, opaqueTokens: this.opaqueTokens.size };
  }

  /** Drops what expired on the issuer clock (ms). */
  sweep(now: number): void {
    for (const [key, exp] of this.usedJtis) if (exp < now) this.usedJtis.delete(key);
    for (const [nonce, at] of this.nonces)
      if (now - at >= NONCE_VALID_MS) this.nonces.delete(nonce);
    for (const [token, record] of this.opaqueTokens)
      if (record.expiresAt < now) this.opaqueTokens.delete(token);
  }
}

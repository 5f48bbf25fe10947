import { randomBytes } from 'node:crypto';
import { AuthState } from './auth-state.js';
import { CappedMap, DEFAULT_MAX_ENTRIES, RollingMap } from './tables.js';

/** Who a token is for: the resolved user or client identity behind a grant. */
export interface Principal {
  sub: string;
  /** The dev user name, when a user signed in. */
  user?: string;
  tenant?: string;
  roles?: string[];
  scopes: string[];
  claims: Record<string, unknown>;
  /** Claims typed into the login page's extra-claims box: in the id_token too. */
  loginClaims?: Record<string, unknown>;
  name?: string;
  email?: string;
}

export interface CodeRecord {
  clientId: string;
  issuerId: string;
  redirectUri: string;
  principal: Principal;
  nonce?: string;
  codeChallenge: string;
  codeChallengeMethod: 'S256' | 'plain';
  expiresAt: number;
  authTime: number;
  /** `resource` / `audience` sent to /authorize (RFC 8707 §2.1): the tokens' audience unless the token request narrows it. */
  audience?: string[];
  /** Refresh tokens issued from this code (revoked if the code is replayed). */
  family: string;
  /** RFC 9449 §10 `dpop_jkt`: only a DPoP proof by this key redeems the code. */
  dpopJkt?: string;
}

export interface RefreshRecord {
  clientId: string;
  issuerId: string;
  principal: Principal;
  expiresAt: number;
  family: string;
  /** auth_time (seconds) of the sign-in behind the grant: refreshed id_tokens keep it (OIDC Core §12.2). */
  authTime?: number;
  /** RFC 9449 §5: a public client's refresh token works only with a DPoP proof by this key. */
  jkt?: string;
}

export type DeviceOutcome = 'approve' | 'slow_down' | 'expired_token' | 'access_denied';

export interface DeviceRecord {
  clientId: string;
  issuerId: string;
  userCode: string;
  scopes: string[];
  expiresAt: number;
  interval: number;
  polls: number;
  /** Scripted: the outcome after `after` polls (authorization_pending before). */
  outcome?: DeviceOutcome;
  after: number;
  principal?: Principal;
  lastPollAt?: number;
}

export interface PendingClaims {
  claims: Record<string, unknown>;
  sticky: boolean;
}

export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

/**
 * In-memory state of the issuer: one-time codes, refresh tokens, revocations, scripted outcomes.
 * Every table is bounded (`[idp] max_entries` each): expired entries are swept on the issuer's clock,
 * and a table still full after a sweep refuses with 503 (or, for best-effort replay detection,
 * forgets its oldest entries).
 */
export class IdpStore {
  readonly codes: CappedMap<string, CodeRecord>;
  readonly refreshTokens: CappedMap<string, RefreshRecord>;
  /** Revoked access-token jtis → when they expire anyway (for clean-up). */
  readonly revokedJtis: CappedMap<string, number>;
  /** Families whose every token is revoked (replayed code or refresh token) → when revoked. */
  readonly revokedFamilies: RollingMap<string, number>;
  /** Access-token jtis issued in each family (one grant) → their expiry, so revoking the family revokes them too. */
  readonly familyJtis: CappedMap<string, Map<string, number>>;
  /** Codes and refresh tokens already used → their family, to detect replays. */
  readonly usedCodes: RollingMap<string, string>;
  readonly usedRefreshTokens: RollingMap<string, string>;
  readonly devices: CappedMap<string, DeviceRecord>;
  /** Scripted outcome for the next device authorizations. */
  deviceScript?: { outcome: DeviceOutcome; after: number; sticky: boolean };
  /** Claims for the next token of a client (`client:<id>`) or user (`user:<name>`). */
  readonly pendingClaims: CappedMap<string, PendingClaims>;
  /** Client assertion, jwt-bearer and DPoP jtis, DPoP nonces, opaque access tokens. */
  readonly auth: AuthState;
  readonly maxEntries: number;

  /** `now` is the issuer's clock (ms): entries expire on it, as the tokens they track do. */
  constructor(options: { maxEntries?: number; now?: () => number } = {}) {
    const now = options.now ?? Date.now;
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    const limits = { maxEntries: this.maxEntries, sweep: () => this.sweep(now()) };
    this.codes = new CappedMap('authorization code', limits);
    this.refreshTokens = new CappedMap('refresh token', limits);
    this.revokedJtis = new CappedMap('revoked token', limits);
    this.revokedFamilies = new RollingMap(limits);
    this.familyJtis = new CappedMap('token family', limits);
    this.usedCodes = new RollingMap(limits);
    this.usedRefreshTokens = new RollingMap(limits);
    this.devices = new CappedMap('device authorization', limits);
    this.pendingClaims = new CappedMap('pending claims', limits);
    this.auth = new AuthState(limits);
  }

  /** Claims set over the control API for this client or user; one-shot entries are consumed. */
  takeClaims(key: string): Record<string, unknown> {
    const pending = this.pendingClaims.get(key);
    if (!pending) return {};
    if (!pending.sticky) this.pendingClaims.delete(key);
    return pending.claims;
  }

  /** Remembers an access token issued in a family (a grant that also issued refresh tokens). */
  addToFamily(family: string, jti: string, expiresAt: number): void {
    let jtis = this.familyJtis.get(family);
    if (!jtis) this.familyJtis.set(family, (jtis = new Map()));
    jtis.set(jti, expiresAt);
  }

  /** Revokes one access token until it expires anyway (`expiresAt`, ms on the issuer clock). */
  revokeJti(jti: string, expiresAt: number): void {
    this.revokedJtis.set(jti, expiresAt);
  }

  /**
   * Revokes one grant: its refresh tokens and the access tokens issued from it (code or refresh token
   * replayed, RFC 6749 §4.1.2 and the security BCP; refresh token revoked, RFC 7009 §2.1).
   */
  revokeFamily(family: string): void {
    this.revokedFamilies.set(family, Date.now());
    for (const [token, record] of this.refreshTokens)
      if (record.family === family) this.refreshTokens.delete(token);
    for (const [jti, exp] of this.familyJtis.get(family) ?? []) this.revokedJtis.set(jti, exp);
    this.familyJtis.delete(family);
  }

  /** Entries per table, for `GET /_authctl/state`. */
  sizes(): Record<string, number> {
    return {
      codes: this.codes.size,
      refreshTokens: this.refreshTokens.size,
      revokedTokens: this.revokedJtis.size,
      families: this.familyJtis.size,
      devices: this.devices.size,
      pendingClaims: this.pendingClaims.size,
      ...this.auth.sizes(),
      maxEntries: this.maxEntries,
    };
  }

  /** Drops expired entries (issuer clock, ms); called every 1000 requests and when a table is full. */
  sweep(now: number): void {
    for (const [key, code] of this.codes) if (code.expiresAt + 60_000 < now) this.codes.delete(key);
    for (const [key, record] of this.refreshTokens)
      if (record.expiresAt < now) this.refreshTokens.delete(key);
    // A revoked token stays refused for an hour past its exp: a verifier's clock may lag.
    for (const [key, exp] of this.revokedJtis)
      if (exp < now - 3600_000) this.revokedJtis.delete(key);
    for (const [family, jtis] of this.familyJtis) {
      for (const [jti, exp] of jtis) if (exp < now) jtis.delete(jti);
      if (jtis.size === 0) this.familyJtis.delete(family);
    }
    for (const [key, device] of this.devices)
      if (device.expiresAt + 60_000 < now) this.devices.delete(key);
    this.auth.sweep(now);
  }
}

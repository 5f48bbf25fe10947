import { randomBytes } from 'node:crypto';
import type { IdpClockSnapshot } from './clock.js';
import type { FaultsSnapshot } from './faults.js';

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
  /**
   * The code the user types at /device. A store that others can read may give back a handle for it
   * instead (Redis keeps only its secretId); putDevice takes either back.
   */
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

/** The scripted outcome of the next device authorizations (control API `POST /device`). */
export interface DeviceScript {
  outcome: DeviceOutcome;
  after: number;
  sticky: boolean;
}

export interface PendingClaims {
  claims: Record<string, unknown>;
  sticky: boolean;
}

/**
 * A single-use code or refresh token taken from the store: its record the first time; on a replay,
 * the family its first use started (the caller revokes it); undefined when it was never issued or
 * has been swept.
 */
export type Redemption<T> = { record: T } | { replayedFamily: string } | undefined;

/** What every replica must agree on besides the tables: the issuer's clock and the faults in force. */
export interface SharedState {
  clock: IdpClockSnapshot;
  faults: FaultsSnapshot;
}

/** Whether the store answers, for /readyz and `idp doctor`. */
export type StoreHealth =
  | { ok: true; kind: 'memory' | 'redis'; latencyMs: number; prefix?: string }
  | { ok: false; kind: 'memory' | 'redis'; error: string; prefix?: string };

/**
 * The issuer's state: one-time codes, refresh tokens and their rotation families, revocations,
 * device codes, scripted outcomes, pending claims, the shared clock and faults. Every handler awaits
 * it, so one implementation keeps it in process memory (the default) and another in Redis, shared by
 * replicas. Times are milliseconds on the issuer's clock unless a field says otherwise.
 */
export interface IssuerStore {
  /** `memory`, or the store's URL with any password masked. */
  readonly description: string;
  /** Other replicas share this store's clock and faults: each request must load them (`loadShared`). */
  readonly sharesState: boolean;
  /** Cap of each table (`[idp] max_entries`); the control API's clients and users use it too. */
  readonly maxEntries: number;

  putCode(code: string, record: CodeRecord): Promise<void>;
  /** Takes a code once, atomically (a second redemption anywhere gets `replayedFamily`). */
  redeemCode(code: string): Promise<Redemption<CodeRecord>>;

  putRefreshToken(token: string, record: RefreshRecord): Promise<void>;
  /** Reads a refresh token without using it (introspection, revocation). */
  getRefreshToken(token: string): Promise<RefreshRecord | undefined>;
  /** Takes a refresh token once, atomically (rotation: the client gets a new one). */
  redeemRefreshToken(token: string): Promise<Redemption<RefreshRecord>>;

  /** Remembers an access token issued in a family (a grant that also issued refresh tokens). */
  addToFamily(family: string, jti: string, expiresAt: number): Promise<void>;
  /**
   * Revokes one grant: its refresh tokens and the access tokens issued from it (code or refresh token
   * replayed, RFC 6749 §4.1.2 and the security BCP; refresh token revoked, RFC 7009 §2.1).
   */
  revokeFamily(family: string): Promise<void>;
  isFamilyRevoked(family: string): Promise<boolean>;
  /** Revokes one access token until it expires anyway (`expiresAt`). */
  revokeJti(jti: string, expiresAt: number): Promise<void>;
  isJtiRevoked(jti: string): Promise<boolean>;

  /** Adds a device authorization, or saves a changed one (polls, interval, outcome). */
  putDevice(code: string, record: DeviceRecord): Promise<void>;
  getDevice(code: string): Promise<DeviceRecord | undefined>;
  /**
   * The pending device of an issuer showing this user code (the /device page). `code` is what to
   * pass to putDevice to save a change: the device code, or a store's id of it (Redis keeps no codes).
   */
  findDevice(
    userCode: string,
    issuerId: string,
  ): Promise<{ code: string; record: DeviceRecord } | undefined>;
  deleteDevice(code: string): Promise<void>;
  setDeviceScript(script: DeviceScript): Promise<void>;
  /** The scripted outcome for a new device authorization; a one-shot script is consumed. */
  takeDeviceScript(): Promise<DeviceScript | undefined>;

  /** Claims for the next token of a client (`client:<id>`) or user (`user:<name>`). */
  setClaims(target: string, pending: PendingClaims): Promise<void>;
  /** Claims set for this client or user; one-shot entries are consumed. */
  takeClaims(target: string): Promise<Record<string, unknown>>;
  clearClaims(): Promise<void>;

  /**
   * Single use of a value that is not a record (a client assertion's `jti`, a DPoP proof's `jti`):
   * true the first time `key` is seen in `table`, false on a replay. Remembered until `expiresAt`.
   */
  useOnce(table: string, key: string, expiresAt: number): Promise<boolean>;

  /** The clock and faults as another replica last saved them; undefined when this process holds them alone. */
  loadShared(): Promise<SharedState | undefined>;
  /** Publishes this replica's clock and faults after the control API changed them. */
  saveShared(state: SharedState): Promise<void>;

  /** Entries per table, for `GET /_authctl/state`. */
  sizes(): Promise<Record<string, number>>;
  /** Drops expired entries (issuer clock, ms); the handler calls it every 1000 requests. */
  sweep(now: number): Promise<void>;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}

export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

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
import { CappedMap, DEFAULT_MAX_ENTRIES, RollingMap, type TableLimits } from './tables.js';

/**
 * The issuer's state in this process's memory (the default store: nothing to start). Every table is
 * bounded (`[idp] max_entries` each): expired entries are swept on the issuer's clock, and a table
 * still full after a sweep refuses with 503 (or, for best-effort replay detection, forgets its oldest
 * entries). The clock and faults live in the process's own IdpClock and Faults.
 */
export class MemoryStore implements IssuerStore {
  readonly description = 'memory';
  readonly sharesState = false;
  readonly maxEntries: number;
  private readonly codes: CappedMap<string, CodeRecord>;
  private readonly refreshTokens: CappedMap<string, RefreshRecord>;
  /** Revoked access-token jtis → when they expire anyway (for clean-up). */
  private readonly revokedJtis: CappedMap<string, number>;
  /** Families whose every token is revoked (replayed code or refresh token) → when revoked. */
  private readonly revokedFamilies: RollingMap<string, number>;
  /** Access-token jtis issued in each family (one grant) → their expiry, so revoking the family revokes them too. */
  private readonly familyJtis: CappedMap<string, Map<string, number>>;
  /** Codes and refresh tokens already used → their family, to detect replays. */
  private readonly usedCodes: RollingMap<string, string>;
  private readonly usedRefreshTokens: RollingMap<string, string>;
  private readonly devices: CappedMap<string, DeviceRecord>;
  private deviceScript?: DeviceScript;
  private readonly pendingClaims: CappedMap<string, PendingClaims>;
  /** Values used once (`useOnce`), per table → when they may be forgotten. */
  private readonly once = new Map<string, CappedMap<string, number>>();
  private readonly limits: TableLimits;

  /** `now` is the issuer's clock (ms): entries expire on it, as the tokens they track do. */
  constructor(options: { maxEntries?: number; now?: () => number } = {}) {
    const now = options.now ?? Date.now;
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.limits = { maxEntries: this.maxEntries, sweep: () => this.sweepNow(now()) };
    this.codes = new CappedMap('authorization code', this.limits);
    this.refreshTokens = new CappedMap('refresh token', this.limits);
    this.revokedJtis = new CappedMap('revoked token', this.limits);
    this.revokedFamilies = new RollingMap(this.limits);
    this.familyJtis = new CappedMap('token family', this.limits);
    this.usedCodes = new RollingMap(this.limits);
    this.usedRefreshTokens = new RollingMap(this.limits);
    this.devices = new CappedMap('device authorization', this.limits);
    this.pendingClaims = new CappedMap('pending claims', this.limits);
  }

  async putCode(code: string, record: CodeRecord): Promise<void> {
    this.codes.set(code, record);
  }

  async redeemCode(code: string): Promise<Redemption<CodeRecord>> {
    return redeem(this.codes, this.usedCodes, code);
  }

  async putRefreshToken(token: string, record: RefreshRecord): Promise<void> {
    this.refreshTokens.set(token, record);
  }

  async getRefreshToken(token: string): Promise<RefreshRecord | undefined> {
    return this.refreshTokens.get(token);
  }

  async redeemRefreshToken(token: string): Promise<Redemption<RefreshRecord>> {
    return redeem(this.refreshTokens, this.usedRefreshTokens, token);
  }

  async addToFamily(family: string, jti: string, expiresAt: number): Promise<void> {
    let jtis = this.familyJtis.get(family);
    if (!jtis) this.familyJtis.set(family, (jtis = new Map()));
    jtis.set(jti, expiresAt);
  }

  async revokeFamily(family: string): Promise<void> {
    this.revokedFamilies.set(family, Date.now());
    for (const [token, record] of this.refreshTokens)
      if (record.family === family) this.refreshTokens.delete(token);
    for (const [jti, exp] of this.familyJtis.get(family) ?? []) this.revokedJtis.set(jti, exp);
    this.familyJtis.delete(family);
  }

  async isFamilyRevoked(family: string): Promise<boolean> {
    return this.revokedFamilies.has(family);
  }

  async revokeJti(jti: string, expiresAt: number): Promise<void> {
    this.revokedJtis.set(jti, expiresAt);
  }

  async isJtiRevoked(jti: string): Promise<boolean> {
    return this.revokedJtis.has(jti);
  }

  async putDevice(code: string, record: DeviceRecord): Promise<void> {
    this.devices.set(code, record);
  }

  async getDevice(code: string): Promise<DeviceRecord | undefined> {
    return this.devices.get(code);
  }

  async findDevice(userCode: string, issuerId: string) {
    for (const [code, record] of this.devices)
      if (record.userCode === userCode && record.issuerId === issuerId) return { code, record };
    return undefined;
  }

  async deleteDevice(code: string): Promise<void> {
    this.devices.delete(code);
  }

  async setDeviceScript(script: DeviceScript): Promise<void> {
    this.deviceScript = script;
  }

  async takeDeviceScript(): Promise<DeviceScript | undefined> {
    const script = this.deviceScript;
    if (script && !script.sticky) this.deviceScript = undefined;
    return script;
  }

  async setClaims(target: string, pending: PendingClaims): Promise<void> {
    this.pendingClaims.set(target, pending);
  }

  async takeClaims(target: string): Promise<Record<string, unknown>> {
    const pending = this.pendingClaims.get(target);
    if (!pending) return {};
    if (!pending.sticky) this.pendingClaims.delete(target);
    return pending.claims;
  }

  async clearClaims(): Promise<void> {
    this.pendingClaims.clear();
  }

  async useOnce(table: string, key: string, expiresAt: number): Promise<boolean> {
    let seen = this.once.get(table);
    if (!seen) this.once.set(table, (seen = new CappedMap(table, this.limits)));
    if (seen.has(key)) return false;
    seen.set(key, expiresAt);
    return true;
  }

  /** Nothing to load: this process's clock and faults are the only ones. */
  async loadShared(): Promise<SharedState | undefined> {
    return undefined;
  }

  async saveShared(): Promise<void> {}

  async sizes(): Promise<Record<string, number>> {
    return {
      codes: this.codes.size,
      refreshTokens: this.refreshTokens.size,
      revokedTokens: this.revokedJtis.size,
      families: this.familyJtis.size,
      devices: this.devices.size,
      pendingClaims: this.pendingClaims.size,
      maxEntries: this.maxEntries,
    };
  }

  async sweep(now: number): Promise<void> {
    this.sweepNow(now);
  }

  async health(): Promise<StoreHealth> {
    return { ok: true, kind: 'memory', latencyMs: 0 };
  }

  async close(): Promise<void> {}

  /** Drops expired entries (issuer clock, ms); also run when a table is full. */
  private sweepNow(now: number): void {
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
    for (const seen of this.once.values())
      for (const [key, until] of seen) if (until < now) seen.delete(key);
  }
}

/** Takes `key` from `table` once, remembering its family in `used` to recognise a replay. */
function redeem<T extends { family: string }>(
  table: Map<string, T>,
  used: Map<string, string>,
  key: string,
): Redemption<T> {
  const record = table.get(key);
  if (!record) {
    const family = used.get(key);
    return family === undefined ? undefined : { replayedFamily: family };
  }
  table.delete(key);
  used.set(key, record.family);
  return { record };
}

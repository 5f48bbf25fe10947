/**
 * The issuer's clock. Everything time-dependent in the mock (token iat/exp, code expiry,
 * introspection, userinfo, key grace) reads `now()`, so tests and `authctl idp clock` can
 * freeze or move time without touching the system clock.
 */
export interface IdpClockState {
  now: string;
  frozen: boolean;
  offsetSeconds: number;
}

/** What replicas share of a clock: its offset and the base time it is frozen at, if frozen. */
export interface IdpClockSnapshot {
  offsetMs: number;
  frozenAt?: number;
}

/**
 * The mock issuer's clock: real time by default; tests freeze it, move it forward or back (`authctl idp clock`), then reset it.
 */
export class IdpClock {
  private offsetMs = 0;
  private frozenAt: number | undefined;

  constructor(private readonly base: () => number = Date.now) {}

  /** Milliseconds since epoch, as the issuer sees it. */
  now = (): number => (this.frozenAt ?? this.base()) + this.offsetMs;

  /** Seconds since epoch. */
  seconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /** Stops the clock at the current (possibly offset) time. */
  freeze(): void {
    if (this.frozenAt === undefined) this.frozenAt = this.base();
  }

  /** Lets the clock run again from the time it was frozen at. */
  unfreeze(): void {
    if (this.frozenAt !== undefined) {
      // Keep the issuer's current time: the time spent frozen becomes a negative offset.
      this.offsetMs += this.frozenAt - this.base();
      this.frozenAt = undefined;
    }
  }

  /** Moves the clock by `seconds` (negative moves it back), frozen or not. */
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }

  /** Jump to an absolute time (keeps frozen/running as it is). */
  set(epochMs: number): void {
    this.offsetMs = epochMs - (this.frozenAt ?? this.base());
  }

  /** Back to real time: no offset, not frozen. */
  reset(): void {
    this.offsetMs = 0;
    this.frozenAt = undefined;
  }

  /** Its offset and frozen time, for another replica to `restore`. */
  snapshot(): IdpClockSnapshot {
    return this.frozenAt === undefined
      ? { offsetMs: this.offsetMs }
      : { offsetMs: this.offsetMs, frozenAt: this.frozenAt };
  }

  /** Takes over another replica's clock (saved by `snapshot`). */
  restore(snapshot: IdpClockSnapshot): void {
    this.offsetMs = snapshot.offsetMs;
    this.frozenAt = snapshot.frozenAt;
  }

  /** The current offset, whether the clock is frozen, and the time it shows. */
  state(): IdpClockState {
    return {
      now: new Date(this.now()).toISOString(),
      frozen: this.frozenAt !== undefined,
      offsetSeconds: Math.round((this.now() - this.base()) / 1000),
    };
  }
}

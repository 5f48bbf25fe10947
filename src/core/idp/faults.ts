import { usageError } from '../errors.js';
import { DAY_SECONDS, durationInRange } from './bounds.js';

/** Longest injected latency (the server gives up on a hang after 5 minutes too). */
const MAX_LATENCY_SECONDS = 300;
/** Longest `--for`: a year. */
const MAX_FAULT_SECONDS = 365 * DAY_SECONDS;

export const JWKS_FAULTS = ['503', 'timeout', 'empty', 'garbage'] as const;
export type JwksFault = (typeof JWKS_FAULTS)[number];

export interface FaultSpec {
  /** How the JWKS endpoint misbehaves. */
  jwks?: JwksFault;
  /** HTTP status the token endpoint answers with (e.g. 500, 503). */
  token?: number;
  /** Extra latency on every issuer endpoint, in milliseconds. */
  latencyMs?: number;
  /** Sign tokens with a key that is not in the JWKS at all. */
  unpublishedKey?: boolean;
  /** When the fault ends (wall clock, ms); undefined = until cleared. */
  until?: number;
}

export type FaultKind = 'jwks' | 'token' | 'latencyMs' | 'unpublishedKey';

/** The faults in force with their ends, as replicas share them. */
export type FaultsSnapshot = [FaultKind, { value: unknown; until?: number }][];

/**
 * Fault injection for testing a service's failure paths (JWKS outage, slow IdP, unknown kid).
 * Each kind of fault has its own end time, so `--jwks 503 --for 30s` then `--token 500` keeps
 * the JWKS outage to 30 s and the token errors until cleared.
 */
export class Faults {
  private entries = new Map<FaultKind, { value: unknown; until?: number }>();

  constructor(private readonly clock: () => number) {}

  set(spec: FaultSpec): FaultSpec {
    for (const kind of ['jwks', 'token', 'latencyMs', 'unpublishedKey'] as const) {
      if (spec[kind] !== undefined)
        this.entries.set(kind, { value: spec[kind], until: spec.until });
    }
    return this.active();
  }

  clear(): void {
    this.entries.clear();
  }

  /** The faults in force with their ends, for another replica to `restore`. */
  snapshot(): FaultsSnapshot {
    this.active();
    return [...this.entries].map(([kind, entry]) => [kind, { ...entry }]);
  }

  /** Takes over another replica's faults (saved by `snapshot`). */
  restore(snapshot: FaultsSnapshot): void {
    this.entries = new Map(snapshot.map(([kind, entry]) => [kind, { ...entry }]));
  }

  /** When each timed fault in force ends (ms); a fault missing here lasts until cleared. */
  ends(): Partial<Record<FaultKind, number>> {
    this.active();
    const ends: Partial<Record<FaultKind, number>> = {};
    for (const [kind, entry] of this.entries)
      if (entry.until !== undefined) ends[kind] = entry.until;
    return ends;
  }

  /** The faults in force now (expired ones clear themselves); `until` is the soonest end. */
  active(): FaultSpec {
    if (this.entries.size === 0) return {};
    const now = this.clock();
    const spec: FaultSpec = {};
    for (const [kind, entry] of this.entries) {
      if (entry.until !== undefined && now >= entry.until) {
        this.entries.delete(kind);
        continue;
      }
      (spec as Record<string, unknown>)[kind] = entry.value;
      if (entry.until !== undefined)
        spec.until = Math.min(spec.until ?? Number.POSITIVE_INFINITY, entry.until);
    }
    return spec;
  }
}

/** Validates a fault request from the control API or the CLI. */
export function parseFaultRequest(input: Record<string, unknown>, now: number): FaultSpec {
  const spec: FaultSpec = {};
  if (input.jwks !== undefined) {
    const value = String(input.jwks);
    if (!(JWKS_FAULTS as readonly string[]).includes(value)) {
      throw usageError('ERR_BAD_FAULT', `unknown JWKS fault "${value}"`, {
        field: 'jwks',
        hint: `use one of: ${JWKS_FAULTS.join(', ')}`,
      });
    }
    spec.jwks = value as JwksFault;
  }
  if (input.token !== undefined) {
    const status = Number(input.token);
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw usageError(
        'ERR_BAD_FAULT',
        `token fault must be an HTTP error status, got "${String(input.token)}"`,
        { field: 'token', hint: 'e.g. {{token}} 500 or {{token}} 503' },
      );
    }
    spec.token = status;
  }
  // Bounded: a latency beyond the hang limit or an end years away is a typo, and setTimeout or
  // the ISO date of `until` would fail on it.
  if (input.latency !== undefined)
    spec.latencyMs = Math.round(
      durationInRange(input.latency, 'latency ({{latency}})', {
        min: 0,
        max: MAX_LATENCY_SECONDS,
      }) * 1000,
    );
  if (input.unpublished_key !== undefined) spec.unpublishedKey = Boolean(input.unpublished_key);
  if (input.for !== undefined)
    spec.until =
      now +
      durationInRange(input.for, 'for ({{for}})', {
        min: 0,
        minExclusive: true,
        max: MAX_FAULT_SECONDS,
      }) *
        1000;
  if (
    !spec.jwks &&
    spec.token === undefined &&
    spec.latencyMs === undefined &&
    spec.unpublishedKey === undefined
  ) {
    throw usageError('ERR_BAD_FAULT', 'no fault given', {
      where: 'authctl idp fault',
      hint: 'give {{jwks}} 503|timeout|empty|garbage, {{token}} 500, {{latency}} 2s or {{unpublishedKey}} (and optionally {{for}} 30s)',
    });
  }
  return spec;
}

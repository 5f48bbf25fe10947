import { parseDuration } from '../duration.js';
import { usageError } from '../errors.js';

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
  /** When the fault ends (issuer clock, ms); undefined = until cleared. */
  until?: number;
}

/** Fault injection for testing a service's failure paths (JWKS outage, slow IdP, unknown kid). */
export class Faults {
  private spec: FaultSpec = {};

  constructor(private readonly clock: () => number) {}

  set(spec: FaultSpec): FaultSpec {
    this.spec = { ...this.spec, ...spec };
    return this.active();
  }

  clear(): void {
    this.spec = {};
  }

  /** The fault in force now (an expired fault clears itself). */
  active(): FaultSpec {
    if (this.spec.until !== undefined && this.clock() >= this.spec.until) this.spec = {};
    return this.spec;
  }
}

/** Validates a fault request from the control API or the CLI. */
export function parseFaultRequest(input: Record<string, unknown>, now: number): FaultSpec {
  const spec: FaultSpec = {};
  if (input.jwks !== undefined) {
    const value = String(input.jwks);
    if (!(JWKS_FAULTS as readonly string[]).includes(value)) {
      throw usageError('ERR_BAD_FAULT', `unknown JWKS fault "${value}"`, { where: '--jwks', hint: `use one of: ${JWKS_FAULTS.join(', ')}` });
    }
    spec.jwks = value as JwksFault;
  }
  if (input.token !== undefined) {
    const status = Number(input.token);
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw usageError('ERR_BAD_FAULT', `token fault must be an HTTP error status, got "${String(input.token)}"`, { where: '--token', hint: 'e.g. --token 500 or --token 503' });
    }
    spec.token = status;
  }
  if (input.latency !== undefined) spec.latencyMs = Math.round(parseDuration(input.latency as string | number, '--latency') * 1000);
  if (input.unpublished_key !== undefined) spec.unpublishedKey = Boolean(input.unpublished_key);
  if (input.for !== undefined) spec.until = now + parseDuration(input.for as string | number, '--for') * 1000;
  if (!spec.jwks && spec.token === undefined && spec.latencyMs === undefined && spec.unpublishedKey === undefined) {
    throw usageError('ERR_BAD_FAULT', 'no fault given', { where: 'authctl idp fault', hint: 'give --jwks 503|timeout|empty|garbage, --token 500, --latency 2s or --unpublished-key (and optionally --for 30s)' });
  }
  return spec;
}

import type { MintTokenOptions } from '../token/mint.js';
import type { ProbeCase } from './case-types.js';
import { mintCommand, mintOptions, type JwtTemplate } from './credentials.js';
import type { ResolvedCredential } from './credential-types.js';
import { curlCommand } from './curl.js';
import { fixFor } from './fixes.js';
import type { ProbeRequest, ProbeResponse } from './http.js';
import { mergeHeaders } from './headers.js';
import { casePassed, type ProbeFinding } from './verdict.js';

/** How far past `exp` the service still accepts a token. */
export interface SkewResult {
  endpoint: string;
  credential: string;
  /** Largest lag (seconds) accepted; `atLeast` when even the upper bound was accepted. */
  toleratedSeconds: number;
  atLeast: boolean;
  upperBoundSeconds: number;
  requests: number;
  /** The endpoint whose answer this one confirmed, when that settled it (no bisection). */
  confirmedFrom?: string;
  finding?: ProbeFinding;
}

/** Another endpoint's answer, for the next one to try first. */
export interface SkewHint {
  seconds: number;
  endpoint: string;
}

export const SKEW_UPPER_BOUND = 600;
/** Leeway above this is reported as a warning. */
export const SKEW_WARN_ABOVE = 300;

export interface MeasureSkewOptions {
  /** A control case (valid credential on an endpoint) to replay with expired tokens. */
  target: ProbeCase;
  template: JwtTemplate;
  mint: (options: Omit<MintTokenOptions, 'keystore'>) => Promise<string>;
  send: (request: ProbeRequest) => Promise<ProbeResponse>;
  baseUrl: string;
  upperBound?: number;
  /**
   * The tolerance another endpoint of the service measured (undefined when it failed): tried first,
   * since a service's routers usually share one verifier, so confirming it takes two requests
   * instead of a bisection's eleven. A router with its own leeway fails the check and is bisected.
   */
  hint?: Promise<SkewHint | undefined>;
}

/**
 * How far past `exp` the service accepts tokens that are otherwise valid (`expired` tokens), to the
 * second, up to 10 min: the hint checked first (tryHint), then a bisection of what is still open
 * (about 10 sequential requests without a hint). Acceptance is taken to be monotonic: a token
 * refused at some lag is refused at every larger one.
 */
export async function measureSkew(options: MeasureSkewOptions): Promise<SkewResult> {
  const upper = options.upperBound ?? SKEW_UPPER_BOUND;
  const search = new SkewSearch(options);
  const hint = await options.hint;
  if (hint !== undefined && hint.seconds < upper) await tryHint(search, hint.seconds, upper);
  const afterHint = search.requests;
  if (search.hi === undefined && search.lo < upper) await search.test(upper);
  const base = {
    endpoint: options.target.endpoint.id,
    credential: options.target.credential!,
    upperBoundSeconds: upper,
  };
  if (search.hi === undefined) {
    const finding = skewFinding(options, upper, true, search.lastAccepted!);
    return { ...base, toleratedSeconds: upper, atLeast: true, requests: search.requests, finding };
  }
  if (search.lo === 0 && search.hi > 1) await search.test(1);
  while (search.hi - search.lo > 1) await search.test(Math.floor((search.lo + search.hi) / 2));
  const lo = search.lo;
  const finding =
    lo > SKEW_WARN_ABOVE ? skewFinding(options, lo, false, search.lastAccepted!) : undefined;
  const confirmed = hint && search.requests === afterHint ? { confirmedFrom: hint.endpoint } : {};
  const requests = search.requests;
  return { ...base, toleratedSeconds: lo, atLeast: false, requests, ...confirmed, finding };
}

/**
 * Accepted at `hint` and refused a second later settles it. A second either way is tried next,
 * since the hint itself may be a second off: exp is in whole seconds, and a token checked in a
 * later second than it was minted looks a second older.
 */
async function tryHint(search: SkewSearch, hint: number, upper: number): Promise<void> {
  if (hint > 0) await search.test(hint);
  if (search.hi === hint) {
    if (hint > 1) await search.test(hint - 1);
    return;
  }
  for (const next of [hint + 1, hint + 2])
    if (next <= upper && search.hi === undefined) await search.test(next);
}

/** The search's state: the largest lag accepted so far (0: none) and the smallest refused. */
class SkewSearch {
  lo = 0;
  hi: number | undefined;
  requests = 0;
  /** The request of the largest lag accepted: a finding's curl line reproduces it. */
  lastAccepted: ProbeRequest | undefined;

  constructor(private readonly options: MeasureSkewOptions) {}

  async test(seconds: number): Promise<void> {
    const { options } = this;
    const token = await options.mint({
      ...mintOptions(options.template),
      defect: { kind: 'expired' },
      skewSeconds: seconds,
    });
    const request = {
      ...options.target.request,
      headers: mergeHeaders(options.target.request.headers, { Authorization: `Bearer ${token}` }),
    };
    this.requests++;
    if (casePassed(options.target, await options.send(request))) {
      this.lo = seconds;
      this.lastAccepted = request;
    } else this.hi = seconds;
  }
}

function skewFinding(
  options: MeasureSkewOptions,
  seconds: number,
  atLeast: boolean,
  request: ProbeRequest,
): ProbeFinding {
  const endpoint = options.target.endpoint.id;
  return {
    key: `${endpoint} skew probe/clock-skew`,
    endpoint,
    case: 'skew',
    check: 'skew',
    rule: 'probe/clock-skew',
    severity: 'warning',
    expected: `≤ ${SKEW_WARN_ABOVE}s past exp`,
    got: `${atLeast ? '≥ ' : ''}${seconds}s`,
    message: `tokens are accepted ${atLeast ? 'at least ' : ''}${seconds}s after they expire`,
    fix: fixFor('skew'),
    curl: curlCommand(
      options.baseUrl,
      request,
      [request.headers.Authorization?.slice(7) ?? ''],
      reproduce(options.template, seconds),
    ),
  };
}

function reproduce(template: JwtTemplate, seconds: number): string | undefined {
  const command = mintCommand(template, { defect: { kind: 'expired' } });
  return command && `${command} --skew ${seconds}s`;
}

/** The first control with a token authctl can re-sign, on each endpoint that does not exclude skew. */
export function pickSkewTargets(
  cases: ProbeCase[],
  credentials: Map<string, ResolvedCredential>,
): ProbeCase[] {
  const targets = new Map<string, ProbeCase>();
  for (const c of cases)
    if (
      c.control &&
      c.credential &&
      !targets.has(c.endpoint.id) &&
      credentials.get(c.credential)?.jwt?.signable &&
      !c.endpoint.exclude.includes('skew')
    )
      targets.set(c.endpoint.id, c);
  return [...targets.values()];
}

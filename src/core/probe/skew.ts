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
  finding?: ProbeFinding;
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
}

/**
 * Bisects exp in the past (1 s resolution, up to 10 min) with `expired` tokens that are otherwise
 * valid: about 10 sequential requests.
 */
export async function measureSkew(options: MeasureSkewOptions): Promise<SkewResult> {
  const upper = options.upperBound ?? SKEW_UPPER_BOUND;
  let requests = 0;
  let lastRequest: ProbeRequest | undefined;
  const accepted = async (seconds: number) => {
    const token = await options.mint({
      ...mintOptions(options.template),
      defect: { kind: 'expired' },
      skewSeconds: seconds,
    });
    const request = {
      ...options.target.request,
      headers: mergeHeaders(options.target.request.headers, { Authorization: `Bearer ${token}` }),
    };
    lastRequest = request;
    requests++;
    return casePassed(options.target, await options.send(request));
  };
  const base = {
    endpoint: options.target.endpoint.id,
    credential: options.target.credential!,
    upperBoundSeconds: upper,
  };
  if (await accepted(upper)) {
    return {
      ...base,
      toleratedSeconds: upper,
      atLeast: true,
      requests,
      finding: skewFinding(options, upper, true, lastRequest!),
    };
  }
  if (!(await accepted(1))) return { ...base, toleratedSeconds: 0, atLeast: false, requests };
  let lo = 1;
  let hi = upper;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (await accepted(mid)) lo = mid;
    else hi = mid;
  }
  const finding = lo > SKEW_WARN_ABOVE ? skewFinding(options, lo, false, lastRequest!) : undefined;
  return { ...base, toleratedSeconds: lo, atLeast: false, requests, finding };
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

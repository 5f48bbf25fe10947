import { randomUUID } from 'node:crypto';
import { environmentError, usageError } from '../errors.js';
import { registerPublic } from '../mask.js';
import { callControl, type ControlTarget } from '../idp/control-client.js';
import type { MintTokenOptions } from '../token/mint.js';
import { mintOptions, type ResolvedCredential } from './credentials.js';
import { curlCommand } from './curl.js';
import { fixFor } from './fixes.js';
import { mergeHeaders } from './headers.js';
import type { ProbeRequest, ProbeResponse } from './http.js';
import { fetchIdpToken } from './idp-token.js';
import { pollUntil } from './poll.js';
import type { ProbeRotation } from './rotation-spec.js';
import type { ProbeEndpoint, ProbeSpec } from './spec.js';
import type { ProbeFinding, Severity } from './verdict.js';

/** What the rotation check measured (in `--json` as `rotation`). */
export interface RotationReport {
  issuer: string;
  credential: string;
  endpoint: string;
  oldKid: string;
  newKid: string;
  /** From the rotation to the first new-key token the service accepted (ms); absent when it never did within the bound. */
  newKeyAcceptedMs?: number;
  /** From the end of the grace to the first refusal of the retired key's token (ms); absent when it never was. */
  retiredKeyRefusedMs?: number;
  /** How long the service was watched for each (ms): the bounds, or less when it answered sooner. */
  refreshWithinMs: number;
  retireWithinMs: number;
  requests: number;
}

export interface RotationCase {
  case: string;
  title: string;
  expected: string;
  status: number;
  passed: boolean;
  ms?: number;
}

export interface RotationResult {
  endpoint: string;
  credential: string;
  cases: RotationCase[];
  findings: ProbeFinding[];
  report: RotationReport;
}

export interface RotationContext {
  rotation: ProbeRotation;
  endpoint: ProbeEndpoint;
  credential: ResolvedCredential;
  control: ControlTarget;
  mint: (options: Omit<MintTokenOptions, 'keystore'>) => Promise<string>;
  send: (request: ProbeRequest) => Promise<ProbeResponse>;
  baseUrl: string;
  source: string;
}

const is2xx = (s: number) => s >= 200 && s < 300;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

function kidOf(token: string): string {
  try {
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8'));
    if (typeof header.kid !== 'string') return '';
    registerPublic(header.kid); // reported as is (mask.ts): a kid is public
    return header.kid;
  } catch {
    return '';
  }
}

/** The endpoint's request carrying `token` as its bearer credential. */
function bearerRequest(e: ProbeEndpoint, token: string): ProbeRequest {
  return {
    ...{ method: e.method, path: e.path, body: e.body },
    headers: mergeHeaders({ ...e.headers }, { Authorization: `Bearer ${token}` }),
  };
}

/** The endpoint the rotation is watched on: the first one the credential must get into. */
export function rotationEndpoint(spec: ProbeSpec): ProbeEndpoint | undefined {
  const name = spec.rotation?.credential;
  return name ? spec.endpoints.find((e) => e.allow.includes(name)) : undefined;
}

/**
 * Checked before the run, so a wrong issuer or keystore fails in a second, not after the matrix:
 * the control API answers, and it holds the key the credential's tokens are signed with.
 */
export async function prepareRotation(
  rotation: ProbeRotation,
  credential: ResolvedCredential,
  env: NodeJS.ProcessEnv,
): Promise<ControlTarget> {
  const control = { url: rotation.issuer, token: env[rotation.controlTokenEnv] || undefined };
  const state = (await callControl(control, 'state')) as { keys?: Array<{ kid: string }> };
  const kid = credential.token ? kidOf(credential.token) : '';
  if (!state.keys?.some((k) => k.kid === kid))
    throw usageError(
      'ERR_PROBE_ROTATION_KEYS',
      `tokens of "${credential.name}" are signed with kid "${kid}", which the issuer at ${rotation.issuer} does not hold, so rotating its keys would not change them`,
      {
        where: 'rotation.credential',
        hint: "run the probe with the issuer's keystore ({{home}} / AUTHCTL_HOME of `authctl idp serve`), or use an idp credential (token_url = the issuer's /token)",
      },
    );
  return control;
}

/** A token of the credential with its own jti, signed by the issuer's active key right now. */
function freshToken(ctx: RotationContext): Promise<string> {
  const { credential } = ctx;
  if (credential.idp)
    return fetchIdpToken(
      credential.idp,
      credential.name,
      `${ctx.source} credentials.${credential.name}`,
    );
  return ctx.mint({ ...mintOptions(credential.jwt!), jti: randomUUID() });
}

/**
 * Key rotation while probing: rotate the issuer's keys (the old key stays published for the grace),
 * time until the service accepts the new key's tokens (bound: refresh_within), check the old key
 * still works during the grace, end the grace through the control API instead of waiting it out,
 * and time until the service refuses the retired key's tokens (bound: retire_within). Runs last:
 * the controls' tokens are signed by the key it retires.
 */
export async function checkRotation(ctx: RotationContext): Promise<RotationResult> {
  const { rotation, endpoint: e } = ctx;
  let requests = 0;
  const send = (token: string) => (requests++, ctx.send(bearerRequest(e, token)));
  const oldToken = await freshToken(ctx);
  const rotate = (stage: 'all' | 'retire') =>
    callControl(ctx.control, 'rotate', {
      stage,
      ...(stage === 'all' ? { grace: rotation.graceSeconds } : {}),
      ...(rotation.issuerId ? { issuer: rotation.issuerId } : {}),
    });
  await rotate('all');
  const rotatedAt = performance.now();
  const newToken = await freshToken(ctx);
  const [oldKid, newKid] = [kidOf(oldToken), kidOf(newToken)];
  if (oldKid === newKid) throw rotationUnchanged(ctx, oldKid);
  const accepted = await pollUntil(
    () => send(newToken),
    (r) => is2xx(r.status),
    {
      since: rotatedAt,
      withinMs: rotation.refreshWithinMs,
    },
  );
  const grace = await send(oldToken);
  await rotate('retire');
  const retiredAt = performance.now();
  const refused = await pollUntil(
    () => send(oldToken),
    (r) => !is2xx(r.status),
    {
      since: retiredAt,
      withinMs: rotation.retireWithinMs,
    },
  );
  const observed = { accepted, grace, refused, oldKid, newKid };
  return rotationResult(ctx, observed, { old: oldToken, new: newToken }, requests);
}

function rotationUnchanged(ctx: RotationContext, kid: string): Error {
  return environmentError(
    'ERR_PROBE_ROTATION_UNCHANGED',
    `tokens of "${ctx.credential.name}" are still signed with kid "${kid}" after the issuer rotated`,
    {
      where: ctx.rotation.issuer,
      hint: "the probe and the issuer must share one keystore ({{home}} / AUTHCTL_HOME), and the issuer's keys must be its own (not a shared set of another issuer)",
    },
  );
}

/** The cases, findings and timing report of one rotation, from what was observed. */
function rotationResult(
  ctx: RotationContext,
  o: Observed,
  tokens: Record<'old' | 'new', string>,
  requests: number,
): RotationResult {
  const { rotation, endpoint: e } = ctx;
  const verdicts = judgeRotation(ctx, o);
  return {
    endpoint: e.id,
    credential: ctx.credential.name,
    cases: verdicts.map((v) => v.case),
    findings: verdicts.flatMap((v) =>
      v.finding ? [finding(ctx, v.case, v.finding, tokens[v.token])] : [],
    ),
    report: {
      issuer: rotation.issuer,
      credential: ctx.credential.name,
      endpoint: e.id,
      oldKid: o.oldKid,
      newKid: o.newKid,
      ...(o.accepted.done ? { newKeyAcceptedMs: Math.round(o.accepted.elapsedMs) } : {}),
      ...(o.refused.done ? { retiredKeyRefusedMs: Math.round(o.refused.elapsedMs) } : {}),
      refreshWithinMs: rotation.refreshWithinMs,
      retireWithinMs: rotation.retireWithinMs,
      requests,
    },
  };
}

interface Verdict {
  case: RotationCase;
  token: 'old' | 'new';
  finding?: { rule: string; severity: Severity; message: string };
}

interface Observed {
  accepted: { done: boolean; last: ProbeResponse; elapsedMs: number };
  grace: ProbeResponse;
  refused: { done: boolean; last: ProbeResponse; elapsedMs: number };
  oldKid: string;
  newKid: string;
}

function judgeRotation(ctx: RotationContext, o: Observed): Verdict[] {
  const { rotation } = ctx;
  const who = `"${ctx.credential.name}"`;
  const newKey: Verdict = {
    token: 'new',
    case: {
      case: 'jwt:rotation:new-key',
      title: `a token of the new key is accepted within ${seconds(rotation.refreshWithinMs)} of the rotation`,
      expected: '2xx',
      status: o.accepted.last.status,
      passed: o.accepted.done,
      ...(o.accepted.done ? { ms: Math.round(o.accepted.elapsedMs) } : {}),
    },
    finding: o.accepted.done
      ? undefined
      : {
          rule: 'probe/rotation-new-key-refused',
          severity: 'error',
          message: `a token of ${who} signed with the new key (kid ${o.newKid}) still got ${o.accepted.last.status} ${seconds(o.accepted.elapsedMs)} after the issuer rotated, past refresh_within = ${seconds(rotation.refreshWithinMs)}: the service does not refresh its JWKS`,
        },
  };
  const graceOk = is2xx(o.grace.status);
  const grace: Verdict = {
    token: 'old',
    case: {
      case: 'jwt:rotation:grace',
      title: 'a token of the old key is still accepted while the issuer publishes it (grace)',
      expected: '2xx',
      status: o.grace.status,
      passed: graceOk,
    },
    finding: graceOk
      ? undefined
      : {
          rule: 'probe/valid-credential-refused',
          severity: 'error',
          message: `a token of ${who} signed with the old key (kid ${o.oldKid}) got ${o.grace.status} during the grace, while the issuer still publishes that key: callers holding it are locked out at every rotation`,
        },
  };
  return [newKey, grace, retiredVerdict(ctx, o)];
}

function retiredVerdict(ctx: RotationContext, o: Observed): Verdict {
  const { rotation } = ctx;
  const status = o.refused.last.status;
  const refusedRight = o.refused.done && status === 401;
  const verdict: Verdict = {
    token: 'old',
    case: {
      case: 'jwt:rotation:retired-key',
      title: `a token of the retired key is refused within ${seconds(rotation.retireWithinMs)} of the end of its grace`,
      expected: '401',
      status,
      passed: refusedRight,
      ...(o.refused.done ? { ms: Math.round(o.refused.elapsedMs) } : {}),
    },
  };
  if (refusedRight) return verdict;
  verdict.finding = o.refused.done
    ? {
        rule: 'probe/unexpected-status',
        severity: 'error',
        message: `a token of the retired key (kid ${o.oldKid}) got ${status}, expected 401`,
      }
    : {
        rule: 'probe/accepts-invalid-credential',
        severity: 'critical',
        message: `a token of "${ctx.credential.name}" signed with the retired key (kid ${o.oldKid}) was still accepted ${seconds(o.refused.elapsedMs)} after its grace ended, past retire_within = ${seconds(rotation.retireWithinMs)}: the service keeps keys the issuer no longer publishes`,
      };
  return verdict;
}

function finding(
  ctx: RotationContext,
  c: RotationCase,
  f: NonNullable<Verdict['finding']>,
  token: string,
): ProbeFinding {
  const e = ctx.endpoint;
  return {
    key: `${e.id} ${c.case} ${f.rule}`,
    endpoint: e.id,
    case: c.case,
    check: 'jwt:rotation',
    rule: f.rule,
    severity: f.severity,
    expected: c.expected,
    got: String(c.status),
    message: f.message,
    fix: fixFor(c.case),
    curl: curlCommand(ctx.baseUrl, bearerRequest(e, token), [token]),
  };
}

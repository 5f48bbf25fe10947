import type { ControlTarget } from '../idp/control-client.js';
import type { MintTokenOptions } from '../token/mint.js';
import type { ResolvedCredential } from './credentials.js';
import type { ProbeRequest, ProbeResponse } from './http.js';
import { checkRevocation, revocationTargets, type RevocationResult } from './revocation.js';
import {
  checkRotation,
  prepareRotation,
  rotationEndpoint,
  type RotationReport,
} from './rotation.js';
import type { ProbeCaseResult } from './run/types.js';
import type { ProbeSpec } from './spec.js';
import type { ProbeFinding } from './verdict.js';

/**
 * The checks that change the service's or the issuer's state (revoking a token, rotating keys):
 * sequential, after the matrix, each on fresh tokens so the controls' tokens stay valid, except
 * the rotation, which retires the controls' key and so runs after the last controls.
 */
export interface LateContext {
  spec: ProbeSpec;
  credentials: Map<string, ResolvedCredential>;
  mint: (options: Omit<MintTokenOptions, 'keystore'>) => Promise<string>;
  send: (request: ProbeRequest) => Promise<ProbeResponse>;
}

export interface LateOutcome {
  results: ProbeCaseResult[];
  findings: ProbeFinding[];
}

export async function runRevocations(ctx: LateContext): Promise<LateOutcome> {
  const out: LateOutcome = { results: [], findings: [] };
  for (const target of revocationTargets(ctx.spec)) {
    const credential = ctx.credentials.get(target.credential);
    if (!credential) continue;
    const r = await checkRevocation({
      target,
      credential,
      mint: ctx.mint,
      send: ctx.send,
      baseUrl: ctx.spec.baseUrl,
      source: ctx.spec.source,
    });
    if (!r) continue;
    out.results.push(revocationResult(r));
    if (r.finding) out.findings.push(r.finding);
  }
  return out;
}

function revocationResult(r: RevocationResult): ProbeCaseResult {
  return {
    endpoint: r.endpoint,
    case: r.case,
    check: 'revoked',
    title: `token of "${r.credential}" refused after revocation`,
    control: false,
    credential: r.credential,
    expected: '401',
    passed: r.passed,
    ...(r.refusedAfterMs !== undefined ? { ms: r.refusedAfterMs } : {}),
    ...(r.finding ? { status: Number(r.finding.got) || undefined } : { status: 401 }),
  };
}

/** Before the run: the issuer to rotate answers and holds the credential's key (undefined without [rotation]). */
export async function prepareLateRotation(
  spec: ProbeSpec,
  credentials: Map<string, ResolvedCredential>,
  env: NodeJS.ProcessEnv,
): Promise<ControlTarget | undefined> {
  const credential = spec.rotation && credentials.get(spec.rotation.credential);
  if (!spec.rotation || !credential || !rotationEndpoint(spec)) return undefined;
  return prepareRotation(spec.rotation, credential, env);
}

export async function runRotation(
  ctx: LateContext,
  control: ControlTarget | undefined,
): Promise<LateOutcome & { report?: RotationReport }> {
  const { rotation } = ctx.spec;
  const endpoint = rotationEndpoint(ctx.spec);
  const credential = rotation && ctx.credentials.get(rotation.credential);
  if (!rotation || !endpoint || !credential || !control) return { results: [], findings: [] };
  const r = await checkRotation({
    rotation,
    endpoint,
    credential,
    control,
    mint: ctx.mint,
    send: ctx.send,
    baseUrl: ctx.spec.baseUrl,
    source: ctx.spec.source,
  });
  return {
    results: r.cases.map((c) => ({
      endpoint: r.endpoint,
      case: c.case,
      check: 'jwt:rotation',
      title: c.title,
      control: false,
      credential: r.credential,
      expected: c.expected,
      status: c.status,
      passed: c.passed,
      ...(c.ms !== undefined ? { ms: c.ms } : {}),
    })),
    findings: r.findings,
    report: r.report,
  };
}

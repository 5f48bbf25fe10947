import { applySeverityPolicy } from './severity.js';
import { generateCases, streamCases, type ProbeCase } from './cases.js';
import type { ResolvedCredential } from './credentials.js';
import type { ProbeRequest } from './http.js';
import { prepareLateRotation, runRevocations, runRotation } from './late-checks.js';
import { runControls, Sender, skewStage } from './run/execute.js';
import { jkuFinding } from './run/findings.js';
import {
  caseResult,
  controlFailedResult,
  dryRunResult,
  judgedResult,
  resultBase,
  type ResultBase,
} from './run/results.js';
import {
  caseContext,
  closeRun,
  openRun,
  planMatrix,
  resolveCredentials,
  serveJku,
  type ProbeRun,
} from './run/setup.js';
import { started, streamAndJudge } from './run/stream.js';
import type { ProbeCaseResult, ProbeResult, RunProbeOptions } from './run/types.js';

export { pool } from './pool.js';
export type {
  ControlFailure,
  ProbeCaseResult,
  ProbeResult,
  ProbeSummary,
  RunProbeOptions,
} from './run/types.js';

/**
 * Builds the matrix, runs controls, cases and controls again, and judges every answer. The stages:
 * open (client, attacker key, jku server) → credentials → plan (controls, count) → [dry run] →
 * stream (build, send and judge endpoint by endpoint) → stateful checks → judge.
 */
export async function runProbe(options: RunProbeOptions): Promise<ProbeResult> {
  const run = await openRun(options);
  try {
    const credentials = await resolveCredentials(run);
    if (options.dryRun) {
      const warnings: string[] = [];
      const cases = await generateCases(caseContext(run, credentials, warnings));
      return dryRunResult(run, cases, resultBase(run, warnings));
    }
    // Checked before anything is sent: a wrong issuer or keystore fails in a second, not at the end.
    const rotation = await prepareLateRotation(run.spec, credentials, options.env);
    const { controls, others } = await planMatrix(run, credentials);
    // Filled in as the matrix streams (streamCases collects the spec's warnings).
    const base = resultBase(run, []);
    return await sendAndJudge(run, { controls, others, credentials, base, rotation });
  } finally {
    await closeRun(run);
  }
}

interface Planned {
  controls: ProbeCase[];
  /** How many other cases there are, when counted up front (for progress). */
  others?: number;
  credentials: Map<string, ResolvedCredential>;
  base: ResultBase;
  rotation: Awaited<ReturnType<typeof prepareLateRotation>>;
}

/** The negative cases a failed control kept from running, as results with no response. */
async function notRun(
  batches: AsyncIterable<ProbeCase[]>,
): Promise<ReturnType<typeof caseResult>[]> {
  const results = [];
  for await (const batch of batches) for (const c of batch) results.push(caseResult(c));
  return results;
}

/** Controls, then every other case (streamed), skew and revocation, the controls again, the rotation. */
async function sendAndJudge(run: ProbeRun, plan: Planned): Promise<ProbeResult> {
  const { controls, credentials, base } = plan;
  const sender = new Sender(run, controls.length * 2 + (plan.others ?? 0));
  const controlResults = controls.map((c) => caseResult(c));
  // Every case is checked once (a control's two runs are one check): results are one per case.
  const failed = (failures: Awaited<ReturnType<typeof runControls>>, results: ProbeCaseResult[]) =>
    controlFailedResult(run, base, failures, {
      results,
      checks: results.length,
      requests: sender.requests,
    });

  const controlsBefore = runControls(run, sender, controls, 'before');
  controlsBefore.catch(() => {}); // awaited below, after the jku server is up
  // The jku server starts while the controls are answered; the stream's cases name its URL.
  await serveJku(run);
  const cases = started(streamCases(caseContext(run, credentials, base.warnings)));
  const before = await controlsBefore;
  // Every case is still listed (not run), so CI test history keeps the same test names.
  if (before.length) return failed(before, [...controlResults, ...(await notRun(cases))]);
  // The skew bisections are chains of one request after another: beside the stream they end
  // inside it, not after it (the Sender keeps both within the run's concurrency).
  const [streamed, skews] = await Promise.all([
    streamAndJudge(run, sender, cases),
    skewStage(run, sender, controls, credentials),
  ]).catch((error: unknown) => {
    sender.stop();
    throw error;
  });
  const late = {
    spec: run.spec,
    credentials,
    mint: run.mint,
    send: (request: ProbeRequest) => sender.send(request),
  };
  // Revocation revokes fresh tokens (own jti) only, so the controls' tokens still get in afterwards.
  const revocations = await runRevocations(late);
  const after = await runControls(run, sender, controls, 'after');
  if (after.length) return failed(after, [...controlResults, ...streamed.results]);
  // Last: the rotation retires the key the controls' tokens are signed with.
  const rotation = await runRotation(late, plan.rotation);

  const { spec } = run;
  const raw = streamed.collector.findings();
  const jkuHits = run.jku?.hits() ?? 0;
  if (jkuHits > 0) raw.push(jkuFinding(streamed.jkuCase, jkuHits, spec.baseUrl));
  for (const { finding } of skews) if (finding) raw.push(finding);
  raw.push(...revocations.findings, ...rotation.findings);
  const severities = new Map(spec.endpoints.map((e) => [e.id, e.severity]));
  return judgedResult(run, base, {
    results: [...controlResults, ...streamed.results, ...revocations.results, ...rotation.results],
    checks: controls.length + streamed.results.length,
    findings: applySeverityPolicy(raw, spec.severity, severities),
    skews: skews.map((s) => ({ ...s, finding: undefined })),
    rotation: rotation.report,
    requests: sender.requests,
  });
}

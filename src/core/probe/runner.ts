import { applySeverityPolicy } from './severity.js';
import type { ProbeCase } from './cases.js';
import type { ResolvedCredential } from './credentials.js';
import { revocationStage, runControls, Sender, skewStage } from './run/execute.js';
import { buildFindings, jkuFinding } from './run/findings.js';
import {
  controlFailedResult,
  dryRunResult,
  judgedResult,
  resultBase,
  type ResultBase,
} from './run/results.js';
import { buildMatrix, closeRun, openRun, resolveCredentials, type ProbeRun } from './run/setup.js';
import type { ProbeResult, RunProbeOptions } from './run/types.js';

export { MAX_CASES } from './run/setup.js';
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
 * open (client, attacker key, jku server) → credentials → matrix → [dry run] → send → judge.
 */
export async function runProbe(options: RunProbeOptions): Promise<ProbeResult> {
  const run = await openRun(options);
  try {
    const credentials = await resolveCredentials(run);
    const { cases, warnings } = await buildMatrix(run, credentials);
    const base = resultBase(run, warnings);
    if (options.dryRun) return dryRunResult(run, cases, base);
    return await sendAndJudge(run, cases, credentials, base);
  } finally {
    await closeRun(run);
  }
}

/** Controls, then every other case, skew and revocation, then the controls again; then the verdicts. */
async function sendAndJudge(
  run: ProbeRun,
  cases: ProbeCase[],
  credentials: Map<string, ResolvedCredential>,
  base: ResultBase,
): Promise<ProbeResult> {
  const controls = cases.filter((c) => c.control);
  const rest = cases.filter((c) => !c.control);
  const sender = new Sender(run, controls.length * 2 + rest.length);
  const failed = (failures: Awaited<ReturnType<typeof runControls>>, answers = new Map()) =>
    controlFailedResult(run, cases, base, failures, answers, sender.requests);

  const before = await runControls(run, sender, controls, 'before');
  if (before.length) return failed(before);
  const answered = await sender.all(rest);
  const answers = new Map(rest.map((c, i) => [c, answered[i]!] as const));
  const skew = await skewStage(run, sender, cases, credentials);
  const revocations = await revocationStage(run, sender, credentials);
  const after = await runControls(run, sender, controls, 'after');
  if (after.length) return failed(after, answers);

  const { spec } = run;
  const raw = buildFindings(rest, answers, spec.baseUrl);
  const jkuHits = run.jku?.hits() ?? 0;
  if (jkuHits > 0) raw.push(jkuFinding(rest, jkuHits, spec.baseUrl));
  if (skew?.finding) raw.push(skew.finding);
  for (const r of revocations) if (r.finding) raw.push(r.finding);
  const severities = new Map(spec.endpoints.map((e) => [e.id, e.severity]));
  const findings = applySeverityPolicy(raw, spec.severity, severities);
  return judgedResult(run, cases, base, {
    answers,
    revocations,
    findings,
    skew: skew ? { ...skew, finding: undefined } : undefined,
    requests: sender.requests,
  });
}

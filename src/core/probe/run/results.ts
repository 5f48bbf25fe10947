import type { ProbeCase } from '../cases.js';
import { curlCommand } from '../curl.js';
import type { ProbeResponse } from '../http.js';
import type { RevocationResult } from '../revocation.js';
import { casePassed, describeExpected, type ProbeFinding } from '../verdict.js';
import type { ProbeRun } from './setup.js';
import type { ControlFailure, ProbeCaseResult, ProbeResult, ProbeSummary } from './types.js';

/** What a run reports whatever happened: where it ran, the endpoints, the spec warnings. */
export interface ResultBase {
  baseUrl: string;
  source: string;
  endpoints: string[];
  warnings: string[];
}

export function resultBase(run: ProbeRun, warnings: string[]): ResultBase {
  const { spec } = run;
  const endpoints = spec.endpoints.map((e) => e.id);
  return { baseUrl: spec.baseUrl, source: spec.source, endpoints, warnings };
}

/** A summary with nothing judged (dry run, failed controls): the counts filled in by the caller. */
export function summary(
  run: ProbeRun,
  cases: ProbeCase[],
  counts: Partial<ProbeSummary> & { requests: number },
): ProbeSummary {
  return {
    endpoints: run.spec.endpoints.length,
    checks: cases.length,
    passed: 0,
    failed: 0,
    critical: 0,
    error: 0,
    warning: 0,
    baselined: 0,
    ...counts,
    durationMs: performance.now() - run.started,
  };
}

export function caseResult(c: ProbeCase, res?: ProbeResponse): ProbeCaseResult {
  return {
    endpoint: c.endpoint.id,
    case: c.id,
    check: c.check,
    title: c.title,
    control: c.control,
    credential: c.credential,
    expected: describeExpected(c),
    ...(res
      ? { status: res.status, passed: casePassed(c, res), ms: Math.round(res.ms * 10) / 10 }
      : c.control
        ? { passed: true }
        : {}),
  };
}

export function revocationResult(r: RevocationResult): ProbeCaseResult {
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

/** The dry run: the requests the run would send, credentials masked. */
export function dryRunResult(run: ProbeRun, cases: ProbeCase[], base: ResultBase): ProbeResult {
  const { baseUrl } = run.spec;
  const requests = cases.map((c) => ({
    endpoint: c.endpoint.id,
    case: c.id,
    expected: describeExpected(c),
    curl: curlCommand(baseUrl, c.request, c.secrets, c.mintCommand),
  }));
  return {
    ...base,
    dryRun: true,
    status: 'ok',
    cases: cases.map((c) => caseResult(c)),
    findings: [],
    controlFailures: [],
    requests,
    summary: summary(run, cases, { requests: cases.length }),
  };
}

/** A control did not get in (exit 3): nothing else is judged. */
export function controlFailedResult(
  run: ProbeRun,
  cases: ProbeCase[],
  base: ResultBase,
  failures: ControlFailure[],
  answers: Map<ProbeCase, ProbeResponse>,
  requests: number,
): ProbeResult {
  return {
    ...base,
    dryRun: false,
    status: 'control-failed',
    cases: cases.map((c) => caseResult(c, answers.get(c))),
    findings: [],
    controlFailures: failures,
    summary: summary(run, cases, { requests }),
  };
}

/** The judged run: every case and revocation check, the findings and their counts. */
export function judgedResult(
  run: ProbeRun,
  cases: ProbeCase[],
  base: ResultBase,
  judged: {
    answers: Map<ProbeCase, ProbeResponse>;
    revocations: RevocationResult[];
    findings: ProbeFinding[];
    skew: ProbeResult['skew'];
    requests: number;
  },
): ProbeResult {
  const { findings, answers } = judged;
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  const results = [
    ...cases.map((c) => caseResult(c, c.control ? undefined : answers.get(c))),
    ...judged.revocations.map(revocationResult),
  ];
  const nonControl = results.filter((r) => !r.control);
  const controls = cases.filter((c) => c.control).length;
  return {
    ...base,
    dryRun: false,
    status: findings.length ? 'findings' : 'ok',
    cases: results,
    findings,
    controlFailures: [],
    skew: judged.skew,
    summary: summary(run, cases, {
      passed: nonControl.filter((r) => r.passed).length + controls,
      failed: nonControl.filter((r) => !r.passed).length,
      critical: count('critical'),
      error: count('error'),
      warning: count('warning'),
      requests: judged.requests,
    }),
  };
}

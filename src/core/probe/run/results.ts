import type { SkewResult } from '../skew.js';
import type { ProbeCase } from '../cases.js';
import { caseCurl } from '../curl.js';
import type { ProbeResponse } from '../http.js';
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

/** A run's summary: `checks` cases were built; the counts are filled in by the caller. */
export function summary(
  run: ProbeRun,
  checks: number,
  counts: Partial<ProbeSummary> & { requests: number },
): ProbeSummary {
  return {
    endpoints: run.spec.endpoints.length,
    checks,
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
  const result: ProbeCaseResult = {
    endpoint: c.endpoint.id,
    case: c.id,
    check: c.check,
    title: c.title,
    control: c.control,
    credential: c.credential,
    expected: describeExpected(c),
  };
  // Assigned, not spread in: one of these per answer of a run.
  if (res) {
    result.status = res.status;
    result.passed = casePassed(c, res);
    result.ms = Math.round(res.ms * 10) / 10;
  } else if (c.control) result.passed = true;
  return result;
}

/** The dry run: the requests the run would send, credentials masked. */
export function dryRunResult(run: ProbeRun, cases: ProbeCase[], base: ResultBase): ProbeResult {
  const { baseUrl } = run.spec;
  const requests = cases.map((c) => ({
    endpoint: c.endpoint.id,
    case: c.id,
    expected: describeExpected(c),
    curl: caseCurl(baseUrl, c),
  }));
  return {
    ...base,
    dryRun: true,
    status: 'ok',
    cases: cases.map((c) => caseResult(c)),
    findings: [],
    controlFailures: [],
    requests,
    summary: summary(run, cases.length, { requests: cases.length }),
  };
}

/** A control did not get in (exit 3): nothing else is judged; the cases answered so far are listed. */
export function controlFailedResult(
  run: ProbeRun,
  base: ResultBase,
  failures: ControlFailure[],
  counts: { results: ProbeCaseResult[]; checks: number; requests: number },
): ProbeResult {
  return {
    ...base,
    dryRun: false,
    status: 'control-failed',
    cases: counts.results,
    findings: [],
    controlFailures: failures,
    summary: summary(run, counts.checks, { requests: counts.requests }),
  };
}

/** The judged run: every case and stateful check (revocation, rotation), the findings and their counts. */
export function judgedResult(
  run: ProbeRun,
  base: ResultBase,
  judged: {
    /** Controls first, then every other case and check, in run order. */
    results: ProbeCaseResult[];
    checks: number;
    findings: ProbeFinding[];
    skews: SkewResult[];
    rotation?: ProbeResult['rotation'];
    requests: number;
  },
): ProbeResult {
  const { findings, results } = judged;
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  return {
    ...base,
    dryRun: false,
    status: findings.length ? 'findings' : 'ok',
    cases: results,
    findings,
    controlFailures: [],
    // `skew` (the first endpoint's) stays for readers of the older --json shape.
    skew: judged.skews[0],
    ...(judged.skews.length ? { skews: judged.skews } : {}),
    ...(judged.rotation ? { rotation: judged.rotation } : {}),
    summary: summary(run, judged.checks, {
      passed: results.filter((r) => r.passed).length,
      failed: results.filter((r) => !r.control && !r.passed).length,
      critical: count('critical'),
      error: count('error'),
      warning: count('warning'),
      requests: judged.requests,
    }),
  };
}

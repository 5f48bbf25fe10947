import path from 'node:path';
import type { ProbeResult } from '../probe/runner.js';
import type { ProbeSpec } from '../probe/spec.js';
import type { ProbeFinding } from '../probe/verdict.js';
import type {
  MatrixCell,
  ReportCheck,
  ReportDocument,
  ReportMatrix,
  RuleInfo,
} from './document.js';
import type { ReportFinding, RunError } from './finding.js';

/** Columns of the summary matrix: families of cases, each named by its checks. */
export const FAMILIES: ReadonlyArray<readonly [string, (check: string) => boolean]> = [
  ['control', (c) => c === 'control' || c === 'public'],
  [
    'no/bad auth',
    (c) =>
      ['no-credentials', 'malformed-authorization', 'bearer-garbage', 'dev-headers'].includes(c),
  ],
  [
    'claims',
    (c) =>
      [
        'jwt:expired',
        'jwt:not-yet-valid',
        'jwt:wrong-issuer',
        'jwt:wrong-audience',
        'jwt:no-exp',
      ].includes(c),
  ],
  ['forged', (c) => c.startsWith('jwt:') || c === 'revoked'],
  ['tenant', (c) => c.startsWith('tenant:')],
  ['role/scope', (c) => c.startsWith('role:') || c.startsWith('scope:') || c === 'deny'],
  ['apikey', (c) => c.startsWith('apikey:')],
  ['sigv4', (c) => c.startsWith('sigv4:') || c.startsWith('presign:')],
  ['variants', (c) => c.startsWith('variant:')],
];

/** Family index of a check; memoised, as a run has thousands of cases but a few dozen checks. */
function familyIndexer(): (check: string) => number {
  const memo = new Map<string, number>();
  return (check) => {
    let i = memo.get(check);
    if (i === undefined) {
      i = FAMILIES.findIndex(([, test]) => test(check));
      memo.set(check, i < 0 ? FAMILIES.length - 1 : i);
    }
    return memo.get(check)!;
  };
}

const caseKey = (endpoint: string, id: string) => `${endpoint}\u0000${id}`;
const failing = (f: ProbeFinding) => f.severity !== 'warning' && !f.baselined;

/** One pass over the cases: O(cases), whatever the number of endpoints (issue #17). */
export function probeMatrix(result: ProbeResult, spec: ProbeSpec): ReportMatrix {
  const failed = new Set(result.findings.filter(failing).map((f) => caseKey(f.endpoint, f.case)));
  const names = new Map(spec.endpoints.map((e) => [e.id, e.name]));
  const rows = result.endpoints.map((endpoint) => ({
    endpoint,
    ...(names.get(endpoint) ? { name: names.get(endpoint) } : {}),
    cells: FAMILIES.map((): MatrixCell | undefined => undefined),
  }));
  const rowOf = new Map(rows.map((r) => [r.endpoint, r]));
  const familyOf = familyIndexer();
  for (const r of result.cases) {
    const row = rowOf.get(r.endpoint);
    if (!row) continue;
    const i = familyOf(r.check);
    const cell = (row.cells[i] ??= { total: 0, failed: 0 });
    cell.total++;
    if (failed.has(caseKey(r.endpoint, r.case))) cell.failed++;
  }
  return { columns: FAMILIES.map(([name]) => name), rows };
}

/** `GET /v1/orders (list orders)`: the id, and the spec's name when it has one. */
export function endpointLabel(id: string, name?: string): string {
  return name ? `${id} (${name})` : id;
}

function specFile(spec: ProbeSpec): string | undefined {
  const file = spec.source.replace(/ \[probe\]$/, '');
  return path.isAbsolute(file) ? file : undefined;
}

/** Probe findings for every renderer: one rule per check, located at the endpoint's line in the spec. */
export function probeFindings(result: ProbeResult, spec: ProbeSpec): ReportFinding[] {
  const endpoints = new Map(spec.endpoints.map((e) => [e.id, e]));
  const file = specFile(spec);
  return result.findings
    .filter((f) => !f.baselined)
    .map((f) => {
      const endpoint = endpoints.get(f.endpoint);
      return {
        rule: f.check,
        severity: f.severity === 'warning' ? 'warning' : 'error',
        ...(f.severity === 'critical' ? { critical: true } : {}),
        file,
        line: file ? endpoint?.line : undefined,
        subject: endpointLabel(f.endpoint, endpoint?.name),
        message: f.message,
        details: [`case ${f.case}: expected ${f.expected}, got ${f.got}`],
        fix: f.fix,
        curl: f.curl,
        exchange: f.exchange,
        group: f.case,
        key: f.key,
      };
    });
}

/** JUnit checks: one per endpoint × case, the same names whether it held, failed or did not run. */
export function probeChecks(result: ProbeResult, strict: boolean): ReportCheck[] {
  const byCase = new Map<string, ProbeFinding[]>();
  for (const f of result.findings) {
    if (f.baselined) continue;
    const key = caseKey(f.endpoint, f.case);
    const list = byCase.get(key);
    if (list) list.push(f);
    else byCase.set(key, [f]);
  }
  const refused = new Set(
    result.controlFailures.map((f) => caseKey(f.endpoint, f.credential ?? '')),
  );
  const checks: ReportCheck[] = [];
  const seen = new Set<string>();
  for (const r of result.cases) {
    const key = caseKey(r.endpoint, r.case);
    if (seen.has(key)) continue;
    seen.add(key);
    const base = { classname: r.endpoint, name: r.case };
    if (result.status === 'control-failed') {
      checks.push(
        r.control && refused.has(caseKey(r.endpoint, r.credential ?? ''))
          ? {
              ...base,
              outcome: 'failed',
              message: `valid credential "${r.credential}" was refused`,
            }
          : r.control
            ? { ...base, outcome: 'passed' }
            : { ...base, outcome: 'skipped', body: 'not run: a control failed' },
      );
      continue;
    }
    checks.push(checkOf(base, byCase.get(key) ?? [], strict));
    byCase.delete(key);
  }
  for (const [key, findings] of byCase) {
    const [endpoint, name] = key.split('\u0000') as [string, string];
    checks.push(checkOf({ classname: endpoint, name }, findings, strict));
  }
  return checks;
}

function checkOf(
  base: { classname: string; name: string },
  findings: ProbeFinding[],
  strict: boolean,
): ReportCheck {
  if (!findings.length) return { ...base, outcome: 'passed' };
  const fails = findings.some((f) => f.severity !== 'warning' || strict);
  const body = findings
    .flatMap((f) => [
      `${f.severity}: ${f.message}`,
      `  expected ${f.expected}, got ${f.got}`,
      `  fix: ${f.fix}`,
      ...(f.curl ? [`  reproduce: ${f.curl}`] : []),
    ])
    .join('\n');
  return { ...base, outcome: fails ? 'failed' : 'warning', message: findings[0]!.message, body };
}

function probeRules(result: ProbeResult): Record<string, RuleInfo> {
  const titles = new Map<string, string>();
  for (const c of result.cases) if (!titles.has(c.check)) titles.set(c.check, c.title);
  const rules: Record<string, RuleInfo> = {};
  for (const f of result.findings)
    rules[f.check] ??= {
      summary: f.check.startsWith('probe/')
        ? f.message
        : `probe case ${f.check}: ${titles.get(f.check) ?? f.check}`,
      fix: f.fix,
    };
  return rules;
}

/** One line per endpoint whose clock skew was measured. */
export function skewNotes(result: ProbeResult): string[] {
  const skews = result.skews ?? (result.skew ? [result.skew] : []);
  return skews.map(
    (s) =>
      `clock skew: ${s.endpoint} accepts tokens up to ${s.atLeast ? '≥ ' : ''}${s.toleratedSeconds}s past exp (${s.requests} requests, ${s.confirmedFrom ? `as ${s.confirmedFrom}` : `searched up to ${s.upperBoundSeconds}s`})`,
  );
}

/** `key rotation on GET /x: new key accepted after 0.3s (bound 60s), retired key refused never within 60s`. */
export function rotationNote(r: NonNullable<ProbeResult['rotation']>): string {
  const time = (ms: number | undefined, boundMs: number) =>
    ms === undefined
      ? `never within ${boundMs / 1000}s`
      : `after ${(ms / 1000).toFixed(1)}s (bound ${boundMs / 1000}s)`;
  return `key rotation on ${r.endpoint}: new key accepted ${time(r.newKeyAcceptedMs, r.refreshWithinMs)}, retired key refused ${time(r.retiredKeyRefusedMs, r.retireWithinMs)}`;
}

export interface ProbeDocumentOptions {
  version?: string;
  strict?: boolean;
  /** Baseline entries that matched nothing. */
  stale?: readonly string[];
  error?: RunError;
  cwd?: string;
}

/** The probe's result as a ReportDocument, for every renderer of the registry. */
export function probeDocument(
  result: ProbeResult,
  spec: ProbeSpec,
  options: ProbeDocumentOptions = {},
): ReportDocument {
  const open = (sev: string) =>
    result.findings.filter((f) => f.severity === sev && !f.baselined).length;
  const counts = { critical: open('critical'), error: open('error'), warning: open('warning') };
  const s = result.summary;
  const failed = counts.critical + counts.error > 0 || (options.strict && counts.warning > 0);
  return {
    command: 'probe',
    tool: {
      name: 'authctl',
      version: options.version,
      informationUri: 'https://github.com/authctl/authctl',
    },
    verdict: options.error ? 'error' : failed ? 'fail' : 'pass',
    summary: `${s.endpoints} endpoints, ${s.checks} checks, ${s.requests} requests in ${(s.durationMs / 1000).toFixed(2)}s`,
    counts: { ...counts, info: 0 },
    baselined: s.baselined,
    findings: probeFindings(result, spec),
    checks: probeChecks(result, options.strict ?? false),
    rules: probeRules(result),
    error: options.error,
    durationMs: s.durationMs,
    matrix: probeMatrix(result, spec),
    notes: [
      ...skewNotes(result),
      ...(result.rotation ? [rotationNote(result.rotation)] : []),
      ...(options.stale ?? []).map((k) => `baseline entry no longer found (fixed?): ${k}`),
    ],
    cwd: options.cwd,
  };
}

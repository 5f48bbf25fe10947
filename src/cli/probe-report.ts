import path from 'node:path';
import type { ChalkInstance } from 'chalk';
import type { ProbeResult } from '../core/probe/runner.js';
import type { ProbeSpec } from '../core/probe/spec.js';
import type { ProbeFinding } from '../core/probe/verdict.js';
import { redactDeep, redactSecrets } from '../core/mask.js';
import { printable } from '../core/terminal.js';
import { table } from './output.js';
import type { ReportFinding, RunError } from './report/index.js';

/** Every string the probe prints for people: no known or secret-shaped value, no control character. */
const safe = (text: string | number | undefined) => printable(redactSecrets(String(text ?? '')));

/** Columns of the summary matrix: families of cases. */
const FAMILIES: Array<[string, (check: string) => boolean]> = [
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

function family(check: string): string {
  return FAMILIES.find(([, test]) => test(check))![0];
}

/** `key rotation on GET /x: new key accepted after 0.3s (bound 60s), retired key refused never within 60s`. */
function rotationLine(r: NonNullable<ProbeResult['rotation']>): string {
  const time = (ms: number | undefined, boundMs: number) =>
    ms === undefined
      ? `never within ${boundMs / 1000}s`
      : `after ${(ms / 1000).toFixed(1)}s (bound ${boundMs / 1000}s)`;
  return `key rotation on ${safe(r.endpoint)}: new key accepted ${time(r.newKeyAcceptedMs, r.refreshWithinMs)}, retired key refused ${time(r.retiredKeyRefusedMs, r.retireWithinMs)}`;
}

const SEVERITY_ORDER: Record<string, number> = { critical: 0, error: 1, warning: 2 };

export function renderHuman(
  result: ProbeResult,
  c: ChalkInstance,
  options: { verbose: boolean; stale: string[] },
): string {
  const lines: string[] = [];
  const failedKeys = new Set(
    result.findings
      .filter((f) => f.severity !== 'warning' && !f.baselined)
      .map((f) => `${f.endpoint}\u0000${f.case}`),
  );
  const header = ['endpoint', ...FAMILIES.map(([name]) => name)];
  const rows = result.endpoints.map((endpoint) => {
    const cells = FAMILIES.map(([name]) => {
      const cases = result.cases.filter((r) => r.endpoint === endpoint && family(r.check) === name);
      if (!cases.length) return c.dim('·');
      const bad = cases.filter((r) => failedKeys.has(`${endpoint}\u0000${r.case}`)).length;
      return bad ? c.red(`✗ ${bad}/${cases.length}`) : c.green(`✓ ${cases.length}`);
    });
    return [safe(endpoint), ...cells];
  });
  lines.push(table(rows, header), '');
  const findings = [...result.findings].sort(
    (a, b) => SEVERITY_ORDER[a.severity]! - SEVERITY_ORDER[b.severity]!,
  );
  for (const f of findings) {
    const tag =
      f.severity === 'critical'
        ? c.bgRed.white(' CRITICAL ')
        : f.severity === 'error'
          ? c.red('error')
          : c.yellow('warning');
    lines.push(
      `${tag} ${safe(f.endpoint)}  ${c.bold(safe(f.case))}${f.baselined ? c.dim(' (baselined)') : ''}`,
    );
    lines.push(`  ${safe(f.message)}`);
    lines.push(`  expected ${safe(f.expected)}, got ${safe(f.got)}`);
    lines.push(`  ${c.cyan('fix:')} ${safe(f.fix)}`);
    if (f.curl && (options.verbose || f.severity !== 'warning'))
      lines.push(`  ${c.dim(safe(f.curl))}`);
    lines.push('');
  }
  if (result.skew) {
    const s = result.skew;
    lines.push(
      `clock skew: ${safe(s.endpoint)} accepts tokens up to ${s.atLeast ? '≥ ' : ''}${s.toleratedSeconds}s past exp (${s.requests} requests, bisected up to ${s.upperBoundSeconds}s)`,
    );
  }
  if (result.rotation) lines.push(rotationLine(result.rotation));
  for (const key of options.stale)
    lines.push(c.dim(`baseline entry no longer found (fixed?): ${safe(key)}`));
  const s = result.summary;
  const open = (sev: string) =>
    result.findings.filter((f) => f.severity === sev && !f.baselined).length;
  const verdict = open('critical') + open('error') > 0 ? c.red('FAIL') : c.green('PASS');
  lines.push(
    `${verdict}: ${s.endpoints} endpoints, ${s.checks} checks, ${s.requests} requests in ${(s.durationMs / 1000).toFixed(2)}s — ` +
      `${open('critical')} critical, ${open('error')} errors, ${open('warning')} warnings${s.baselined ? `, ${s.baselined} baselined` : ''}`,
  );
  return lines.join('\n');
}

const CONTROL_FAILED_HINT =
  'the spec, the service or the clock is wrong, so no negative result could be trusted: check the service verifies against `authctl keys jwks`, that issuer/audience/tenant_claim/roles_claim in [jwt] match its config, and that allow lists are right';

const controlFailedMessage = (result: ProbeResult) =>
  `control failed: a valid credential did not get in (${result.controlFailures[0]!.phase} the negative cases)`;

function controlFailureLine(f: ProbeResult['controlFailures'][number]): string {
  return `${safe(f.endpoint)} with "${safe(f.credential)}": expected ${safe(f.expected)}, got ${f.got === 0 ? 'no answer within the timeout' : safe(f.got)}`;
}

export function renderControlFailures(result: ProbeResult, c: ChalkInstance): string {
  const lines = [`${c.red('authctl: error:')} ${controlFailedMessage(result)}`];
  for (const f of result.controlFailures) {
    lines.push(`  ${controlFailureLine(f)}`);
    lines.push(`    ${c.dim(safe(f.curl))}`);
  }
  lines.push(`  ${c.cyan('hint:')} ${CONTROL_FAILED_HINT}`);
  return `${lines.join('\n')}\n`;
}

/** The same, for the JUnit error case and the SARIF notification of a run that ended with a failed control. */
export function controlFailureError(result: ProbeResult): RunError {
  return {
    name: PROBE_RUN_CASE,
    code: 'ERR_PROBE_CONTROL_FAILED',
    message: controlFailedMessage(result),
    details: result.controlFailures.flatMap((f) => [
      controlFailureLine(f),
      `  reproduce: ${safe(f.curl)}`,
    ]),
    hint: CONTROL_FAILED_HINT,
  };
}

/** The JUnit test case (and SARIF notification) that stands for the whole run when it could not finish. */
export const PROBE_RUN_CASE = 'probe run';

export function renderDryRun(result: ProbeResult): string {
  const lines = [
    `${result.requests!.length} requests to ${safe(result.baseUrl)} (credentials masked):`,
    '',
  ];
  let endpoint = '';
  for (const r of result.requests!) {
    if (r.endpoint !== endpoint) {
      endpoint = r.endpoint;
      lines.push(safe(endpoint));
    }
    lines.push(`  ${safe(r.case).padEnd(44)} expect ${safe(r.expected)}`);
    lines.push(`    ${safe(r.curl)}`);
  }
  return lines.join('\n');
}

/** The --json document: summary, findings (with curl), every case, skew, key rotation times. */
export function probeJson(result: ProbeResult, exitCode: number) {
  return redactDeep({
    status: result.status,
    exitCode,
    baseUrl: result.baseUrl,
    spec: result.source,
    summary: result.summary,
    findings: result.findings,
    controlFailures: result.controlFailures,
    warnings: result.warnings,
    skew: result.skew,
    ...(result.rotation ? { rotation: result.rotation } : {}),
    cases: result.cases,
  });
}

function specFile(spec: ProbeSpec, cwd?: string): string | undefined {
  const file = spec.source.replace(/ \[probe\]$/, '');
  if (!path.isAbsolute(file)) return undefined;
  return cwd ? path.relative(cwd, file) || file : file;
}

/** Probe findings for the shared renderers (SARIF, GitHub): one rule per check, located at the endpoint's line. */
export function toReportFindings(
  result: ProbeResult,
  spec: ProbeSpec,
  cwd?: string,
): ReportFinding[] {
  const lines = new Map(spec.endpoints.map((e) => [e.id, e.line]));
  const file = specFile(spec, cwd);
  return result.findings.map((f) => ({
    rule: f.check,
    severity: f.severity === 'warning' ? 'warning' : 'error',
    file,
    line: file ? lines.get(f.endpoint) : undefined,
    message: `${f.severity === 'critical' ? 'CRITICAL: ' : ''}${f.endpoint} [${f.case}]: ${f.message} (expected ${f.expected}, got ${f.got})${f.curl ? `\nreproduce: ${f.curl}` : ''}`,
    fix: f.fix,
  }));
}

/** JUnit: one test case per endpoint × case; the name carries both. */
export function toJUnitFindings(result: ProbeResult): ReportFinding[] {
  const open = result.findings.filter((f: ProbeFinding) => !f.baselined);
  return open.map((f) => ({
    rule: `probe/${f.endpoint} ${f.case}`,
    severity: f.severity === 'warning' ? 'warning' : 'error',
    message: `${f.message} (expected ${f.expected}, got ${f.got})${f.curl ? `\nreproduce: ${f.curl}` : ''}`,
    fix: f.fix,
  }));
}

export function passedCaseNames(result: ProbeResult): string[] {
  const failing = new Set(
    result.findings.filter((f) => !f.baselined).map((f) => `${f.endpoint} ${f.case}`),
  );
  return result.cases
    .filter((r) => !failing.has(`${r.endpoint} ${r.case}`))
    .map((r) => `probe/${r.endpoint} ${r.case}`);
}

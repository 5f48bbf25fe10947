import type { ChalkInstance } from 'chalk';
import { NO_COLOR } from './document.js';
import type { ControlFailure, ProbeResult } from '../probe/runner.js';
import { redactDeep, redactSecrets } from '../mask.js';
import { printable } from '../terminal.js';
import type { RenderOptions, ReportDocument } from './document.js';
import { groupBy, severityCounts, type ReportFinding, type RunError } from './finding.js';
import { renderMatrix } from './matrix.js';

/** Every string the probe prints for people: no known or secret-shaped value, no control character. */
const safe = (text: string | number | undefined) => printable(redactSecrets(String(text ?? '')));

const rank = (f: ReportFinding) => (f.critical ? 0 : f.severity === 'error' ? 1 : 2);

function tag(f: ReportFinding, c: ChalkInstance): string {
  if (f.critical) return c.bgRed.white(' CRITICAL ');
  return f.severity === 'error' ? c.red('error') : c.yellow('warning');
}

/**
 * Identical findings once: same check, severity, message and fix on several endpoints is one block
 * ("jwt:no-exp on 4 endpoints") listing the endpoints. One pass to group, one to print: linear.
 */
function renderFindings(doc: ReportDocument, c: ChalkInstance, verbose: boolean): string[] {
  const sorted = [...doc.findings].sort((a, b) => rank(a) - rank(b));
  const groups = groupBy(sorted, (f) =>
    [f.rule, f.severity, f.critical ? 1 : 0, f.group ?? f.message, f.fix].join('\u0000'),
  );
  const lines: string[] = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    const where = group.length === 1 ? safe(first.subject) : `on ${group.length} endpoints`;
    lines.push(`${tag(first, c)} ${c.bold(safe(first.group ?? first.rule))} ${where}`);
    lines.push(`  ${safe(first.message)}`);
    lines.push(`  ${c.cyan('fix:')} ${safe(first.fix)}`);
    const showCurl = verbose || first.severity !== 'warning';
    group.forEach((f, i) => {
      lines.push(
        `  ${group.length > 1 ? `${safe(f.subject)}: ` : ''}${safe(f.details?.join('; '))}`,
      );
      // One reproduction is enough to start from; --verbose prints one per endpoint.
      if (f.curl && showCurl && (verbose || i === 0)) lines.push(`    ${c.dim(safe(f.curl))}`);
    });
    if (group.length > 1 && showCurl && !verbose && group.some((f) => f.curl))
      lines.push(c.dim('    (--verbose prints the curl command of each endpoint)'));
    lines.push('');
  }
  return lines;
}

/** The terminal report: the matrix fitted to the width, grouped findings, skew per endpoint, the verdict. */
export function renderProbeText(doc: ReportDocument, options: RenderOptions = {}): string {
  const c = options.color ?? NO_COLOR;
  const lines: string[] = [];
  if (doc.matrix) lines.push(renderMatrix(doc.matrix, c, options.width ?? 120), '');
  lines.push(...renderFindings(doc, c, options.verbose ?? false));
  for (const note of doc.notes)
    lines.push(note.startsWith('baseline') ? c.dim(safe(note)) : safe(note));
  const n = doc.counts;
  const verdict = doc.verdict === 'pass' ? c.green('PASS') : c.red('FAIL');
  const baselined = doc.baselined ? `, ${doc.baselined} baselined` : '';
  lines.push(`${verdict}: ${doc.summary} — ${severityCounts(n)}${baselined}`);
  return lines.join('\n');
}

const CONTROL_FAILED_HINT =
  'the spec, the service or the clock is wrong, so no negative result could be trusted: check the service verifies against `authctl keys jwks`, that issuer/audience/tenant_claim/roles_claim in [jwt] match its config, and that allow lists are right';

const controlFailedMessage = (result: ProbeResult) =>
  `control failed: a valid credential did not get in (${result.controlFailures[0]!.phase} the negative cases)`;

const got = (f: ControlFailure) => (f.got === 0 ? 'no answer within the timeout' : safe(f.got));

/**
 * Once per endpoint, not once per credential: the status, the service's WWW-Authenticate (it often
 * names the cause) and the start of the body, then the credentials that were refused.
 */
function controlFailureLines(result: ProbeResult): Array<{ text: string; curl?: string }> {
  const out: Array<{ text: string; curl?: string }> = [];
  for (const [endpoint, failures] of groupBy(result.controlFailures, (f) => f.endpoint)) {
    const first = failures[0]!;
    const who = failures.map((f) => `"${safe(f.credential)}"`).join(', ');
    out.push({
      text: `${safe(endpoint)} refused ${who}: expected ${safe(first.expected)}, got ${got(first)}`,
    });
    if (first.wwwAuthenticate)
      out.push({ text: `  WWW-Authenticate: ${safe(first.wwwAuthenticate)}` });
    if (first.body) out.push({ text: `  body: ${safe(first.body)}` });
    out.push({ text: '', curl: safe(first.curl) });
  }
  return out;
}

export function renderControlFailures(result: ProbeResult, c: ChalkInstance): string {
  const lines = [`${c.red('authctl: error:')} ${controlFailedMessage(result)}`];
  for (const line of controlFailureLines(result))
    lines.push(line.curl ? `    ${c.dim(line.curl)}` : `  ${line.text}`);
  lines.push(`  ${c.cyan('hint:')} ${CONTROL_FAILED_HINT}`);
  return `${lines.join('\n')}\n`;
}

/** The JUnit test case (and SARIF notification) that stands for the whole run when it could not finish. */
export const PROBE_RUN_CASE = 'probe run';

/** The same, for the JUnit error case and the SARIF notification of a run that ended with a failed control. */
export function controlFailureError(result: ProbeResult): RunError {
  return {
    name: PROBE_RUN_CASE,
    code: 'ERR_PROBE_CONTROL_FAILED',
    message: controlFailedMessage(result),
    details: controlFailureLines(result).map((l) => (l.curl ? `  reproduce: ${l.curl}` : l.text)),
    hint: CONTROL_FAILED_HINT,
  };
}

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

/** The --json document: summary, findings (with curl), every case, skew per endpoint, key rotation times. */
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
    skews: result.skews,
    ...(result.rotation ? { rotation: result.rotation } : {}),
    cases: result.cases,
  });
}

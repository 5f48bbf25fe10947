import { redactDeep } from '../mask.js';

/** One HTTP exchange behind a finding, credentials already masked (the HTML report shows it). */
export interface ReportExchange {
  request: { method: string; url: string; headers: Record<string, string> };
  response: { status: number; headers: Record<string, string>; body: string };
}

/**
 * The finding shape every report renderer takes: verify-config findings and probe findings
 * both fit it. Keep renderers generic over it.
 */
export interface ReportFinding {
  /** Stable rule id, e.g. `auth/algorithm-not-allowed` or the probe check `jwt:alg-none`. */
  rule: string;
  severity: 'error' | 'warning' | 'info';
  /** An error that lets an attacker in (SARIF security-severity 9.5, "Critical" on GitHub). */
  critical?: boolean;
  file?: string;
  line?: number;
  column?: number;
  /** One line: what is wrong. */
  message: string;
  fix?: string;
  /** What the finding is about when that is not a file position: the probe's endpoint (and name). */
  subject?: string;
  /** Further lines for the bodies of reports (expected/got, the case). */
  details?: string[];
  /** A command that reproduces it (credentials masked or minted again in place). */
  curl?: string;
  exchange?: ReportExchange;
  /** A caret snippet under the finding in text (verify-config's syntax errors). */
  snippet?: string;
  /** Findings with the same group (and rule, severity, fix) are one block in text: the probe's case id. */
  group?: string;
  /**
   * What identifies the finding across runs, without its line (SARIF partialFingerprints): moving
   * a key down a file must not make a "new" alert. Default: rule, file and message.
   */
  key?: string;
}

/** A run that ended without a verdict (exit 3): what the JUnit error case and the SARIF notification say. */
export interface RunError {
  /** Stable test-case name, e.g. `probe run`. */
  name: string;
  /** The error code, e.g. `ERR_PROBE_UNREACHABLE`. */
  code: string;
  /** One line: what happened. */
  message: string;
  /** One line per affected item (endpoint and credential, with its curl). */
  details: string[];
  hint?: string;
}

/** The full text of a RunError: message, details, hint; one per line. */
export function runErrorText(error: RunError): string {
  return [error.message, ...error.details, ...(error.hint ? [`hint: ${error.hint}`] : [])].join(
    '\n',
  );
}

/**
 * The one masking layer in front of every renderer (text, JSON, SARIF, JUnit, GitHub, HTML, curl
 * lines in messages): every string of every finding goes through redactSecrets. Renderers call it first.
 */
export function safeFindings<T extends object>(findings: readonly T[]): T[] {
  return findings.map((f) => redactDeep(f));
}

export function location(finding: ReportFinding): string {
  if (!finding.file) return '';
  if (!finding.line) return finding.file;
  return `${finding.file}:${finding.line}${finding.column ? `:${finding.column}` : ''}`;
}

/** `subject: message`, the one-line form annotations and summaries show. */
export function headline(finding: ReportFinding): string {
  return finding.subject ? `${finding.subject}: ${finding.message}` : finding.message;
}

/** Everything below the headline, one item per line: details, fix, reproduce. */
export function bodyLines(finding: ReportFinding): string[] {
  return [
    ...(finding.details ?? []),
    ...(finding.fix ? [`fix: ${finding.fix}`] : []),
    ...(finding.curl ? [`reproduce: ${finding.curl}`] : []),
  ];
}

/** Findings by one key, in first-seen order (linear: one pass, one map). */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** "0 critical, 1 error, 2 warnings": the counts of a verdict line, each noun in its right number. */
export function severityCounts(n: { critical: number; error: number; warning: number }): string {
  const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
  return `${n.critical} critical, ${plural(n.error, 'error')}, ${plural(n.warning, 'warning')}`;
}

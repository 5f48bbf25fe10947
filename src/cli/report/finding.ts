import { redactDeep } from '../../core/mask.js';

/**
 * The finding shape every report renderer takes: verify-config findings and probe findings
 * both fit it. Keep renderers generic over it.
 */
export interface ReportFinding {
  /** Stable rule id, e.g. `auth/algorithm-not-allowed`. */
  rule: string;
  severity: 'error' | 'warning' | 'info';
  file?: string;
  line?: number;
  column?: number;
  message: string;
  fix?: string;
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
 * The one masking layer in front of every renderer (text, JSON, SARIF, JUnit, GitHub, curl lines in
 * messages): every string of every finding goes through redactSecrets. Renderers call it first.
 */
export function safeFindings<T extends object>(findings: readonly T[]): T[] {
  return findings.map((f) => redactDeep(f));
}

export function location(finding: ReportFinding): string {
  if (!finding.file) return '';
  if (!finding.line) return finding.file;
  return `${finding.file}:${finding.line}${finding.column ? `:${finding.column}` : ''}`;
}

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

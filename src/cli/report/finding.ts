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

export function location(finding: ReportFinding): string {
  if (!finding.file) return '';
  if (!finding.line) return finding.file;
  return `${finding.file}:${finding.line}${finding.column ? `:${finding.column}` : ''}`;
}

import type { ChalkInstance } from 'chalk';
import { NO_COLOR } from './document.js';
import { redactSecrets } from '../mask.js';
import { printable } from '../terminal.js';
import { safeFindings, type ReportFinding } from './finding.js';

export interface TextOptions {
  color?: ChalkInstance;
  /** Extra lines shown under a finding (caret snippets), by finding. */
  snippet?: (finding: ReportFinding) => string | undefined;
}

/**
 * Human report: findings grouped by file, `line:col  severity  message  rule`, then the fix.
 * Linear in the number of findings (100k findings render in about the time --json takes).
 * Values quoted from a checked file may hold control characters (`"\u001b[2J"`) or secrets: both
 * are taken out before anything reaches the terminal.
 */
export function renderText(findings: readonly ReportFinding[], options: TextOptions = {}): string {
  const c = options.color ?? NO_COLOR;
  const groups = new Map<string, { original: ReportFinding; safe: ReportFinding }[]>();
  const safe = safeFindings(findings);
  findings.forEach((original, i) => {
    const key = original.file ?? '(no file)';
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push({ original, safe: safe[i]! });
  });
  const paint = { error: c.red, warning: c.yellow, info: c.blue };
  const where = (f: ReportFinding) => (f.line ? `${f.line}:${f.column ?? 1}` : '-');
  const out: string[] = [];
  for (const [file, list] of groups) {
    out.push(c.underline(printable(redactSecrets(file))));
    let width = 0;
    for (const { safe: f } of list) width = Math.max(width, where(f).length);
    for (const { original, safe: f } of list) {
      out.push(
        `  ${c.dim(where(f).padEnd(width))}  ${paint[f.severity](f.severity.padEnd(7))}  ${printable(f.message)}  ${c.dim(printable(f.rule))}`,
      );
      if (f.fix)
        out.push(`  ${' '.repeat(width)}  ${' '.repeat(7)}  ${c.cyan('fix:')} ${printable(f.fix)}`);
      // The snippet is looked up by the caller's own finding object.
      const snippet = options.snippet?.(original) ?? original.snippet;
      if (snippet) out.push(printable(redactSecrets(snippet)));
    }
    out.push('');
  }
  return out.join('\n');
}

export function summaryLine(
  counts: Record<'error' | 'warning' | 'info', number>,
  files: number,
  color: ChalkInstance,
): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const text = `${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.info, 'note')} in ${plural(files, 'file')}`;
  return counts.error ? color.red(text) : counts.warning ? color.yellow(text) : color.green(text);
}

/** verify-config's terminal report through the registry: findings by file (the summary line goes to stderr). */
export function renderFindingsText(
  doc: { findings: readonly ReportFinding[] },
  options: { color?: ChalkInstance; snippet?: (finding: ReportFinding) => string | undefined },
): string {
  return renderText(doc.findings, options);
}

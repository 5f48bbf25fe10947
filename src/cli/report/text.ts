import type { ChalkInstance } from 'chalk';
import { printable } from '../../core/printable.js';
import type { ReportFinding } from './finding.js';

export interface TextOptions {
  color: ChalkInstance;
  /** Extra lines shown under a finding (caret snippets), by finding. */
  snippet?: (finding: ReportFinding) => string | undefined;
}

/** Human report: findings grouped by file, `line:col  severity  message  rule`, then the fix. */
export function renderText(findings: readonly ReportFinding[], options: TextOptions): string {
  const c = options.color;
  const groups = new Map<string, ReportFinding[]>();
  for (const f of findings) {
    const key = f.file ?? '(no file)';
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const paint = { error: c.red, warning: c.yellow, info: c.blue };
  const out: string[] = [];
  for (const [file, list] of groups) {
    out.push(c.underline(printable(file)));
    const width = Math.max(...list.map((f) => (f.line ? `${f.line}:${f.column ?? 1}` : '-').length));
    for (const f of list) {
      const where = (f.line ? `${f.line}:${f.column ?? 1}` : '-').padEnd(width);
      out.push(`  ${c.dim(where)}  ${paint[f.severity](f.severity.padEnd(7))}  ${printable(f.message)}  ${c.dim(f.rule)}`);
      if (f.fix) out.push(`  ${' '.repeat(width)}  ${' '.repeat(7)}  ${c.cyan('fix:')} ${printable(f.fix)}`);
      const snippet = options.snippet?.(f);
      if (snippet) out.push(snippet);
    }
    out.push('');
  }
  return out.join('\n');
}

export function summaryLine(counts: Record<'error' | 'warning' | 'info', number>, files: number, color: ChalkInstance): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const text = `${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.info, 'note')} in ${plural(files, 'file')}`;
  return counts.error ? color.red(text) : counts.warning ? color.yellow(text) : color.green(text);
}

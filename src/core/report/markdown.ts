import { redactSecrets } from '../mask.js';
import type { RenderOptions, ReportDocument, ReportMatrix } from './document.js';
import { groupBy, location, safeFindings, type ReportFinding } from './finding.js';
import { endpointLabel } from './probe.js';

/** Table cells and inline text: no pipe, no newline, no HTML a summary would render. */
const cell = (s: string) =>
  redactSecrets(s)
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|');
/** A fenced block that no backtick run inside can close. */
const fence = (s: string) => {
  const ticks = '`'.repeat(Math.max(3, ...[...s.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return `${ticks}sh\n${redactSecrets(s)}\n${ticks}`;
};

function matrixTable(matrix: ReportMatrix): string[] {
  const used = matrix.columns.map((_, i) => matrix.rows.some((r) => r.cells[i]));
  const columns = matrix.columns.filter((_, i) => used[i]);
  const lines = [
    `| endpoint | ${columns.join(' | ')} |`,
    `|---|${columns.map(() => ':-:').join('|')}|`,
  ];
  for (const row of matrix.rows) {
    const cells = row.cells
      .filter((_, i) => used[i])
      .map((c) => (!c ? '·' : c.failed ? `❌ ${c.failed}/${c.total}` : `✅ ${c.total}`));
    lines.push(`| ${cell(endpointLabel(row.endpoint, row.name))} | ${cells.join(' | ')} |`);
  }
  return lines;
}

const icon = (f: ReportFinding) =>
  f.critical
    ? '🟥 critical'
    : f.severity === 'error'
      ? '🔴 error'
      : f.severity === 'warning'
        ? '🟡 warning'
        : 'ℹ️ note';

/** Findings grouped by rule: the fix once, then each place with its detail and a curl to reproduce. */
function findingSections(findings: ReportFinding[], doc: ReportDocument): string[] {
  const lines: string[] = [];
  for (const [rule, group] of groupBy(findings, (f) => f.rule)) {
    const first = group[0]!;
    const summary = doc.rules[rule]?.summary;
    lines.push(`### ${icon(first)} \`${cell(rule)}\` (${group.length})`, '');
    if (summary && summary !== rule) lines.push(cell(summary), '');
    const fix = doc.rules[rule]?.fix ?? first.fix;
    if (fix) lines.push(`**Fix:** ${cell(fix)}`, '');
    for (const f of group) {
      const where = f.subject ?? location(f);
      lines.push(`- ${where ? `**${cell(where)}**: ` : ''}${cell(f.message)}`);
      for (const d of f.details ?? []) lines.push(`  ${cell(d)}`);
    }
    const curls = group.filter((f) => f.curl).map((f) => `# ${f.subject ?? f.rule}\n${f.curl}`);
    if (curls.length)
      lines.push(
        '',
        '<details><summary>reproduce</summary>',
        '',
        fence(curls.join('\n')),
        '',
        '</details>',
      );
    lines.push('');
  }
  return lines;
}

/**
 * A GitHub job summary (`$GITHUB_STEP_SUMMARY`) or any Markdown page: verdict and counts, the probe's
 * matrix as a table, the findings grouped by rule with their fix and a curl to reproduce.
 */
export function renderMarkdown(doc: ReportDocument, _options?: RenderOptions): string {
  const findings = safeFindings(doc.findings);
  const n = doc.counts;
  const verdict =
    doc.verdict === 'pass'
      ? '✅ passed'
      : doc.verdict === 'fail'
        ? '❌ failed'
        : '⚠️ could not finish';
  const lines = [
    `## authctl ${doc.command}: ${verdict}`,
    '',
    `${cell(doc.summary)}`,
    '',
    '| critical | errors | warnings | notes |',
    '|:-:|:-:|:-:|:-:|',
    `| ${n.critical} | ${n.error} | ${n.warning} | ${n.info} |`,
    '',
  ];
  if (doc.error) {
    lines.push(`> **${cell(doc.error.code)}**: ${cell(doc.error.message)}`);
    for (const d of doc.error.details) lines.push(`> ${cell(d)}`);
    if (doc.error.hint) lines.push(`>`, `> hint: ${cell(doc.error.hint)}`);
    lines.push('');
  }
  if (doc.matrix?.rows.length) lines.push(...matrixTable(doc.matrix), '');
  if (findings.length) lines.push(...findingSections(findings, doc));
  for (const note of doc.notes) lines.push(`- ${cell(note)}`);
  return `${lines.join('\n').trimEnd()}\n`;
}

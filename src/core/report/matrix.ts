import type { ChalkInstance } from 'chalk';
import { redactSecrets } from '../mask.js';
import { printable } from '../terminal.js';
import type { MatrixCell, ReportMatrix } from './document.js';
import { endpointLabel } from './probe.js';

/** Short column names, used when the full ones do not fit. */
const SHORT: Record<string, string> = {
  control: 'ctrl',
  'no/bad auth': 'auth',
  claims: 'claim',
  forged: 'forge',
  tenant: 'tenant',
  'role/scope': 'role',
  apikey: 'key',
  sigv4: 'sigv4',
  variants: 'var',
};
const MIN_LABEL = 24;
const GAP = 2;

const visible = (s: string) => [...s.replace(/\x1b\[[0-9;]*m/g, '')].length;
const safe = (s: string) => printable(redactSecrets(s));

function cellText(cell: MatrixCell | undefined): string {
  if (!cell) return '·';
  return cell.failed ? `✗ ${cell.failed}/${cell.total}` : `✓ ${cell.total}`;
}

/** `GET /v1/tenants/…/orders/{id}`: keeps the method and the end of the path, which tell endpoints apart. */
function shorten(label: string, width: number): string {
  const chars = [...label];
  if (chars.length <= width) return label;
  const head = Math.ceil((width - 1) / 3);
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - (width - 1 - head)).join('')}`;
}

/**
 * The matrix laid out for `width` columns, by design rather than by the terminal's wrapping: families
 * no endpoint has are dropped; then column names are shortened; then endpoint labels are shortened in
 * the middle; below MIN_LABEL, each endpoint's label goes on its own line above its cells.
 */
export function renderMatrix(matrix: ReportMatrix, c: ChalkInstance, width: number): string {
  const used = matrix.columns.map((_, i) => matrix.rows.some((r) => r.cells[i]));
  const columns = matrix.columns.filter((_, i) => used[i]);
  const texts = matrix.rows.map((r) => r.cells.filter((_, i) => used[i]).map(cellText));
  const labels = matrix.rows.map((r) => safe(endpointLabel(r.endpoint, r.name)));
  const layout = (names: string[]) => {
    const widths = names.map((n, i) => Math.max(visible(n), ...texts.map((t) => visible(t[i]!))));
    return { names, widths, total: widths.reduce((a, w) => a + w + GAP, 0) };
  };
  const full = layout(columns);
  const cells = full.total + MIN_LABEL <= width ? full : layout(columns.map((n) => SHORT[n] ?? n));
  const room = width - cells.total;
  const longest = Math.max(visible('endpoint'), ...labels.map(visible));
  const paint = (t: string) => (t === '·' ? c.dim(t) : t.startsWith('✗') ? c.red(t) : c.green(t));
  const row = (first: string, firstWidth: number, values: string[], colour: boolean) =>
    [
      first.padEnd(firstWidth),
      ...values.map((v, i) => (colour ? paint(v) : v) + ' '.repeat(cells.widths[i]! - visible(v))),
    ]
      .join(' '.repeat(GAP))
      .trimEnd();
  if (room >= MIN_LABEL || room >= longest) {
    const labelWidth = Math.min(longest, room);
    return [
      row('endpoint', labelWidth, cells.names, false),
      ...labels.map((l, i) => row(shorten(l, labelWidth), labelWidth, texts[i]!, true)),
    ].join('\n');
  }
  // Too narrow for a label column: the label on its own line, the cells indented under it.
  const lines = [row('', 2, cells.names, false)];
  labels.forEach((l, i) => lines.push(shorten(l, width), row('', 2, texts[i]!, true)));
  return lines.join('\n');
}

import { redactSecrets } from '../mask.js';
import type { RenderOptions, ReportDocument, ReportMatrix } from './document.js';
import {
  safeFindings,
  severityCounts,
  type ReportExchange,
  type ReportFinding,
} from './finding.js';
import { endpointLabel } from './probe.js';

const esc = (s: string | number | undefined) =>
  redactSecrets(String(s ?? ''))
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '�')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

/** Small on purpose (it ships in the npm package): system fonts, AA contrast, no script, no request. */
const STYLE = `body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1f24;background:#fff}
main{max-width:1100px;margin:0 auto;padding:16px}h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}
.pass{background:#dafbe1;color:#0a3d1a}.fail{background:#ffebe9;color:#82071e}.none{color:#57606a}
.scroll{overflow-x:auto}table{border-collapse:collapse}th,td{padding:4px 8px;border:1px solid #d0d7de;text-align:left}
td.c{text-align:center;white-space:nowrap}details{border:1px solid #d0d7de;border-radius:6px;margin:8px 0;padding:6px 10px}
summary{cursor:pointer;font-weight:600}.sev{display:inline-block;padding:0 6px;border-radius:4px;margin-right:6px}
.critical{background:#82071e;color:#fff}.error{background:#cf222e;color:#fff}.warning{background:#9a6700;color:#fff}
pre{background:#f6f8fa;padding:8px;overflow-x:auto;white-space:pre-wrap;word-break:break-all}code{word-break:break-all}`;

function matrixTable(matrix: ReportMatrix): string {
  const used = matrix.columns.map((_, i) => matrix.rows.some((r) => r.cells[i]));
  const head = matrix.columns
    .filter((_, i) => used[i])
    .map((c) => `<th scope="col">${esc(c)}</th>`);
  const rows = matrix.rows.map((row) => {
    const cells = row.cells
      .filter((_, i) => used[i])
      .map((c) =>
        !c
          ? '<td class="c none">·</td>'
          : c.failed
            ? `<td class="c fail">✗ ${c.failed}/${c.total}<span class="none"> failed</span></td>`
            : `<td class="c pass">✓ ${c.total}</td>`,
      );
    return `<tr><th scope="row">${esc(endpointLabel(row.endpoint, row.name))}</th>${cells.join('')}</tr>`;
  });
  return `<div class="scroll" tabindex="0" role="region" aria-label="matrix"><table><thead><tr><th scope="col">endpoint</th>${head.join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

const headerList = (headers: Record<string, string>) =>
  Object.entries(headers)
    .map(([k, v]) => `${esc(k)}: ${esc(v)}`)
    .join('\n');

function exchangeHtml(x: ReportExchange): string {
  return `<h3>Request</h3><pre>${esc(x.request.method)} ${esc(x.request.url)}\n${headerList(x.request.headers)}</pre>
<h3>Response</h3><pre>HTTP ${esc(x.response.status)}\n${headerList(x.response.headers)}${x.response.body ? `\n\n${esc(x.response.body)}` : ''}</pre>`;
}

function findingHtml(f: ReportFinding): string {
  const sev = f.critical ? 'critical' : f.severity;
  return `<details><summary><span class="sev ${sev}">${sev}</span><code>${esc(f.group ?? f.rule)}</code> ${esc(f.subject ?? f.file)}</summary>
<p>${esc(f.message)}</p>${(f.details ?? []).map((d) => `<p>${esc(d)}</p>`).join('')}
${f.fix ? `<p><strong>Fix:</strong> ${esc(f.fix)}</p>` : ''}${f.exchange ? exchangeHtml(f.exchange) : ''}
${f.curl ? `<h3>Reproduce</h3><pre>${esc(f.curl)}</pre>` : ''}</details>`;
}

/**
 * One self-contained HTML file: no script, no stylesheet or font to fetch (a CSP forbids any request),
 * the matrix in colour (and in text, for who cannot see it), each finding a <details> with the request,
 * the response status, headers and body start (credentials masked) and the curl to reproduce it.
 */
export function renderHtml(doc: ReportDocument, _options?: RenderOptions): string {
  const findings = safeFindings(doc.findings);
  const n = doc.counts;
  const verdict =
    doc.verdict === 'pass' ? 'passed' : doc.verdict === 'fail' ? 'failed' : 'could not finish';
  const error = doc.error
    ? `<h2>${esc(doc.error.code)}</h2><p>${esc(doc.error.message)}</p><pre>${esc([...doc.error.details, ...(doc.error.hint ? [`hint: ${doc.error.hint}`] : [])].join('\n'))}</pre>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>authctl ${esc(doc.command)}: ${verdict}</title><style>${STYLE}</style></head>
<body><main><h1>authctl ${esc(doc.command)}: ${verdict}</h1>
<p>${esc(doc.summary)}: ${severityCounts(n)}${doc.baselined ? `, ${doc.baselined} baselined` : ''}.</p>
${error}${doc.matrix?.rows.length ? `<h2>Matrix</h2>${matrixTable(doc.matrix)}` : ''}
<h2>Findings (${findings.length})</h2>
${findings.length ? findings.map(findingHtml).join('\n') : '<p>None.</p>'}
${doc.notes.length ? `<h2>Notes</h2><ul>${doc.notes.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>` : ''}
</main></body></html>
`;
}

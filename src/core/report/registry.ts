import type { Renderer, RenderOptions, ReportDocument, ReportFormat } from './document.js';
import { renderGitHub } from './github.js';
import { renderHtml } from './html.js';
import { renderJUnit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderProbeText } from './probe-text.js';
import { renderSarif } from './sarif.js';
import { renderFindingsText } from './text.js';

/**
 * Every report format, one renderer each, all taking a ReportDocument: verify-config, probe and the
 * GitHub Action render through this table. A new format is one file and one line here; the compiler
 * lists every command that must offer it.
 */
export const RENDERERS: Record<ReportFormat, Renderer> = {
  text: (doc, options) =>
    doc.command === 'probe' ? renderProbeText(doc, options) : renderFindingsText(doc, options),
  github: renderGitHub,
  sarif: renderSarif,
  junit: (doc) => renderJUnit(doc),
  markdown: renderMarkdown,
  html: renderHtml,
};

export const REPORT_FORMATS = Object.keys(RENDERERS) as ReportFormat[];

/**
 * Renders a report document (probe or verify-config) in one format through the registry: the text
 * for stdout or a report file (JUnit, SARIF, Markdown, HTML, GitHub annotations, text).
 */
export function render(
  format: ReportFormat,
  doc: ReportDocument,
  options: RenderOptions = {},
): string {
  return RENDERERS[format](doc, options);
}

// Report rendering shared by verify-config, probe and the GitHub Action: build a ReportDocument from a
// command's result (probeDocument, verifyDocument), then render it in any format of RENDERERS.
export type {
  ReportCheck,
  ReportDocument,
  ReportFormat,
  ReportMatrix,
  RenderOptions,
  Renderer,
  RuleInfo,
} from './document.js';
export {
  type ReportExchange,
  type ReportFinding,
  type RunError,
  location,
  safeFindings,
} from './finding.js';
export { RENDERERS, REPORT_FORMATS, render } from './registry.js';
export { renderText, summaryLine, type TextOptions } from './text.js';
export { probeDocument, type ProbeDocumentOptions } from './probe.js';
export { VERIFY_UNREACHABLE, verifyDocument, type VerifyDocumentInput } from './verify.js';
export {
  controlFailureError,
  PROBE_RUN_CASE,
  probeJson,
  renderControlFailures,
  renderDryRun,
} from './probe-text.js';

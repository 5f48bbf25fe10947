// Report renderers shared by verify-config and probe: generic over ReportFinding.
export { type ReportFinding, location, safeFindings } from './finding.js';
export { renderGitHub } from './github.js';
export { renderSarif, type SarifOptions } from './sarif.js';
export { renderJUnit, type JUnitOptions } from './junit.js';
export { renderText, summaryLine, type TextOptions } from './text.js';

import type { ChalkInstance } from 'chalk';
import type { ReportFinding, RunError } from './finding.js';

/** Every report format a command can render through the registry (JSON is each command's own contract). */
export type ReportFormat = 'text' | 'github' | 'sarif' | 'junit' | 'markdown' | 'html';

export interface RuleInfo {
  /** One line: what the rule checks. */
  summary: string;
  /** How to fix what it finds (SARIF rule help, the Markdown summary). */
  fix?: string;
  /** Why it matters, beyond the summary (SARIF rule help). */
  explain?: string;
}

/**
 * One check the command ran, whatever its outcome: JUnit test cases are made from these, so a
 * check keeps its classname and name between a passing and a failing run (CI test history).
 */
export interface ReportCheck {
  classname: string;
  name: string;
  outcome: 'passed' | 'failed' | 'warning' | 'skipped';
  /** One line, for the failure's message attribute. */
  message?: string;
  /** The full text (details, fix, reproduce), for the element's body. */
  body?: string;
}

export interface MatrixCell {
  total: number;
  failed: number;
}

/** The probe's summary: one row per endpoint, one column per family of cases. */
export interface ReportMatrix {
  columns: string[];
  rows: Array<{ endpoint: string; name?: string; cells: Array<MatrixCell | undefined> }>;
}

/** What a command hands to any renderer: built once from its result, rendered in any format. */
export interface ReportDocument {
  command: 'probe' | 'verify-config';
  tool: { name: string; version?: string; informationUri: string };
  verdict: 'pass' | 'fail' | 'error';
  /** One line: `3 endpoints, 120 checks, 96 requests in 0.41s`. */
  summary: string;
  counts: { critical: number; error: number; warning: number; info: number };
  /** Findings a baseline accepted (not in `findings`). */
  baselined?: number;
  findings: ReportFinding[];
  checks: ReportCheck[];
  rules: Record<string, RuleInfo>;
  /** The run itself failed: the JUnit error case and the SARIF notification say why. */
  error?: RunError;
  durationMs?: number;
  matrix?: ReportMatrix;
  /** Lines under the findings: skew per endpoint, stale baseline entries. */
  notes: string[];
  /** Files the findings point into were made relative to this directory. */
  cwd?: string;
}

export interface RenderOptions {
  /** Colours for the text format (the CLI passes its per-stream chalk); none when absent. */
  color?: ChalkInstance;
  /** Terminal columns (text): the matrix is laid out to fit. */
  width?: number;
  /**
   * The repository root (`$GITHUB_WORKSPACE`, else the working directory): annotation paths and
   * SARIF uris are made relative to it, so they attach under `working-directory:`.
   */
  root?: string;
  verbose?: boolean;
  /** Extra lines under a finding in text (verify-config's caret snippets). */
  snippet?: (finding: ReportFinding) => string | undefined;
}

export type Renderer = (doc: ReportDocument, options: RenderOptions) => string;

/**
 * Plain text for library callers that pass no chalk: every style (and chain of styles) returns its
 * text unchanged, so renderers need not know whether colour is on.
 */
export const NO_COLOR: ChalkInstance = new Proxy((text: unknown) => String(text), {
  get: () => NO_COLOR,
}) as unknown as ChalkInstance;

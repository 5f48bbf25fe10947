// fs.promises on first use, not node:fs/promises at load: loading it costs ~1.5 ms of every verify-config start.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../core/fs/atomic.js';
import { authctlVersion } from '../version.js';
import type { RenderOptions, ReportDocument, ReportFormat } from '../../core/report/document.js';
import {
  verifyDocument,
  VERIFY_UNREACHABLE,
  type VerifyDocumentInput,
} from '../../core/report/verify.js';
import type { RunError } from '../../core/report/finding.js';
import type { AuthctlError, RenderedError } from '../../core/errors.js';
import { flagNamer } from '../fields.js';
import { noColor } from '../output.js'; // files never get colour
import type { CliContext } from '../context.js';

/**
 * The repository root reports are relative to: $GITHUB_WORKSPACE in GitHub Actions (annotations and
 * SARIF then attach even when the step runs under `working-directory:`), else the working directory.
 */
export function reportRoot(ctx: Pick<CliContext, 'env' | 'cwd'>): string {
  return ctx.env.GITHUB_WORKSPACE ? path.resolve(ctx.cwd, ctx.env.GITHUB_WORKSPACE) : ctx.cwd;
}

/** Report files by format (`--junit probe.xml` → junit: 'probe.xml'). */
export type ReportFiles = Partial<Record<ReportFormat, string>>;

/**
 * Writes each requested report file (temp + fsync + rename). A file that cannot be written only warns:
 * on a failed run the run's own error is what the user must see, and on a good one the others still land.
 */
export async function writeReportFiles(
  deps: Pick<CliContext, 'env' | 'cwd'> & { globals: { verbose: boolean } },
  io: { warn(message: string): void },
  doc: ReportDocument,
  files: ReportFiles,
): Promise<void> {
  const options: RenderOptions = {
    color: noColor,
    width: 120,
    root: reportRoot(deps),
    verbose: deps.globals.verbose,
  };
  // Every renderer: only when report files are asked for (a text run loads the text renderer alone).
  const { render } = await import('../../core/report/registry.js');
  for (const [format, file] of Object.entries(files) as Array<[ReportFormat, string | undefined]>) {
    if (!file) continue;
    await writeFileAtomic(path.resolve(deps.cwd, file), render(format, doc, options)).catch(
      (e: unknown) => io.warn(`could not write ${file}: ${(e as Error).message}`),
    );
  }
}

/** In GitHub Actions ($GITHUB_STEP_SUMMARY set), the Markdown summary is appended to the job summary. */
export async function appendStepSummary(
  ctx: Pick<CliContext, 'env' | 'cwd'>,
  io: { warn(message: string): void },
  doc: ReportDocument,
): Promise<void> {
  const file = ctx.env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  const { renderMarkdown } = await import('../../core/report/markdown.js');
  await fs
    .appendFile(file, renderMarkdown(doc, { color: noColor, root: reportRoot(ctx) }))
    .catch((e: unknown) =>
      io.warn(`could not append to $GITHUB_STEP_SUMMARY: ${(e as Error).message}`),
    );
}

/**
 * The formats whose output is a report file (on stdout or -o FILE), not lines for a terminal or a
 * script: a run that ends in an error still gets one, saying what happened.
 */
export const FILE_FORMATS: ReadonlySet<string> = new Set(['markdown', 'sarif', 'junit', 'html']);

/**
 * The report of a run that ended in `error` with no result: one JUnit error case (`name`), one SARIF
 * notification. Also the error as main.ts names it on stderr, so the report and the terminal agree.
 */
export function failureReport(
  command: ReportDocument['command'],
  cwd: string,
  name: string,
  error: AuthctlError,
): { doc: ReportDocument; shown: RenderedError } {
  const shown = error.render(flagNamer(undefined));
  const runError: RunError = {
    name,
    code: shown.code,
    message: shown.message,
    details: shown.where ? [`at ${shown.where}`] : [],
    hint: shown.hint,
  };
  const doc: ReportDocument = {
    command,
    tool: {
      name: 'authctl',
      version: authctlVersion(),
      informationUri: 'https://github.com/authctl/authctl',
    },
    verdict: 'error',
    summary: runError.message,
    counts: { critical: 0, error: 0, warning: 0, info: 0 },
    findings: [],
    checks: [],
    rules: {},
    error: runError,
    notes: [],
    cwd,
  };
  return { doc, shown };
}

/** verify-config's report document: its result, the rule catalogue, this version, the baseline. */
export async function verifyReport(
  ctx: Pick<CliContext, 'cwd'>,
  result: Omit<VerifyDocumentInput, 'rules'> & {
    requiredUnreachable: boolean;
    /** The checked profiles' own rules, beside the built-in RULES. */
    rules: VerifyDocumentInput['rules'];
  },
  options: { strict?: boolean; baseline?: { baselined: number; stale: string[] } },
): Promise<ReportDocument> {
  const { RULES } = await import('../../core/verify/rules.js');
  return verifyDocument({
    ...result,
    rules: { ...RULES, ...result.rules },
    version: authctlVersion(),
    strict: options.strict,
    baselined: options.baseline?.baselined,
    stale: options.baseline?.stale,
    cwd: ctx.cwd,
    ...(result.requiredUnreachable ? { error: VERIFY_UNREACHABLE } : {}),
  });
}

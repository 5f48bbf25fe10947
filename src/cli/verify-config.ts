import path from 'node:path';
import { Option } from 'commander';
import { parseDuration } from '../core/duration.js';
import { AuthctlError, EXIT_CODES, usageError } from '../core/errors.js';
import { PROFILE_TITLES } from '../core/verify/init-styles.js';
import type { Finding } from '../core/verify/types.js';
import type { VerifyConfigResult } from '../core/verify/verify.js';
import { verb, type Deps, type Io, type RenderContext, type Result } from './command.js';
import type { RenderOptions, ReportDocument, ReportFormat } from '../core/report/document.js';
import { safeFindings } from '../core/report/finding.js';
import { renderFindingsText, summaryLine } from '../core/report/text.js';
import { VERIFY_UNREACHABLE } from '../core/report/verify.js';
import {
  appendStepSummary,
  failureReport,
  FILE_FORMATS,
  reportRoot,
  verifyReport,
} from './report/write.js';
import { configuredProfiles, verifyInfo, type VerifyInfoFlags } from './verify-extra.js';

const EXIT_HELP = `
Exit codes:
  0  no errors (warnings allowed unless --strict)
  1  errors found (or warnings with --strict)
  2  usage error, unreadable file, or a syntax error in a file
  3  --online and an issuer the config cannot start without is unreachable
`;

interface VerifyFlags extends VerifyInfoFlags {
  baseline?: string;
  writeBaseline?: string;
  profile?: string;
  target: string;
  envFile: string[];
  fromEnv?: boolean;
  online?: boolean;
  timeout: string;
  strict?: boolean;
  config?: string;
  format?: string;
  json?: boolean;
}

/** The formats rendered through the report registry (text needs only its own renderer). */
const REPORT_FORMATS = ['github', 'sarif', 'junit', 'markdown'] as const;
type RegistryFormat = (typeof REPORT_FORMATS)[number];

function parseVerifyConfig({ args, flags }: { args: unknown[]; flags: VerifyFlags }) {
  const timeoutMs = Math.round(parseDuration(flags.timeout, '--timeout') * 1000);
  if (!(timeoutMs > 0))
    throw usageError('ERR_BAD_TIMEOUT', '--timeout must be positive', {
      where: '--timeout',
      hint: '--timeout 5s',
    });
  let files = (args[0] as string[] | undefined) ?? [];
  // `authctl --config FILE verify-config` checks that file when no FILES are given.
  if (files.length === 0 && flags.config && !flags.fromEnv && flags.envFile.length === 0)
    files = [flags.config];
  return {
    files,
    info: { listRules: flags.listRules, listProfiles: flags.listProfiles, explain: flags.explain },
    profile: flags.profile,
    target: flags.target,
    envFiles: flags.envFile,
    fromEnv: flags.fromEnv === true,
    online: flags.online ? { timeoutMs } : (false as const),
    strict: flags.strict === true,
    baseline: flags.baseline,
    writeBaseline: flags.writeBaseline,
    format: flags.json ? 'json' : (flags.format ?? 'text'),
    /** Which renderers `run` loads: every format but text and json is the registry's. */
    registry: (REPORT_FORMATS as readonly string[]).includes(flags.format ?? ''),
  };
}
type VerifyConfigOptions = ReturnType<typeof parseVerifyConfig>;

interface Report {
  result: VerifyConfigResult;
  strict: boolean;
  failed: boolean;
  baseline?: { baselined: number; stale: string[] };
  /** The same result for the report registry (github, sarif, junit, markdown, text). */
  doc: ReportDocument;
  /** The registry's render, loaded by `run` for --format github/sarif/junit/markdown only. */
  render?: (format: ReportFormat, doc: ReportDocument, options: RenderOptions) => string;
  /** $GITHUB_WORKSPACE or the working directory: annotation paths and SARIF uris are relative to it. */
  root: string;
}
type Value =
  | { info: { data: unknown; text: string } }
  | { report: Report }
  /** A run that ended in an error while a report format was chosen: the report says what happened. */
  | { failed: { doc: ReportDocument; render?: Report['render'] } };

/**
 * A run that ends in an error (a FILES entry missing or unreadable, an unknown profile) still appends
 * the job summary, and `--format sarif|junit|markdown` (stdout or -o FILE) still gets its report, with
 * the same exit code and the error line on stderr; text, github and json end through main.ts.
 */
async function runVerifyConfig(
  opts: VerifyConfigOptions,
  io: Io,
  deps: Deps,
): Promise<Result<Value>> {
  try {
    return await verifyAndReport(opts, io, deps);
  } catch (error) {
    if (!(error instanceof AuthctlError)) throw error;
    const { doc, shown } = failureReport('verify-config', deps.cwd, VERIFY_UNREACHABLE.name, error);
    await appendStepSummary(deps, io, doc);
    if (!FILE_FORMATS.has(opts.format)) throw error;
    io.error(shown.message, shown.where, shown.hint);
    const render = await registryRender(opts);
    return { value: { failed: { doc, render } }, exitCode: error.exitCode };
  }
}

/** The report registry's render, loaded only for the formats it serves (a text run needs none). */
async function registryRender(opts: VerifyConfigOptions): Promise<Report['render']> {
  return opts.registry ? (await import('../core/report/registry.js')).render : undefined;
}

async function verifyAndReport(
  opts: VerifyConfigOptions,
  io: Io,
  deps: Deps,
): Promise<Result<Value>> {
  const profiles = await configuredProfiles(deps);
  const info = await verifyInfo(deps.cwd, opts.info, profiles);
  if (info) return { value: { info } };
  const { verifyConfig } = await import('../core/verify/verify.js');
  const { withSpinner } = await import('./report/progress.js');
  // --online fetches discovery and JWKS documents: a spinner on a terminal while they come.
  const label = opts.online ? 'fetching issuers (--online)' : '';
  const result = await withSpinner(io.progress, label, () =>
    verifyConfig({
      files: opts.files,
      cwd: deps.cwd,
      profile: opts.profile as never,
      target: opts.target as never,
      envFiles: opts.envFiles,
      fromEnv: opts.fromEnv,
      env: deps.env,
      online: opts.online,
      profiles,
    }),
  );
  const baseline = await applyBaseline(deps.cwd, opts, result);
  const failed = result.counts.error > 0 || (opts.strict && result.counts.warning > 0);
  const doc = await verifyReport(deps, result, { strict: opts.strict, baseline });
  await appendStepSummary(deps, io, doc);
  const render = await registryRender(opts);
  const value = {
    report: { result, strict: opts.strict, failed, baseline, doc, root: reportRoot(deps), render },
  };
  if (result.syntaxError) return { value, exitCode: EXIT_CODES.usage };
  if (result.requiredUnreachable) {
    io.error(VERIFY_UNREACHABLE.message, undefined, VERIFY_UNREACHABLE.hint);
    return { value, exitCode: EXIT_CODES.environment };
  }
  return { value, exitCode: failed ? EXIT_CODES.check : EXIT_CODES.ok };
}

/** --baseline drops accepted findings (the result is updated in place); --write-baseline saves them all first. */
async function applyBaseline(
  cwd: string,
  opts: VerifyConfigOptions,
  result: { findings: Finding[]; counts: Record<'error' | 'warning' | 'info', number> },
) {
  if (!opts.baseline && !opts.writeBaseline) return undefined; // its JSON reader loads smol-toml
  const { applyVerifyBaseline, writeVerifyBaseline } = await import('../core/verify/baseline.js');
  if (opts.writeBaseline)
    await writeVerifyBaseline(path.resolve(cwd, opts.writeBaseline), result.findings);
  if (!opts.baseline) return undefined;
  const outcome = await applyVerifyBaseline(path.resolve(cwd, opts.baseline), result.findings);
  result.findings = outcome.findings;
  result.counts = outcome.counts;
  return outcome;
}

const checked = (result: VerifyConfigResult) =>
  result.files.map((f) => `${f.file}${f.profile ? ` (${f.profile})` : ''}`);

function reportJson({ result, failed }: Report) {
  return {
    ok: !failed && !result.syntaxError && !result.requiredUnreachable,
    target: result.target,
    files: result.files,
    counts: result.counts,
    findings: safeFindings(result.findings).map((f) => ({
      rule: f.rule,
      severity: f.severity,
      file: f.file ?? null,
      line: f.line ?? null,
      column: f.column ?? null,
      message: f.message,
      fix: f.fix ?? null,
    })),
  };
}

function reportText({ doc }: Report, rc: RenderContext): string {
  return renderFindingsText(doc, { color: rc.color }).trimEnd();
}

/** The summary under a text report: on stderr, so stdout (or --output) holds only the findings. */
function reportStatus({ result, baseline }: Report, rc: RenderContext): string | undefined {
  if (rc.format !== 'text') return undefined;
  const s = rc.statusColor;
  const base = baseline ? s.dim(` (${baseline.baselined} baselined)`) : '';
  const lines = [
    `${summaryLine(result.counts, result.files.length, s)}${base} ${s.dim(`[target ${result.target}: ${checked(result).join(', ')}]`)}`,
    ...(baseline?.stale ?? []).map((entry) =>
      s.dim(`baseline entry no longer found (fixed?): ${entry}`),
    ),
  ];
  return lines.join('\n');
}

/**
 * Renders a report, or the --list-rules / --list-profiles / --explain answer (text and json only), or
 * for a run that ended in an error `onFailed` (the report formats render its document).
 */
function either<T>(
  onReport: (r: Report, rc: RenderContext) => T,
  onInfo: (i: { data: unknown; text: string }) => T,
  onFailed: (failed: { doc: ReportDocument; render?: Report['render'] }, rc: RenderContext) => T,
) {
  return (value: Value, rc: RenderContext) =>
    'failed' in value
      ? onFailed(value.failed, rc)
      : 'report' in value
        ? onReport(value.report, rc)
        : onInfo(value.info);
}

export const verifyConfigVerb = verb({
  name: 'verify-config [files...]',
  summary: `check service auth config (${PROFILE_TITLES.join(', ')}, or a profile file) for misconfiguration`,
  options: verifyOptions(),
  formats: REPORT_FORMATS,
  examples: [
    'authctl verify-config                                  # auto-detect files here',
    'authctl verify-config datapress.toml --target staging',
    'authctl verify-config agentflow.json --online',
    'authctl verify-config --profile relay --env-file .env.production',
    'authctl verify-config --from-env --profile recsys --strict',
    'authctl verify-config authctl.toml --format sarif -o authctl.sarif',
    'authctl verify-config application.yml appsettings.Production.json envoy.yaml',
    'authctl verify-config config/ledger.yaml --profile ./ledger.profile.toml',
    'authctl verify-config --explain auth/leeway-too-large',
  ],
  parse: parseVerifyConfig,
  run: runVerifyConfig,
  render: {
    text: either(
      reportText,
      (i) => i.text,
      () => '',
    ),
    json: (value: Value) =>
      // A failed run is rendered only in the report formats: --json ends through main.ts.
      'failed' in value
        ? { error: value.failed.doc.error }
        : 'report' in value
          ? reportJson(value.report)
          : value.info.data,
    status: either(
      reportStatus,
      () => undefined,
      () => undefined,
    ),
    ...Object.fromEntries(
      REPORT_FORMATS.map((format: RegistryFormat) => [
        format,
        either(
          (r, rc) => r.render!(format, r.doc, { color: rc.color, root: r.root }),
          (i) => i.text,
          ({ doc, render }, rc) =>
            format === 'github' ? '' : render!(format, doc, { color: rc.color }),
        ),
      ]),
    ),
  },
});

function verifyOptions(): Option[] {
  return [
    new Option(
      '--profile <name|file>',
      'which service the files configure: a built-in profile (--list-profiles) or a *.profile.{toml,json,yaml} file (default: detect per file)',
    ),
    new Option('--target <env>', 'deployment the config is for; changes severities')
      .choices(['development', 'staging', 'production'])
      .default('production'),
    new Option(
      '--env-file <file>',
      'a dotenv file to check and to resolve variables from (repeatable)',
    )
      .argParser((v: string, all: string[]) => [...all, v])
      .default([]),
    new Option('--from-env', 'check the process environment'),
    new Option('--online', "fetch each issuer's discovery document and JWKS and check them"),
    new Option('--timeout <duration>', 'per-request timeout for --online').default('5s'),
    new Option('--strict', 'exit 1 on warnings too'),
    new Option(
      '--baseline <file>',
      'accept the findings listed in this file (adopt verify-config gradually)',
    ),
    new Option('--write-baseline <file>', 'write the current findings as a baseline file'),
    new Option('--list-rules', 'list every rule with its severity per target, and exit'),
    new Option(
      '--list-profiles',
      'list the profiles (built-in and configured) with their files and formats, and exit',
    ),
    new Option(
      '--explain <rule>',
      'explain one rule (what it means, severities, which keys reach it), and exit',
    ),
  ];
}

export { EXIT_HELP as VERIFY_EXIT_HELP };

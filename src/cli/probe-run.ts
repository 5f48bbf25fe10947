import path from 'node:path';
import { redactDeep } from '../core/mask.js';
import { AuthctlError, environmentError, usageError } from '../core/errors.js';
import {
  applyBaseline,
  probeExitCode,
  readBaseline,
  writeBaseline,
} from '../core/probe/baseline.js';
import { waitFor } from '../core/probe/http.js';
import { runProbe } from '../core/probe/runner.js';
import {
  findProbeSpecFile,
  loadProbeSpecFile,
  parseProbeSpec,
  type ProbeSpec,
} from '../core/probe/spec.js';
import { flagNamer } from './fields.js';
import type { ProbeOptions } from './probe-options.js';
import type { CliContext } from './context.js';
import {
  controlFailureError,
  PROBE_RUN_CASE,
  probeDocument,
  probeJson,
  render,
  renderControlFailures,
  renderDryRun,
  type ReportDocument,
  type RunError,
} from '../core/report/index.js';
import { progressBar, progressLine } from './report/progress.js';
import {
  appendStepSummary,
  stdoutRenderOptions,
  writeReportFiles,
  type ReportFiles,
} from './report/write.js';
import { authctlVersion } from './version.js';
import { openKeystore } from './shared.js';
import { readSecretList, WEAK_SECRETS } from '../core/probe/weak-secrets.js';
import { MAX_PROBE_SECRETS } from '../core/probe/weak-secret-cases.js';
import { ExitStatus } from './command.js';

async function loadSpec(ctx: CliContext, flags: ProbeOptions): Promise<ProbeSpec> {
  const file = await findProbeSpecFile(ctx.cwd, flags.spec);
  let spec: ProbeSpec;
  if (file) spec = await loadProbeSpecFile(file);
  else {
    const { config, filepath } = await ctx.config();
    if (!config.probe) {
      throw usageError('ERR_PROBE_NO_SPEC', 'no probe spec found', {
        where: '--spec',
        hint: 'pass --spec probe.toml, create ./probe.toml, add [probe] to authctl.toml, or draft one with `authctl probe init --from-openapi openapi.json`',
      });
    }
    spec = parseProbeSpec(config.probe, `${filepath} [probe]`);
  }
  if (flags.baseUrl) spec.baseUrl = flags.baseUrl;
  return spec;
}

/** Runs the probe with checked options (probe-options.ts) and reports the result in its format. */
export async function runProbeCommand(ctx: CliContext, flags: ProbeOptions): Promise<void> {
  const { format, timeoutMs } = flags;
  // Any error from here on (spec, unreachable service) still gets its report files.
  await reportingFailures(ctx, flags, () => probeAndReport(ctx, flags, format, timeoutMs));
}

async function probeAndReport(
  ctx: CliContext,
  flags: ProbeOptions,
  format: string,
  timeoutMs: number | undefined,
): Promise<void> {
  const spec = await loadSpec(ctx, flags);
  const weakSecrets = flags.secretsFile
    ? [
        ...new Set([
          ...WEAK_SECRETS,
          ...(await readSecretList(
            path.resolve(ctx.cwd, flags.secretsFile),
            '--secrets-file',
            MAX_PROBE_SECRETS,
          )),
        ]),
      ]
    : undefined;
  const baseline = flags.baseline
    ? await readBaseline(path.resolve(ctx.cwd, flags.baseline))
    : undefined;
  const { config, filepath } = await ctx.config();
  const keystore = await openKeystore(ctx, {
    info: (m) => ctx.out.info(m),
    warn: (m) => ctx.out.warn(m),
    progress: progressLine(ctx),
  });
  // The printed curl commands mint tokens again: name this run's keystore and config so they work from any directory.
  const cliGlobals = ['--home', keystore.dir, ...(filepath ? ['--config', filepath] : [])];

  const result = await (async () => {
    if (flags.waitFor && !flags.dryRun) {
      const wait = flags.waitMs ?? 30_000;
      ctx.out.info(`waiting for ${flags.waitFor} ...`);
      if (!(await waitFor(flags.waitFor, wait))) {
        throw environmentError(
          'ERR_PROBE_UNREACHABLE',
          `${flags.waitFor} did not answer within ${flags.waitTimeout ?? '30s'}`,
          { where: '--wait-for', hint: 'start the service first, or raise --wait-timeout' },
        );
      }
    }
    const draw = flags.progress !== false && format !== 'json' ? progressLine(ctx) : undefined;
    const bar = progressBar(draw, 'probing');
    return runProbe({
      spec,
      config,
      keystore,
      env: ctx.env,
      cwd: ctx.cwd,
      concurrency: flags.concurrency,
      timeoutMs,
      retries: flags.retries,
      dryRun: flags.dryRun,
      measureSkew: flags.skew === false ? false : undefined,
      onProgress: bar.update,
      cliGlobals,
      weakSecrets,
    }).finally(() => bar.done());
  })();

  if (format !== 'json') for (const warning of result.warnings) ctx.out.warn(warning);
  if (result.dryRun) {
    ctx.out.result(result, renderDryRun, (r) =>
      redactDeep({ source: r.source, baseUrl: r.baseUrl, requests: r.requests }),
    );
    return;
  }
  const stale = baseline ? applyBaseline(result, baseline) : [];
  const controlFailed = result.status === 'control-failed';
  const doc = probeDocument(result, spec, {
    version: authctlVersion(),
    strict: flags.strict,
    stale,
    cwd: ctx.cwd,
    ...(controlFailed ? { error: controlFailureError(result) } : {}),
  });
  await writeReportFiles(ctx, doc, reportFiles(flags));
  await appendStepSummary(ctx, ctx.out, doc);
  if (controlFailed) {
    if (format === 'json') ctx.out.jsonDocument(probeJson(result, 3));
    else ctx.out.raw('stderr', renderControlFailures(result, ctx.out.statusColor));
    // A report format on stdout (markdown, sarif, junit, html) still gets its report, error included.
    if (!['json', 'text', 'human', 'github'].includes(format))
      printReport(ctx, format, doc, () => ({}));
    throw new ExitStatus(3);
  }
  const code = probeExitCode(result, flags.strict);
  if (flags.writeBaseline)
    await writeBaseline(path.resolve(ctx.cwd, flags.writeBaseline), result.findings);
  printReport(ctx, format, doc, () => probeJson(result, code));
  if (code !== 0) throw new ExitStatus(code);
}

/** stdout gets the chosen format; with github, the verdict line goes to stderr under the annotations. */
function printReport(
  ctx: CliContext,
  format: string,
  doc: ReportDocument,
  json: () => unknown,
): void {
  if (format === 'json') return ctx.out.jsonDocument(json());
  const options = stdoutRenderOptions(ctx);
  if (format === 'github') {
    const text = render('github', doc, options);
    if (text) ctx.out.data(text);
    const verdict = render(
      'text',
      { ...doc, matrix: undefined, findings: [], notes: [] },
      {
        ...options,
        color: ctx.out.statusColor,
      },
    );
    ctx.out.info(verdict.trim().split('\n').slice(-1).join('\n'));
    return;
  }
  const text = render(format === 'human' ? 'text' : (format as 'text'), doc, options);
  if (text) ctx.out.data(text.trimEnd());
}

const reportFiles = (flags: ProbeOptions): ReportFiles => ({
  junit: flags.junit,
  sarif: flags.sarif,
  html: flags.html,
});

/**
 * CI uploads the JUnit/SARIF files whatever the exit code: a run that ends without a verdict (service
 * unreachable, --wait-for gave up: exit 3; a spec error: exit 2) still writes them, saying why, then
 * fails as before.
 */
async function reportingFailures<T>(
  ctx: CliContext,
  flags: ProbeOptions,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AuthctlError) {
      // Named as main.ts names them on stderr: the report and the terminal say the same.
      const shown = error.render(flagNamer(undefined));
      await writeFailureReports(ctx, flags, {
        name: PROBE_RUN_CASE,
        code: shown.code,
        message: shown.message,
        details: shown.where ? [`at ${shown.where}`] : [],
        hint: shown.hint,
      });
    }
    throw error;
  }
}

/** A run with no result: the report files carry only the error (one JUnit error case, one notification). */
async function writeFailureReports(
  ctx: CliContext,
  flags: ProbeOptions,
  error: RunError,
): Promise<void> {
  const doc: ReportDocument = {
    command: 'probe',
    tool: {
      name: 'authctl',
      version: authctlVersion(),
      informationUri: 'https://github.com/authctl/authctl',
    },
    verdict: 'error',
    summary: error.message,
    counts: { critical: 0, error: 0, warning: 0, info: 0 },
    findings: [],
    checks: [],
    rules: {},
    error,
    notes: [],
    cwd: ctx.cwd,
  };
  await writeReportFiles(ctx, doc, reportFiles(flags));
  await appendStepSummary(ctx, ctx.out, doc);
}

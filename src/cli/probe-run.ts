import path from 'node:path';
import { AuthctlError, EXIT_CODES, environmentError, usageError } from '../core/errors.js';
import {
  applyBaseline,
  probeExitCode,
  readBaseline,
  writeBaseline,
} from '../core/probe/baseline.js';
import { waitFor } from '../core/probe/http.js';
import { runProbe, type ProbeResult } from '../core/probe/runner.js';
import {
  findProbeSpecFile,
  checkProbeSpec,
  loadProbeSpecFile,
  type ProbeSpec,
} from '../core/probe/spec.js';
import type { ProbeOptions } from './probe-options.js';
import type { Deps, Io, Result } from './command.js';
import {
  controlFailureError,
  PROBE_RUN_CASE,
  probeDocument,
  type ReportDocument,
} from '../core/report/index.js';
import { progressBar } from './report/progress.js';
import {
  appendStepSummary,
  failureReport,
  FILE_FORMATS,
  reportRoot,
  writeReportFiles,
  type ReportFiles,
} from './report/write.js';
import { authctlVersion } from './version.js';
import { openKeystore } from './keystore.js';
import { readSecretList, WEAK_SECRETS } from '../core/probe/weak-secrets.js';
import { MAX_PROBE_SECRETS } from '../core/probe/weak-secret-cases.js';

/**
 * What a probe run returns to be rendered (probe.ts): the requests of a dry run, the report, or for a
 * run that ended in an error while a report format was chosen, the report saying what happened.
 */
export type ProbeValue =
  | { dryRun: ProbeResult }
  | { failed: ReportDocument }
  | {
      report: {
        doc: ReportDocument;
        result: ProbeResult;
        /** The exit status, also in the JSON document. */
        code: number;
        controlFailed: boolean;
        /** $GITHUB_WORKSPACE or the working directory: annotation paths and SARIF uris are relative to it. */
        root: string;
      };
    };

async function loadSpec(deps: Deps, flags: ProbeOptions): Promise<ProbeSpec> {
  const file = await findProbeSpecFile(deps.cwd, flags.spec);
  let spec: ProbeSpec;
  if (file) spec = await loadProbeSpecFile(file);
  else {
    const { config, filepath } = await deps.config();
    if (!config.probe) {
      throw usageError('ERR_PROBE_NO_SPEC', 'no probe spec found', {
        where: '--spec',
        hint: 'pass --spec probe.toml, create ./probe.toml, add [probe] to authctl.toml, or draft one with `authctl probe init --from-openapi openapi.json`',
      });
    }
    spec = await checkProbeSpec(config.probe, `${filepath} [probe]`);
  }
  if (flags.baseUrl) spec.baseUrl = flags.baseUrl;
  return spec;
}

/**
 * The probe verb's run, with checked options (probe-options.ts): report files, baseline and job
 * summary are written here; what goes to stdout is the returned value, rendered by probe.ts.
 */
export async function runProbeVerb(
  opts: ProbeOptions,
  io: Io,
  deps: Deps,
): Promise<Result<ProbeValue>> {
  // Any error from here on (spec, unreachable service) still gets its report files.
  return reportingFailures(deps, io, opts, () => probeAndReport(opts, io, deps));
}

async function weakSecretsOf(deps: Deps, opts: ProbeOptions): Promise<string[] | undefined> {
  if (!opts.secretsFile) return undefined;
  const file = path.resolve(deps.cwd, opts.secretsFile);
  const extra = await readSecretList(file, '--secrets-file', MAX_PROBE_SECRETS);
  return [...new Set([...WEAK_SECRETS, ...extra])];
}

async function waitForService(opts: ProbeOptions, io: Io): Promise<void> {
  if (!opts.waitFor || opts.dryRun) return;
  io.info(`waiting for ${opts.waitFor} ...`);
  if (!(await waitFor(opts.waitFor, opts.waitMs ?? 30_000))) {
    throw environmentError(
      'ERR_PROBE_UNREACHABLE',
      `${opts.waitFor} did not answer within ${opts.waitTimeout ?? '30s'}`,
      { where: '--wait-for', hint: 'start the service first, or raise --wait-timeout' },
    );
  }
}

async function probe(
  opts: ProbeOptions,
  io: Io,
  deps: Deps,
  { spec, weakSecrets }: { spec: ProbeSpec; weakSecrets: string[] | undefined },
) {
  const { config, filepath } = await deps.config();
  const keystore = await openKeystore(deps, io);
  // The printed curl commands mint tokens again: name this run's keystore and config so they work from any directory.
  const cliGlobals = ['--home', keystore.dir, ...(filepath ? ['--config', filepath] : [])];
  await waitForService(opts, io);
  // Only a bar that is drawn (a terminal) asks for progress: the run then counts its cases first.
  const bar =
    io.progress && opts.progress !== false ? progressBar(io.progress, 'probing') : undefined;
  return runProbe({
    spec,
    config,
    keystore,
    env: deps.env,
    cwd: deps.cwd,
    concurrency: opts.concurrency,
    timeoutMs: opts.timeoutMs,
    retries: opts.retries,
    dryRun: opts.dryRun,
    measureSkew: opts.skew === false ? false : undefined,
    onProgress: bar?.update,
    cliGlobals,
    weakSecrets,
  }).finally(() => bar?.done());
}

async function probeAndReport(opts: ProbeOptions, io: Io, deps: Deps): Promise<Result<ProbeValue>> {
  const spec = await loadSpec(deps, opts);
  const weakSecrets = await weakSecretsOf(deps, opts);
  const baseline = opts.baseline
    ? await readBaseline(path.resolve(deps.cwd, opts.baseline))
    : undefined;
  const result = await probe(opts, io, deps, { spec, weakSecrets });
  if (opts.format !== 'json') for (const warning of result.warnings) io.warn(warning);
  if (result.dryRun) return { value: { dryRun: result } };
  const stale = baseline ? applyBaseline(result, baseline) : [];
  const controlFailed = result.status === 'control-failed';
  const doc = probeDocument(result, spec, {
    version: authctlVersion(),
    strict: opts.strict,
    stale,
    cwd: deps.cwd,
    ...(controlFailed ? { error: controlFailureError(result) } : {}),
  });
  await writeReportFiles(deps, io, doc, reportFiles(opts));
  await appendStepSummary(deps, io, doc);
  const code = controlFailed ? EXIT_CODES.environment : probeExitCode(result, opts.strict);
  if (!controlFailed && opts.writeBaseline)
    await writeBaseline(path.resolve(deps.cwd, opts.writeBaseline), result.findings);
  const root = reportRoot(deps);
  return { value: { report: { doc, result, code, controlFailed, root } }, exitCode: code };
}

const reportFiles = (opts: ProbeOptions): ReportFiles => ({
  junit: opts.junit,
  sarif: opts.sarif,
  html: opts.html,
});

/**
 * CI uploads the JUnit/SARIF files whatever the exit code: a run that ends without a verdict (service
 * unreachable, --wait-for gave up: exit 3; a spec error: exit 2) still writes them, saying why, with
 * the same exit code. So does `--format junit|sarif|markdown|html` (stdout or -o FILE): the error line
 * stays on stderr; text, github and json end through main.ts as any error does.
 */
async function reportingFailures(
  deps: Deps,
  io: Io,
  opts: ProbeOptions,
  run: () => Promise<Result<ProbeValue>>,
): Promise<Result<ProbeValue>> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof AuthctlError)) throw error;
    const { doc, shown } = failureReport('probe', deps.cwd, PROBE_RUN_CASE, error);
    await writeReportFiles(deps, io, doc, reportFiles(opts));
    await appendStepSummary(deps, io, doc);
    if (!FILE_FORMATS.has(opts.format)) throw error;
    io.error(shown.message, shown.where, shown.hint);
    return { value: { failed: doc }, exitCode: error.exitCode };
  }
}

import path from 'node:path';
import { writeFileAtomic } from '../core/fs/atomic.js';
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
import { renderGitHub, renderJUnit, renderSarif, type RunError } from './report/index.js';
import {
  controlFailureError,
  PROBE_RUN_CASE,
  renderControlFailures,
  renderDryRun,
  renderHuman,
  toJUnitFindings,
  toReportFindings,
  passedCaseNames,
  probeJson,
} from './probe-report.js';
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
  const keystore = await openKeystore(ctx, ctx.out);
  // The printed curl commands mint tokens again: name this run's keystore and config so they work from any directory.
  const cliGlobals = ['--home', keystore.dir, ...(filepath ? ['--config', filepath] : [])];

  const result = await reportingFailures(ctx, flags, async () => {
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
    const tty =
      Boolean(ctx.io.stderr.isTTY) &&
      flags.progress !== false &&
      format === 'human' &&
      !ctx.globals.quiet;
    const bar = tty ? progressBar(ctx) : undefined;
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
      onProgress: bar?.update,
      cliGlobals,
      weakSecrets,
    }).finally(() => bar?.done());
  });

  if (format !== 'json') for (const warning of result.warnings) ctx.out.warn(warning);
  if (result.dryRun) {
    ctx.out.result(result, renderDryRun, (r) =>
      redactDeep({ source: r.source, baseUrl: r.baseUrl, requests: r.requests }),
    );
    return;
  }
  const stale = baseline ? applyBaseline(result, baseline) : [];
  if (result.status === 'control-failed') {
    await writeFailureReports(ctx, flags, controlFailureError(result));
    if (format === 'json') ctx.out.jsonDocument(probeJson(result, 3));
    else ctx.out.raw('stderr', renderControlFailures(result, ctx.out.statusColor));
    throw new ExitStatus(3);
  }
  const code = probeExitCode(result, flags.strict);
  if (flags.junit)
    await writeFileAtomic(
      path.resolve(ctx.cwd, flags.junit),
      renderJUnit(toJUnitFindings(result), {
        suiteName: 'authctl probe',
        passed: passedCaseNames(result),
        failOn: flags.strict ? 'warning' : 'error',
        time: result.summary.durationMs / 1000,
      }),
    );
  if (flags.sarif)
    await writeFileAtomic(
      path.resolve(ctx.cwd, flags.sarif),
      renderSarif(toReportFindings(result, spec), { cwd: ctx.cwd, rules: ruleSummaries(result) }),
    );
  if (flags.writeBaseline)
    await writeBaseline(path.resolve(ctx.cwd, flags.writeBaseline), result.findings);
  if (format === 'json') ctx.out.jsonDocument(probeJson(result, code));
  else if (format === 'github') {
    const open = result.findings.filter((f) => !f.baselined);
    const text = renderGitHub(toReportFindings({ ...result, findings: open }, spec, ctx.cwd));
    if (text) ctx.out.data(text);
    ctx.out.info(
      renderHuman(result, ctx.out.statusColor, { verbose: false, stale })
        .split('\n')
        .slice(-2)
        .join('\n'),
    );
  } else ctx.out.data(renderHuman(result, ctx.out.color, { verbose: ctx.globals.verbose, stale }));
  if (code !== 0) throw new ExitStatus(code);
}

/**
 * CI uploads the JUnit/SARIF files whatever the exit code: a run that ends without a verdict (service
 * unreachable, --wait-for gave up: exit 3) still writes them, saying why, then fails as before.
 */
async function reportingFailures<T>(
  ctx: CliContext,
  flags: ProbeOptions,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AuthctlError && error.kind === 'environment') {
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

async function writeFailureReports(
  ctx: CliContext,
  flags: ProbeOptions,
  error: RunError,
): Promise<void> {
  const write = async (file: string, text: string) => {
    // The run's own error is what the user must see: a report that cannot be written only warns.
    await writeFileAtomic(path.resolve(ctx.cwd, file), text).catch((e: unknown) =>
      ctx.out.warn(`could not write ${file}: ${(e as Error).message}`),
    );
  };
  if (flags.junit) await write(flags.junit, renderJUnit([], { suiteName: 'authctl probe', error }));
  if (flags.sarif) await write(flags.sarif, renderSarif([], { cwd: ctx.cwd, error }));
}

function ruleSummaries(result: {
  findings: Array<{ check: string; message: string }>;
}): Record<string, { summary: string }> {
  const out: Record<string, { summary: string }> = {};
  for (const f of result.findings)
    out[f.check] ??= {
      summary: f.check.startsWith('probe/') ? f.message : `probe case ${f.check}`,
    };
  return out;
}

/** A one-line progress bar on stderr, redrawn at most every 80 ms. */
function progressBar(ctx: CliContext) {
  let last = 0;
  const started = Date.now();
  const draw = (done: number, total: number) => {
    const width = 30;
    const filled = Math.round((done / Math.max(total, 1)) * width);
    ctx.io.stderr.write(
      `\r  probing [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${((Date.now() - started) / 1000).toFixed(1)}s`,
    );
  };
  return {
    update: (done: number, total: number) => {
      const now = Date.now();
      if (done === total || now - last > 80) {
        last = now;
        draw(done, total);
      }
    },
    done: () => ctx.io.stderr.write('\r\x1b[2K'),
  };
}

import { Option, type Command } from 'commander';
import { redactDeep } from '../core/mask.js';
import {
  render,
  renderControlFailures,
  renderDryRun,
  probeJson,
  type RenderOptions,
} from '../core/report/index.js';
import type { CliContext } from './context.js';
import { intOption } from './flag-values.js';
import {
  parseProbeOptions,
  PROBE_FORMAT_ALIASES,
  PROBE_REPORT_FORMATS,
  type ProbeFlags,
} from './probe-options.js';
import { declare, verb, type RenderContext } from './command.js';
import { init } from './probe-init.js';
import type { ProbeValue } from './probe-run.js';

const EXIT_HELP = `
Exit codes:
  0  every case held (warnings only fail with --strict)
  1  a critical or error finding (a negative case got in, 401/403 swapped, a valid caller locked out)
  2  bad spec or flag
  3  controls failed (a valid credential did not get in, before or after) or the service is unreachable
`;

type Report = Extract<ProbeValue, { report: unknown }>['report'];

const options = (report: Report, rc: RenderContext): RenderOptions => ({
  color: rc.color,
  width: rc.width,
  root: report.root,
  verbose: rc.verbose,
});

/**
 * A report format on stdout: the dry run's requests whatever the format; after a failed control or a
 * run that ended in an error the report formats (markdown, sarif, junit, html) still get their report,
 * error included, and the terminal ones (text, github) nothing (the failure is on stderr).
 */
function renderer(format: 'text' | (typeof PROBE_REPORT_FORMATS)[number]) {
  return (value: ProbeValue, rc: RenderContext): string => {
    if ('dryRun' in value) return renderDryRun(value.dryRun);
    if ('failed' in value)
      return format === 'text' || format === 'github'
        ? ''
        : render(format, value.failed, { color: rc.color, width: rc.width }).trimEnd();
    const { report } = value;
    if (report.controlFailed && (format === 'text' || format === 'github')) return '';
    const text = render(format, report.doc, options(report, rc));
    return format === 'github' ? text : text.trimEnd();
  };
}

/** Under github annotations, the verdict line goes to stderr. */
function githubVerdict(value: ProbeValue, rc: RenderContext): string | undefined {
  if (rc.format !== 'github' || !('report' in value) || value.report.controlFailed) return;
  const { doc } = value.report;
  const verdict = render(
    'text',
    { ...doc, matrix: undefined, findings: [], notes: [] },
    { ...options(value.report, rc), color: rc.statusColor },
  );
  return verdict.trim().split('\n').slice(-1).join('\n');
}

/** `authctl probe`: the matrix of requests against a service, reported in the chosen format. */
export const probeVerb = verb({
  name: 'probe [spec]',
  summary:
    'send the full matrix of valid, missing, forged, cross-tenant and wrong-role requests to a service and check every 401/403',
  options: probeOptions(),
  formats: PROBE_REPORT_FORMATS,
  formatAliases: PROBE_FORMAT_ALIASES,
  examples: [
    'authctl probe probe.toml',
    'authctl probe --spec probe.toml',
    'authctl probe --spec probe.toml --wait-for http://127.0.0.1:8080/healthz --junit probe.xml',
    'authctl probe --dry-run',
    'authctl probe --format github --sarif probe.sarif --baseline probe-baseline.json',
    'authctl probe --format markdown -o probe.md',
    'authctl probe init --from-openapi openapi.json --base-url http://127.0.0.1:8080 > probe.toml',
  ],
  parse: ({ args, flags }: { args: unknown[]; flags: ProbeFlags }) =>
    parseProbeOptions({ args, flags }),
  run: async (opts, io, deps) => (await import('./probe-run.js')).runProbeVerb(opts, io, deps),
  render: {
    text: renderer('text'),
    json: (value) => {
      // A failed run is rendered only in the report formats: --json ends through main.ts's error document.
      if ('failed' in value) return { error: value.failed.error };
      return 'dryRun' in value
        ? redactDeep({
            source: value.dryRun.source,
            baseUrl: value.dryRun.baseUrl,
            requests: value.dryRun.requests,
          })
        : probeJson(value.report.result, value.report.code);
    },
    status: githubVerdict,
    stderr: (value, rc) =>
      'report' in value && value.report.controlFailed
        ? renderControlFailures(value.report.result, rc.statusColor)
        : undefined,
    ...Object.fromEntries(PROBE_REPORT_FORMATS.map((format) => [format, renderer(format)])),
  },
});

function probeOptions(): Option[] {
  return [
    new Option(
      '--spec <file>',
      'probe spec (TOML or JSON; default ./probe.toml, ./probe.json, else [probe] in authctl config)',
    ),
    new Option('--base-url <url>', 'override base_url of the spec'),
    new Option('--concurrency <n>', 'requests in flight (default 16)').argParser(
      intOption('--concurrency'),
    ),
    new Option('--timeout <duration>', 'per-request timeout (default 10s)'),
    new Option('--retries <n>', 'retries on connection errors only (default 2)').argParser(
      intOption('--retries'),
    ),
    new Option(
      '--wait-for <url>',
      'wait until this URL answers before probing (e.g. the /healthz endpoint)',
    ),
    new Option('--wait-timeout <duration>', 'how long --wait-for waits (default 30s)'),
    new Option('--strict', 'fail (exit 1) on warnings too'),
    new Option('--junit <file>', 'write a JUnit XML report (one test case per endpoint × case)'),
    new Option('--sarif <file>', 'write a SARIF 2.1.0 report (one rule per check)'),
    new Option(
      '--html <file>',
      'write a self-contained HTML report (matrix, each finding expandable)',
    ),
    new Option(
      '--baseline <file>',
      'accept the findings listed in this file (adopt the probe gradually)',
    ),
    new Option('--write-baseline <file>', 'write the current findings as a baseline file'),
    new Option(
      '--secrets-file <file>',
      'more weak HMAC secrets for jwt:weak-secret, one per line (added to the bundled list)',
    ),
    new Option('--dry-run', 'print the requests it would send (credentials masked) and exit'),
    new Option('--no-skew', 'do not measure the clock skew the service tolerates'),
    new Option('--no-progress', 'no progress bar on a TTY'),
  ];
}

export function register(program: Command, ctx: CliContext): void {
  const probe = declare(program, probeVerb, ctx).addHelpText('after', EXIT_HELP);
  declare(probe, init, ctx);
}

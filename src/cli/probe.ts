import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { examples } from './output.js';
import { allOptions, intOption } from './shared.js';
import { parseProbeOptions, type ProbeFlags } from './probe-options.js';
import { declare } from './command.js';
import { init } from './probe-init.js';

const EXIT_HELP = `
Exit codes:
  0  every case held (warnings only fail with --strict)
  1  a critical or error finding (a negative case got in, 401/403 swapped, a valid caller locked out)
  2  bad spec or flag
  3  controls failed (a valid credential did not get in, before or after) or the service is unreachable
`;

export function register(program: Command, ctx: CliContext): void {
  const probe = program
    .command('probe')
    .description(
      'send the full matrix of valid, missing, forged, cross-tenant and wrong-role requests to a service and check every 401/403',
    )
    .option(
      '--spec <file>',
      'probe spec (TOML or JSON; default ./probe.toml, ./probe.json, else [probe] in authctl config)',
    )
    .option('--base-url <url>', 'override base_url of the spec')
    .option('--concurrency <n>', 'requests in flight (default 16)', intOption('--concurrency'))
    .option('--timeout <duration>', 'per-request timeout (default 10s)')
    .option(
      '--retries <n>',
      'retries on connection errors only (default 2)',
      intOption('--retries'),
    )
    .option(
      '--wait-for <url>',
      'wait until this URL answers before probing (e.g. the /healthz endpoint)',
    )
    .option('--wait-timeout <duration>', 'how long --wait-for waits (default 30s)')
    .option('--strict', 'fail (exit 1) on warnings too')
    .option(
      '--format <format>',
      'text (default; human is the old name) | json | github (annotations) | markdown (job summary) | sarif | junit | html, on stdout',
    )
    .option('--junit <file>', 'write a JUnit XML report (one test case per endpoint × case)')
    .option('--sarif <file>', 'write a SARIF 2.1.0 report (one rule per check)')
    .option('--html <file>', 'write a self-contained HTML report (matrix, each finding expandable)')
    .option(
      '--baseline <file>',
      'accept the findings listed in this file (adopt the probe gradually)',
    )
    .option('--write-baseline <file>', 'write the current findings as a baseline file')
    .option(
      '--secrets-file <file>',
      'more weak HMAC secrets for jwt:weak-secret, one per line (added to the bundled list)',
    )
    .option('--dry-run', 'print the requests it would send (credentials masked) and exit')
    .option('--no-skew', 'do not measure the clock skew the service tolerates')
    .option('--no-progress', 'no progress bar on a TTY')
    .addHelpText(
      'after',
      examples([
        'authctl probe --spec probe.toml',
        'authctl probe --spec probe.toml --wait-for http://127.0.0.1:8080/healthz --junit probe.xml',
        'authctl probe --dry-run',
        'authctl probe --format github --sarif probe.sarif --baseline probe-baseline.json',
        'authctl probe init --from-openapi openapi.json --base-url http://127.0.0.1:8080 > probe.toml',
      ]) + EXIT_HELP,
    )
    .action(async (_options, command: Command) => {
      const opts = parseProbeOptions({ flags: allOptions<ProbeFlags>(command) });
      const { runProbeCommand } = await import('./probe-run.js');
      await runProbeCommand(ctx, opts);
    });

  declare(probe, init, ctx);
}

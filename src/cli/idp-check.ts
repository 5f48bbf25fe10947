import path from 'node:path';
import { Option } from 'commander';
import { parseDuration } from '../core/duration.js';
import { usageError } from '../core/errors.js';
import { verb } from './command.js';
import { defaultIssuerUrl, parseIssuerUrl } from './idp-run.js';
import { caFor, caOption, fetchFor } from './idp-tls.js';
import { collect } from './flag-values.js';

/** `authctl idp wait` and `authctl idp doctor`: is the issuer up, and reachable as services see it. */

interface WaitFlags {
  timeout: string;
  readyFile?: string;
  ca?: string;
}

export const wait = verb({
  name: 'wait [url]',
  summary: 'wait until an issuer answers its discovery document (for CI scripts)',
  options: [
    new Option('--timeout <duration>', 'give up after this long (default 30s)').default('30s'),
    new Option(
      '--ready-file <file>',
      'wait for the ready file of `idp serve --ready-file FILE`, then for the issuer it names (and trusts the CA it names)',
    ),
    caOption(),
  ],
  examples: [
    'authctl idp wait',
    'authctl idp wait http://127.0.0.1:9400/tenant-a --timeout 1m',
    'authctl idp wait --ready-file idp.json',
    'authctl idp wait https://127.0.0.1:9400 --ca .authctl/tls/ca.pem',
  ],
  parse({ args, flags }: { args: unknown[]; flags: WaitFlags }) {
    const url = args[0] as string | undefined;
    const timeoutMs = parseDuration(flags.timeout, '--timeout') * 1000;
    if (url !== undefined && flags.readyFile !== undefined) {
      throw usageError('ERR_BAD_ARGUMENT', 'give either an issuer URL or --ready-file, not both', {
        where: '--ready-file',
        hint: 'authctl idp wait --ready-file idp.json waits for the file, then for the issuer it names',
      });
    }
    // The example names this command's own argument, not a `serve` flag.
    const issuer = parseIssuerUrl(url, 'URL', 'authctl idp wait http://127.0.0.1:9400');
    return { issuer, readyFile: flags.readyFile, timeoutMs, ca: flags.ca };
  },
  async run(opts, _io, deps) {
    const { waitForIssuer, waitForReadyFile } = await import('../core/idp/wait.js');
    const { config } = await deps.config();
    if (opts.readyFile !== undefined) {
      // Without --ca, the CA the ready file names (`idp serve --tls`) is trusted.
      const fetch = opts.ca === undefined ? undefined : await fetchFor(deps, undefined, opts.ca);
      const file = path.resolve(deps.cwd, opts.readyFile);
      return { value: await waitForReadyFile(file, { timeoutMs: opts.timeoutMs, fetch }) };
    }
    const issuer = opts.issuer ?? defaultIssuerUrl(deps, config);
    const fetch = await fetchFor(deps, issuer, opts.ca);
    const value = await waitForIssuer(issuer, { timeoutMs: opts.timeoutMs, fetch });
    return { value };
  },
  render: {
    text: (r) =>
      `issuer ${r.issuer} answered after ${r.ms} ms (${r.attempts} attempt${r.attempts === 1 ? '' : 's'})`,
  },
});

export const doctor = verb({
  name: 'doctor',
  summary: 'check discovery, issuer equality and JWKS reachability from each URL a service may use',
  options: [
    new Option(
      '--from <url>',
      'issuer URL as a service sees it; repeat for several (default: the configured issuer)',
    ).argParser(collect),
    caOption(),
  ],
  examples: [
    'authctl idp doctor',
    'authctl idp doctor --from http://127.0.0.1:9400 --from http://idp:9400',
    'authctl idp doctor --from http://127.0.0.1:9400/ --json',
    'authctl idp doctor --from https://127.0.0.1:9400 --ca .authctl/tls/ca.pem',
  ],
  parse: ({ flags }: { flags: { from?: string[]; ca?: string } }) => ({
    from: flags.from ?? [],
    ca: flags.ca,
  }),
  async run(opts, _io, deps) {
    const { doctorIssuer } = await import('../core/idp/doctor.js');
    const { config } = await deps.config();
    const froms = opts.from.length ? opts.from : [defaultIssuerUrl(deps, config)];
    const reports = await Promise.all(
      froms.map(async (from) =>
        doctorIssuer(from, { ca: await caFor(deps, from, opts.ca), now: deps.now().getTime() }),
      ),
    );
    return { value: reports, exitCode: reports.some((r) => !r.ok) ? 1 : 0 };
  },
  render: {
    text: (all, { color: c }) =>
      all
        .map((report) =>
          [
            `${report.ok ? c.green('ok  ') : c.red('FAIL')} ${report.from}`,
            ...report.checks.map(
              (check) =>
                `  ${check.ok ? c.green('✓') : c.red('✗')} ${check.name.padEnd(9)} ${check.detail}${check.hint ? `\n              ${c.cyan('hint:')} ${check.hint}` : ''}`,
            ),
          ].join('\n'),
        )
        .join('\n\n'),
  },
});

import { Option } from 'commander';
import { usageError } from '../core/errors.js';
import { verb } from './command.js';
import type { InitOptions } from './probe-init-run.js';

interface InitFlags {
  fromOpenapi: string;
  baseUrl?: string;
  output?: string;
  /** The old name of --output (hidden). */
  out?: string;
  force?: boolean;
}

/** `authctl probe init`: a probe spec drafted from an OpenAPI document's security requirements. */
export const init = verb({
  name: 'init',
  summary: "draft a probe spec from an OpenAPI document's security requirements",
  options: [
    new Option(
      '--from-openapi <file>',
      'OpenAPI 3.0 / 3.1 or Swagger 2.0 document (JSON)',
    ).makeOptionMandatory(),
    new Option(
      '--base-url <url>',
      'base_url of the spec (default: the first servers[].url, else http://127.0.0.1:8080)',
    ),
    new Option('-o, --output <file>', 'write the spec to FILE (default: stdout)'),
    new Option('--out <file>', 'the same as -o/--output FILE').hideHelp(),
    new Option('--force', 'overwrite the --output file if it exists'),
  ],
  examples: [
    'authctl probe init --from-openapi openapi.json > probe.toml',
    'authctl probe init --from-openapi openapi.json -o probe.toml --base-url http://127.0.0.1:8080',
  ],
  parse: ({ flags }: { flags: InitFlags }): InitOptions => {
    if (flags.output !== undefined && flags.out !== undefined && flags.output !== flags.out)
      throw usageError('ERR_CONFLICTING_OPTION', 'give either --output or --out, not both', {
        where: '--out',
        hint: '--out is the old name of -o/--output: keep -o FILE',
      });
    return {
      fromOpenapi: flags.fromOpenapi,
      baseUrl: flags.baseUrl,
      out: flags.output ?? flags.out,
      force: flags.force,
    };
  },
  // The drafting (OpenAPI, YAML parser, spec check) loads on `probe init` only, not on every `probe`.
  run: async (opts, _io, deps) => (await import('./probe-init-run.js')).runProbeInit(opts, deps),
  render: {
    text: ({ draft: d, out }) =>
      out
        ? `wrote ${out}: ${d.endpoints} endpoints (${d.publicEndpoints} public), credentials ${d.credentials.join(', ') || 'none'}`
        : d.toml,
    json: ({ draft: d, file }) => ({
      ...(file ? { file } : { spec: d.toml }),
      endpoints: d.endpoints,
      publicEndpoints: d.publicEndpoints,
      credentials: d.credentials,
    }),
    status: ({ draft: d, out }) =>
      out
        ? undefined
        : `drafted ${d.endpoints} endpoints (${d.publicEndpoints} public); review allow/deny and [jwt] before running \`authctl probe\``,
  },
});

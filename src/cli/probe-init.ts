import { promises as fs } from 'node:fs';
import { Option } from 'commander';
import path from 'node:path';
import { parseJson } from '../core/config/toml.js';
import { usageError } from '../core/errors.js';
import { writeFileAtomic } from '../core/fs/atomic.js';
import { decodeText } from '../core/fs/text.js';
import { draftSpecFromOpenApi } from '../core/probe/openapi.js';
import { parseProbeSpec } from '../core/probe/spec.js';
import { createExclusive } from '../core/verify/init.js';
import { parseToml } from '../core/config/toml.js';
import { parseYaml } from '../core/verify/locate/yaml.js';
import { verb } from './command.js';

interface InitFlags {
  fromOpenapi: string;
  baseUrl?: string;
  output?: string;
  /** The old name of --output (hidden). */
  out?: string;
  force?: boolean;
}

export interface InitOptions {
  fromOpenapi: string;
  baseUrl?: string;
  /** -o/--output FILE: where the draft goes (run writes it: never over a file unless --force). */
  out?: string;
  force?: boolean;
}

type Draft = ReturnType<typeof draftSpecFromOpenApi>;

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
  async run(opts, _io, deps) {
    const draft = draftSpec(await readOpenApi(deps.cwd, opts.fromOpenapi), opts);
    if (opts.out) await writeDraft(path.resolve(deps.cwd, opts.out), draft, opts);
    return { value: { draft, out: opts.out, file: opts.out && path.resolve(deps.cwd, opts.out) } };
  },
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

async function readOpenApi(cwd: string, source: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path.resolve(cwd, source));
  } catch (error) {
    throw usageError(
      'ERR_OPENAPI_UNREADABLE',
      `cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        where: '--from-openapi',
        hint: 'pass the path of an OpenAPI 3.0 / 3.1 or Swagger 2.0 document (JSON or YAML)',
      },
    );
  }
  // OpenAPI documents can be large: allow more than a config file, still bounded.
  return decodeText(bytes, source, { what: 'OpenAPI document', limit: 64 * 1024 * 1024 });
}

function draftSpec(text: string, opts: InitOptions): Draft {
  const draft = draftSpecFromOpenApi(parseOpenApi(text, opts.fromOpenapi), {
    baseUrl: opts.baseUrl,
    source: opts.fromOpenapi,
  });
  // The draft must be a valid spec: validate it exactly as `authctl probe` will.
  parseProbeSpec(parseToml(draft.toml, 'draft'), 'draft');
  return draft;
}

async function writeDraft(out: string, draft: Draft, opts: InitOptions): Promise<void> {
  if (opts.force) await writeFileAtomic(out, draft.toml, { mode: 0o644 });
  else if (!(await createExclusive(out, draft.toml))) {
    throw usageError('ERR_FILE_EXISTS', `${opts.out} already exists`, {
      where: '--output',
      hint: 'pass --force to overwrite it',
    });
  }
}

/** An OpenAPI document in JSON or YAML (what the spec allows); syntax errors are located, never quoted. */
function parseOpenApi(text: string, source: string): unknown {
  if (/^\s*[{[]/.test(text)) return parseJson(text, source);
  const { documents, errors } = parseYaml(text);
  const first = errors[0];
  if (first)
    throw usageError('ERR_OPENAPI_SYNTAX', `YAML syntax error: ${first.message}`, {
      where: `${source}:${first.line}:${first.column}`,
      hint: 'fix the YAML at that position',
    });
  if (documents.length !== 1) {
    throw usageError(
      'ERR_OPENAPI_INVALID',
      `expected one YAML document, found ${documents.length}`,
      {
        where: source,
        hint: 'an OpenAPI document is one YAML document: remove the other `---` sections',
      },
    );
  }
  return documents[0]!.data;
}

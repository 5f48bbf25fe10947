import { promises as fs } from 'node:fs';
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
import type { CliContext } from './context.js';

export interface InitFlags {
  fromOpenapi: string;
  baseUrl?: string;
  out?: string;
  force?: boolean;
}

export async function runInit(ctx: CliContext, flags: InitFlags): Promise<void> {
  const file = path.resolve(ctx.cwd, flags.fromOpenapi);
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    throw usageError(
      'ERR_OPENAPI_UNREADABLE',
      `cannot read ${flags.fromOpenapi}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        where: '--from-openapi',
        hint: 'pass the path of an OpenAPI 3.0 / 3.1 or Swagger 2.0 document (JSON or YAML)',
      },
    );
  }
  // OpenAPI documents can be large: allow more than a config file, still bounded.
  const text = decodeText(bytes, flags.fromOpenapi, {
    what: 'OpenAPI document',
    limit: 64 * 1024 * 1024,
  });
  const draft = draftSpecFromOpenApi(parseOpenApi(text, flags.fromOpenapi), {
    baseUrl: flags.baseUrl,
    source: flags.fromOpenapi,
  });
  // The draft must be a valid spec: validate it exactly as `authctl probe` will.
  parseProbeSpec(parseToml(draft.toml, 'draft'), 'draft');
  if (flags.out) {
    const out = path.resolve(ctx.cwd, flags.out);
    if (flags.force) await writeFileAtomic(out, draft.toml, { mode: 0o644 });
    else if (!(await createExclusive(out, draft.toml))) {
      throw usageError('ERR_FILE_EXISTS', `${flags.out} already exists`, {
        where: '--out',
        hint: 'pass --force to overwrite it',
      });
    }
    ctx.out.result(
      draft,
      (d) =>
        `wrote ${flags.out}: ${d.endpoints} endpoints (${d.publicEndpoints} public), credentials ${d.credentials.join(', ') || 'none'}`,
      (d) => ({
        file: out,
        endpoints: d.endpoints,
        publicEndpoints: d.publicEndpoints,
        credentials: d.credentials,
      }),
    );
    return;
  }
  if (ctx.globals.json)
    ctx.out.jsonDocument({
      spec: draft.toml,
      endpoints: draft.endpoints,
      publicEndpoints: draft.publicEndpoints,
      credentials: draft.credentials,
    });
  else {
    ctx.out.data(draft.toml);
    ctx.out.info(
      `drafted ${draft.endpoints} endpoints (${draft.publicEndpoints} public); review allow/deny and [jwt] before running \`authctl probe\``,
    );
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

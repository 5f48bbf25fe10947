import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseJson, parseToml } from '../core/config/toml.js';
import { usageError } from '../core/errors.js';
import { writeFileAtomic } from '../core/fs/atomic.js';
import { decodeText } from '../core/fs/text.js';
import { draftSpecFromOpenApi } from '../core/probe/openapi.js';
import { parseProbeSpec } from '../core/probe/spec-parse.js';
import { createExclusive } from '../core/verify/init.js';
import { parseYaml } from '../core/verify/locate/yaml.js';
import type { Deps } from './command.js';

export type Draft = ReturnType<typeof draftSpecFromOpenApi>;

/** What `probe init` runs with (probe-init.ts turns its flags into these). */
export interface InitOptions {
  fromOpenapi: string;
  baseUrl?: string;
  /** -o/--output FILE: where the draft goes (run writes it: never over a file unless --force). */
  out?: string;
  force?: boolean;
}

/** `authctl probe init`'s run (probe-init.ts declares the verb): the draft, written to -o FILE if given. */
export async function runProbeInit(opts: InitOptions, deps: Deps) {
  const draft = draftSpec(await readOpenApi(deps.cwd, opts.fromOpenapi), opts);
  if (opts.out) await writeDraft(path.resolve(deps.cwd, opts.out), draft, opts);
  return { value: { draft, out: opts.out, file: opts.out && path.resolve(deps.cwd, opts.out) } };
}

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

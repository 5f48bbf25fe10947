import path from 'node:path';
import { jsonErrorLocation } from '../config/position.js';
import { toml } from '../parsers.js';
import { syntaxSnippet } from '../snippet.js';
import { LineIndex } from './locate/lines.js';
import { lazyMap } from './locate/offsets.js';
import { locateJson } from './locate/json.js';
import { parseEnv } from './locate/env.js';
import { locateToml } from './locate/toml.js';
import type { Finding } from './types.js';
import type { DocumentKind, ParseResult } from './document-types.js';
import { parseExtra } from './formats.js';
import { registerSecretsIn } from '../mask.js';

export type { ConfigDocument, DocumentKind, ParseResult } from './document-types.js';

/** Which parser a file needs: by extension, then by its first character. */
export function kindOf(file: string, text: string): DocumentKind {
  const base = path.basename(file).toLowerCase();
  if (base.endsWith('.json') || (base === '.authctlrc' && /^\s*\{/.test(text))) return 'json';
  if (base.endsWith('.toml') || base === '.authctlrc') return 'toml';
  if (base.startsWith('.env') || base.endsWith('.env') || base.includes('.env.')) return 'env';
  if (/^\s*\{/.test(text)) return 'json';
  if (
    /^\s*\[/m.test(text) ||
    (/^\s*[A-Za-z0-9_."-]+\s*=\s*["'[{tf0-9-]/m.test(text) && !/^\s*[A-Z_][A-Z0-9_]*=/m.test(text))
  )
    return 'toml';
  return 'env';
}

export function parseDocument(
  file: string,
  text: string,
  kind: DocumentKind = kindOf(file, text),
): ParseResult {
  const dir = file === '<env>' ? undefined : path.dirname(file);
  if (kind === 'yaml' || kind === 'jsonc' || kind === 'properties')
    return parseExtra(file, text, kind, dir, syntaxFinding);
  if (kind === 'env') return parseEnvDocument(file, text, dir);
  if (kind === 'toml') return parseTomlDocument(file, text, dir);
  return parseJsonDocument(file, text, dir);
}

function parseEnvDocument(file: string, text: string, dir: string | undefined): ParseResult {
  const env = parseEnv(text);
  // One line index for all of a file's errors: a 20k-line file of errors stays linear.
  const lines = new LineIndex(text);
  const findings = env.errors.map((e) =>
    syntaxFinding(file, text, e.line, e.column, `dotenv syntax error: ${e.message}`, lines),
  );
  registerSecretsIn(env.vars);
  return {
    document: findings.length
      ? undefined
      : { file, kind: 'env', data: env.vars, map: env.map, dir, refs: env.refs, text },
    findings,
  };
}

function parseTomlDocument(file: string, text: string, dir: string | undefined): ParseResult {
  try {
    const data = toml().parse(text) as Record<string, unknown>;
    registerSecretsIn(data);
    return {
      document: { file, kind: 'toml', data, map: lazyMap(() => locateToml(text)), dir },
      findings: [],
    };
  } catch (error) {
    if (!(error instanceof toml().TomlError)) throw error;
    const reason = error.message.split('\n')[0]!.replace(/^Invalid TOML document:\s*/, '');
    return {
      findings: [
        syntaxFinding(file, text, error.line, error.column, `TOML syntax error: ${reason}`),
      ],
    };
  }
}

function parseJsonDocument(file: string, text: string, dir: string | undefined): ParseResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const { reason, line, column } = jsonErrorLocation(error, text);
    return { findings: [syntaxFinding(file, text, line, column, `JSON syntax error: ${reason}`)] };
  }
  registerSecretsIn(data);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return {
      findings: [
        {
          rule: 'config/invalid-type',
          severity: 'error',
          file,
          line: 1,
          column: 1,
          message: 'the file must contain a JSON object',
          fix: 'wrap the settings in { ... }',
        },
      ],
    };
  }
  const map = lazyMap(() => locateJson(text));
  return {
    document: { file, kind: 'json', data: data as Record<string, unknown>, map, dir },
    findings: [],
  };
}

function syntaxFinding(
  file: string,
  text: string,
  line: number,
  column: number,
  message: string,
  lines?: LineIndex,
): Finding {
  return {
    rule: 'config/syntax-error',
    severity: 'error',
    file,
    line,
    column,
    message,
    fix: `fix the syntax at line ${line}, column ${column}`,
    snippet: syntaxSnippet(text, line, column, { lines }),
  };
}

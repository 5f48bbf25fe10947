import path from 'node:path';
import { parse as parseTomlText, TomlError } from 'smol-toml';
import { jsonErrorLocation } from '../config/position.js';
import { caretSnippet } from '../config/toml.js';
import { locateJson } from './locate/json.js';
import { parseEnv } from './locate/env.js';
import { locateToml } from './locate/toml.js';
import type { Finding, SourceMap } from './types.js';
import { parseExtra, type ExtraKind } from './formats.js';

export type DocumentKind = 'toml' | 'json' | 'env' | ExtraKind;

/** A parsed config file (or the process environment) with the positions of its keys. */
export interface ConfigDocument {
  /** As shown in findings: the path as given, or `<env>`. */
  file: string;
  kind: DocumentKind;
  data: Record<string, unknown>;
  map?: SourceMap;
  /** Directory for resolving paths the file refers to (agentflow's "env"). */
  dir?: string;
  /** The second and later documents of a multi-document YAML file, checked like the first. */
  more?: ConfigDocument[];
}

export interface ParseResult {
  document?: ConfigDocument;
  /** Syntax errors, as findings with a caret snippet. */
  findings: Finding[];
}

/** Which parser a file needs: by extension, then by its first character. */
export function kindOf(file: string, text: string): DocumentKind {
  const base = path.basename(file).toLowerCase();
  if (base.endsWith('.json') || base === '.authctlrc' && /^\s*\{/.test(text)) return 'json';
  if (base.endsWith('.toml') || base === '.authctlrc') return 'toml';
  if (base.startsWith('.env') || base.endsWith('.env') || base.includes('.env.')) return 'env';
  if (/^\s*\{/.test(text)) return 'json';
  if (/^\s*\[/m.test(text) || /^\s*[A-Za-z0-9_."-]+\s*=\s*["'[{tf0-9-]/m.test(text) && !/^\s*[A-Z_][A-Z0-9_]*=/m.test(text)) return 'toml';
  return 'env';
}

export function parseDocument(file: string, text: string, kind: DocumentKind = kindOf(file, text)): ParseResult {
  const dir = file === '<env>' ? undefined : path.dirname(file);
  if (kind === 'yaml' || kind === 'jsonc' || kind === 'properties') return parseExtra(file, text, kind, dir, syntaxFinding);
  if (kind === 'env') {
    const env = parseEnv(text);
    const findings = env.errors.map((e) => syntaxFinding(file, text, e.line, e.column, `dotenv syntax error: ${e.message}`));
    return { document: findings.length ? undefined : { file, kind, data: env.vars, map: env.map, dir }, findings };
  }
  if (kind === 'toml') {
    try {
      const data = parseTomlText(text) as Record<string, unknown>;
      return { document: { file, kind, data, map: locateToml(text), dir }, findings: [] };
    } catch (error) {
      if (!(error instanceof TomlError)) throw error;
      const reason = error.message.split('\n')[0]!.replace(/^Invalid TOML document:\s*/, '');
      return { findings: [syntaxFinding(file, text, error.line, error.column, `TOML syntax error: ${reason}`)] };
    }
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const { reason, line, column } = jsonErrorLocation(error, text);
    return { findings: [syntaxFinding(file, text, line, column, `JSON syntax error: ${reason}`)] };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return {
      findings: [{ rule: 'config/invalid-type', severity: 'error', file, line: 1, column: 1, message: 'the file must contain a JSON object', fix: 'wrap the settings in { ... }' }],
    };
  }
  return { document: { file, kind, data: data as Record<string, unknown>, map: locateJson(text), dir }, findings: [] };
}

function syntaxFinding(file: string, text: string, line: number, column: number, message: string): Finding {
  return {
    rule: 'config/syntax-error',
    severity: 'error',
    file,
    line,
    column,
    message,
    fix: `fix the syntax at line ${line}, column ${column}`,
    snippet: snippet(text, line, column),
  };
}

const SNIPPET_WIDTH = 160;

/**
 * The caret snippet of a syntax error, safe to print: secrets masked, control characters (a binary
 * file, terminal escapes) shown as `?`, and long lines cut to a window around the column, each
 * replacement one character for one so the caret stays under the right place.
 */
function snippet(text: string, line: number, column: number): string {
  const lines = text.split(/\r?\n/).slice(Math.max(0, line - 2), line);
  const start = column > SNIPPET_WIDTH - 40 ? column - 1 - (SNIPPET_WIDTH >> 1) : 0;
  const shown = maskSecrets(lines.join('\n'))
    .split('\n')
    .map((l) => `${start > 0 && l.length > start ? '…' : ''}${l.slice(start, start + SNIPPET_WIDTH)}${l.length > start + SNIPPET_WIDTH ? '…' : ''}`.replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, '?'));
  // caretSnippet numbers the lines from the error's line backwards; pad so it finds them where they were.
  const padded = [...Array.from({ length: Math.max(0, line - 1 - (shown.length - 1)) }, () => ''), ...shown].join('\n');
  return caretSnippet(padded, line, start > 0 ? column - start + 1 : column);
}

const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE|SIGNING_KEY|API_KEY$|_KEY$|credential)/i;
/** `KEY=value` (.env), `key = "value"` (TOML, dotted or quoted keys), `"key": "value"` (JSON). */
const ASSIGNMENT = /^(\s*(?:export\s+)?["']?([A-Za-z_][\w.-]*)["']?\s*[=:]\s*)(?:(["'`])([^"'`]*)|()([^\s,#]*))/;

/**
 * Syntax snippets quote lines: never quote a secret's value. The value keeps its first 4 characters
 * (when long enough to spare them) and its length, so the caret under the line still points right.
 */
function maskSecrets(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const match = ASSIGNMENT.exec(line);
      const quote = match?.[3] ?? match?.[5] ?? '';
      const value = match?.[4] ?? match?.[6] ?? '';
      if (!match || !SECRET_NAME.test(match[2]!.split('.').pop()!) || value === '') return line;
      const keep = value.length >= 16 ? 4 : 0;
      return `${match[1]}${quote}${value.slice(0, keep)}${'*'.repeat(value.length - keep)}${line.slice(match[0].length)}`;
    })
    .join('\n');
}

import type { Position, SourceMap } from '../types.js';
import { OffsetRecorder } from './offsets.js';
import { LineIndex } from './lines.js';

export interface EnvSyntaxError extends Position {
  message: string;
}

export interface ParsedEnv {
  /** Last definition wins, as in dotenv. */
  vars: Record<string, string>;
  map: SourceMap;
  errors: EnvSyntaxError[];
  /**
   * Where each `${NAME}` of a value starts in the text, by variable (unquoted and double-quoted
   * values only: single quotes and backticks are literal, as in dotenv-expand and Compose).
   */
  refs: Record<string, number[]>;
}

const REFERENCE = /\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-[^}]*)?\}/g;

function referencesIn(raw: string, offset: number): number[] {
  return [...raw.matchAll(REFERENCE)].map((m) => offset + m.index);
}

const KEY = /^(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.]*)[ \t]*=/;

/**
 * Parses a dotenv file keeping the position of every key and value. Supports `export KEY=`,
 * single, double (with \n escapes, may span lines) and backtick quotes, and ` # comments`
 * after unquoted values. Lines that are not `KEY=VALUE` are reported, not skipped silently.
 */
export function parseEnv(text: string): ParsedEnv {
  const rec = new OffsetRecorder(text);
  const lines = new LineIndex(text);
  const vars: Record<string, string> = Object.create(null);
  const errors: EnvSyntaxError[] = [];
  const refs: Record<string, number[]> = Object.create(null);
  let i = 0;
  while (i < text.length) {
    let end = text.indexOf('\n', i);
    if (end < 0) end = text.length;
    const line = text.slice(i, end);
    const indent = line.length - line.trimStart().length;
    const body = line.trimStart();
    if (body === '' || body.startsWith('#') || body === '\r') {
      i = end + 1;
      continue;
    }
    const match = KEY.exec(body);
    if (!match) {
      errors.push({
        ...lines.at(i + indent),
        message: 'expected KEY=VALUE (a letter or _ first, then letters, digits, _)',
      });
      i = end + 1;
      continue;
    }
    const key = match[1]!;
    const keyOffset = i + indent + body.indexOf(key, match[0].startsWith('export') ? 6 : 0);
    let v = i + indent + match[0].length;
    while (text[v] === ' ' || text[v] === '\t') v++;
    rec.recordKey([key], keyOffset, true);
    rec.recordValue([key], v);
    const quote = text[v];
    if (quote === '"' || quote === "'" || quote === '`') {
      const close = findClose(text, v + 1, quote);
      if (close < 0) {
        errors.push({ ...lines.at(v), message: `unterminated ${quote} quoted value` });
        vars[key] = text.slice(v + 1, end).replace(/\r$/, '');
        i = end + 1;
        continue;
      }
      const raw = text.slice(v + 1, close);
      refs[key] = quote === '"' ? referencesIn(raw, v + 1) : [];
      vars[key] =
        quote === '"'
          ? raw.replace(/\\([nrt"\\])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c)
          : raw;
      const after = text.indexOf('\n', close);
      i = after < 0 ? text.length : after + 1;
      continue;
    }
    const rest = text.slice(v, end).replace(/\r$/, '');
    const comment = rest.search(/[ \t]#/);
    vars[key] = (comment >= 0 ? rest.slice(0, comment) : rest).trim();
    refs[key] = referencesIn(comment >= 0 ? rest.slice(0, comment) : rest, v);
    i = end + 1;
  }
  return { vars, map: rec, errors, refs };
}

function findClose(text: string, from: number, quote: string): number {
  for (let j = from; j < text.length; j++) {
    if (quote === '"' && text[j] === '\\') j++;
    else if (text[j] === quote) return j;
    // Only double quotes may span lines; a stray ' or ` ends at the line end.
    else if (text[j] === '\n' && quote !== '"') return -1;
  }
  return -1;
}

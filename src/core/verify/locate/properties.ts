import type { SourceMap } from '../types.js';
import { OffsetRecorder } from './offsets.js';

export interface ParsedProperties {
  /** Nested by the dots and `[n]` indexes of the keys, as Spring binds them. */
  data: Record<string, unknown>;
  map: SourceMap;
}

/**
 * Parses a Java .properties file (java.util.Properties#load): `key=value`, `key: value` or
 * `key value`; `#` and `!` comments; a trailing backslash continues the line; `\uXXXX`, `\t`,
 * `\n` escapes. Every line is something, so there are no syntax errors. Keys are split on `.`
 * and `[n]` (Spring's `a.b[0]=x`) so a profile addresses them like the same keys in YAML.
 */
export function parseProperties(text: string): ParsedProperties {
  const rec = new OffsetRecorder(text);
  const data: Record<string, unknown> = {};
  let i = 0;
  while (i < text.length) {
    while (i < text.length && ' \t\f'.includes(text[i]!)) i++;
    if (text[i] === '\n' || text[i] === '\r') {
      i++;
      continue;
    }
    if (text[i] === '#' || text[i] === '!') {
      i = lineEnd(text, i) + 1;
      continue;
    }
    const keyStart = i;
    const key = readLogical(text, i, true);
    i = key.end;
    while (i < text.length && ' \t\f'.includes(text[i]!)) i++;
    if (text[i] === '=' || text[i] === ':') i++;
    while (i < text.length && ' \t\f'.includes(text[i]!)) i++;
    const valueStart = i;
    const value = readLogical(text, i, false);
    i = value.end + 1;
    const path = splitKey(key.text);
    if (path.length === 0) continue;
    rec.recordKey(path, keyStart, true);
    rec.recordValue(path, valueStart);
    assign(data, path, value.text);
  }
  return { data, map: rec };
}

function lineEnd(text: string, from: number): number {
  const n = text.indexOf('\n', from);
  return n < 0 ? text.length : n;
}

/** Reads a key (up to an unescaped separator) or a value (to the end of the logical line). */
function readLogical(text: string, from: number, isKey: boolean): { text: string; end: number } {
  let out = '';
  let i = from;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n' || (isKey && c === '\r')) break;
    if (c === '\r') {
      i++;
      continue;
    }
    if (isKey && '=: \t\f'.includes(c)) break;
    if (c === '\\') {
      const escape = readEscape(text, i);
      out += escape.text;
      i = escape.end;
      continue;
    }
    out += c;
    i++;
  }
  return { text: isKey ? out : out.replace(/\r$/, ''), end: i };
}

const ESCAPES = new Map([
  ['t', '\t'],
  ['n', '\n'],
  ['r', '\r'],
  ['f', '\f'],
]);

/** The backslash at `at`: what it stands for, and where reading goes on. */
function readEscape(text: string, at: number): { text: string; end: number } {
  const next = text[at + 1];
  if (next === '\n' || next === '\r') {
    // A continuation: skip the line break and the next line's leading blanks.
    let end = at + (next === '\r' && text[at + 2] === '\n' ? 3 : 2);
    while (end < text.length && ' \t\f'.includes(text[end]!)) end++;
    return { text: '', end };
  }
  const hex = text.slice(at + 2, at + 6);
  if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(hex))
    return { text: String.fromCharCode(parseInt(hex, 16)), end: at + 6 };
  // Any other escaped character stands for itself (Properties#load); a trailing backslash for nothing.
  return { text: next === undefined ? '' : (ESCAPES.get(next) ?? next), end: at + 2 };
}

/** `a.b[0].c` → ['a', 'b', 0, 'c']. */
function splitKey(key: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of key.split('.')) {
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    for (const index of m[2]!.matchAll(/\[(\d+)\]/g)) out.push(Number(index[1]));
  }
  return out.filter((s) => s !== '');
}

function assign(data: Record<string, unknown>, path: (string | number)[], value: string): void {
  let node: Record<string | number, unknown> = data;
  for (let n = 0; n < path.length - 1; n++) {
    const segment = path[n]!;
    const child = node[segment];
    if (child === null || typeof child !== 'object') {
      // `a=1` then `a.b=2`: Spring keeps both; the nested form is what a profile can address.
      node[segment] = typeof path[n + 1] === 'number' ? [] : {};
    }
    node = node[segment] as Record<string | number, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

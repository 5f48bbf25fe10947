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
    if (isKey && (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f')) break;
    if (c === '\\') {
      const next = text[i + 1];
      if (next === '\n' || next === '\r') {
        // A continuation: skip the line break and the next line's leading blanks.
        i += next === '\r' && text[i + 2] === '\n' ? 3 : 2;
        while (i < text.length && ' \t\f'.includes(text[i]!)) i++;
        continue;
      }
      if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      out +=
        next === 't'
          ? '\t'
          : next === 'n'
            ? '\n'
            : next === 'r'
              ? '\r'
              : next === 'f'
                ? '\f'
                : (next ?? '');
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
  return { text: isKey ? out : out.replace(/\r$/, ''), end: i };
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

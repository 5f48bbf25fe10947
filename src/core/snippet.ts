import { isSecretName } from './mask.js';
import { printable } from './terminal.js';
import { LineIndex } from './verify/locate/lines.js';

/**
 * The one caret snippet of a syntax error, for every file authctl reads (config, probe spec,
 * keystore, key files, API key store, verify-config's TOML / JSON / .env). Safe to print: a syntax
 * error is about structure, so keys, quotes and punctuation are shown and values never are.
 *
 * - values of secret-named keys (and every value of a secret file: `allValues`) are masked whole,
 *   the first 4 characters kept when the value is long enough to spare them, so it is recognisable;
 * - every other value has its letters and digits masked: when the structure is broken, which key a
 *   value belongs to cannot be trusted (fuzzing spliced secrets behind non-secret keys, onto the
 *   line before the error, into multi-line strings), so no value is shown as it is;
 * - control characters become `?` and long lines are cut to a window around the column.
 *
 * Every replacement is one character for one, so the caret stays under the right place.
 */
export interface SnippetOptions {
  /** Keystore, key files, API key store: mask every value, whatever its key. */
  allValues?: boolean;
  /** An index of `text` already built (verify-config reuses one for all errors of a file). */
  lines?: LineIndex;
}

const WIDTH = 160;

export function syntaxSnippet(
  text: string,
  line: number,
  column: number,
  options: SnippetOptions = {},
): string {
  const lines = options.lines ?? new LineIndex(text);
  const start = column > WIDTH - 40 ? column - 1 - (WIDTH >> 1) : 0;
  const width = String(line).length;
  const out: string[] = [];
  for (let n = Math.max(1, line - 1); n <= line; n++) {
    const raw = lines.line(n);
    if (raw === undefined) continue;
    const shown = maskLine(raw, options.allValues === true);
    out.push(`    ${String(n).padStart(width)} | ${printable(cut(shown, start))}`);
  }
  const caret = start > 0 ? column - start : column - 1;
  out.push(`    ${' '.repeat(width)} | ${' '.repeat(Math.max(0, caret))}^`);
  return out.join('\n');
}

function cut(line: string, start: number): string {
  return `${start > 0 && line.length > start ? '…' : ''}${line.slice(start, start + WIDTH)}${line.length > start + WIDTH ? '…' : ''}`;
}

/** `[table]`, `[[array.of.tables]]`: names only, never a value. */
const HEADER = /^\s*\[\[?[^=[\]"'#]*\]\]?\s*(#.*)?$/;
/** A quoted string (possibly unterminated) or a bare run of non-structural characters. */
const TOKEN = /"(?:[^"\\\n]|\\.)*"?|'[^'\n]*'?|`[^`\n]*`?|[^\s"'`=:,;{}[\]()#]+/g;

/**
 * Masks the values of one line. A token followed by `=` or `:` where a key may stand is a key; the
 * value after it (one token, or a bracketed group) belongs to it. A token after a value is never a
 * key, so `secret = "x" = 1` cannot pass its value off as a key.
 */
export function maskLine(line: string, allValues: boolean): string {
  if (!allValues && HEADER.test(line)) return line;
  let out = '';
  let last = 0;
  let owner: string | undefined;
  let ownerDepth = 0;
  let pending = false;
  let depth = 0;
  const indent = line.length - line.trimStart().length;
  const track = (gap: string) => {
    for (const c of gap) {
      if (c === '[' || c === '{') depth++;
      else if (c === ']' || c === '}') {
        depth--;
        if (depth === ownerDepth) pending = false;
        else if (depth < ownerDepth) owner = undefined;
      } else if (c === ',' && depth <= ownerDepth) owner = undefined;
    }
  };
  for (const match of line.matchAll(TOKEN)) {
    const token = match[0];
    track(line.slice(last, match.index));
    out += line.slice(last, match.index);
    last = match.index + token.length;
    const keyPlace = !pending || depth > ownerDepth;
    if (keyPlace && /^\s*[=:]/.test(line.slice(last, last + 64))) {
      owner = token.replace(/^["'`]|["'`]$/g, '');
      ownerDepth = depth;
      pending = true;
      out += token;
      continue;
    }
    const belongs = owner !== undefined && (pending || depth > ownerDepth) ? owner : undefined;
    if (depth <= ownerDepth) pending = false;
    if (match.index === indent && token === 'export') out += token;
    else if (allValues || (belongs !== undefined && isSecretName(belongs)))
      out += maskSecretToken(token);
    else out += token.replace(/[\p{L}\p{N}]/gu, (c) => '*'.repeat(c.length));
  }
  return out + line.slice(last);
}

/** Quotes kept, the first 4 characters of a long value kept, every other character a `*`. */
function maskSecretToken(token: string): string {
  const open = /^["'`]/.test(token) ? token[0]! : '';
  const close = open && token.length > 1 && token.endsWith(open) ? open : '';
  const inner = token.slice(open.length, token.length - close.length);
  const keep = inner.length >= 16 ? 4 : 0;
  return `${open}${inner.slice(0, keep)}${'*'.repeat(inner.length - keep)}${close}`;
}

import { isSecretName } from './mask.js';
import { printable } from './terminal.js';
import { LineIndex } from './verify/locate/lines.js';

/**
 * The one caret snippet of a syntax error, for every file authctl reads (config, probe spec,
 * keystore, key files, API key store, verify-config's TOML / JSON / .env). Safe to print:
 *
 * - values of secret-named keys are masked on every line shown (first 4 characters kept when the
 *   value is long enough to spare them, so the reader recognises it);
 * - on the error line itself the structure is broken, so which key a value belongs to cannot be
 *   trusted (fuzzing spliced secrets behind non-secret keys): every value there is masked, letters
 *   and digits only, so quotes and punctuation (usually the mistake) stay visible;
 * - on a context line, a value no key can be found for (a continuation of a multi-line string) is
 *   masked the same way;
 * - files that are secret through and through (`allValues`) have every value masked;
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

export function syntaxSnippet(text: string, line: number, column: number, options: SnippetOptions = {}): string {
  const lines = options.lines ?? new LineIndex(text);
  const start = column > WIDTH - 40 ? column - 1 - (WIDTH >> 1) : 0;
  const width = String(line).length;
  const out: string[] = [];
  for (let n = Math.max(1, line - 1); n <= line; n++) {
    const raw = lines.line(n);
    if (raw === undefined) continue;
    const shown = maskLine(raw, n === line, options.allValues === true);
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
 * Masks the values of one line. A token followed by `=` or `:` is a key; the value after it (one
 * token, or a bracketed group) belongs to it; anything after a finished value belongs to nothing.
 */
export function maskLine(line: string, errorLine: boolean, allValues: boolean): string {
  if (!allValues && HEADER.test(line)) return line;
  let out = '';
  let last = 0;
  let owner: string | undefined;
  let ownerDepth = 0;
  let pending = false;
  let depth = 0;
  let first = true;
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
    const at = match.index;
    track(line.slice(last, at));
    out += line.slice(last, at);
    last = at + token.length;
    const next = /^\s*([=:]?)/.exec(line.slice(last, last + 64))![1];
    if (next && !allValues) {
      owner = token.replace(/^["'`]|["'`]$/g, '');
      ownerDepth = depth;
      pending = true;
      first = false;
      out += token;
      continue;
    }
    if (next) {
      out += token;
      continue;
    }
    const belongs = owner !== undefined && (pending || depth > ownerDepth) ? owner : undefined;
    if (depth <= ownerDepth) pending = false;
    const leading = first;
    first = false;
    if (leading && token === 'export') out += token;
    else if (allValues || (belongs !== undefined && isSecretName(belongs))) out += maskSecretToken(token);
    else if (errorLine || belongs === undefined) out += token.replace(/[\p{L}\p{N}]/gu, (c) => '*'.repeat(c.length));
    else out += token;
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

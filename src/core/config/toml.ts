import { parse, TomlError } from 'smol-toml';
import { usageError } from '../errors.js';
import { jsonErrorLocation, offsetToLineColumn } from './position.js';

export { offsetToLineColumn };

/** Parses TOML, turning a syntax error into `file:line:col` with a caret snippet in the hint. */
export function parseToml(text: string, file: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.split('\n')[0]!.replace(/^Invalid TOML document:\s*/, '');
      throw usageError('ERR_CONFIG_SYNTAX', `TOML syntax error: ${reason}`, {
        where: `${file}:${error.line}:${error.column}`,
        hint: `fix the TOML at line ${error.line}, column ${error.column}\n${caretSnippet(text, error.line, error.column)}`,
        details: { file, line: error.line, column: error.column },
      });
    }
    throw error;
  }
}

/** Parses JSON, reporting a syntax error as `file:line:col` (Node only gives an offset). */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const { reason, line, column } = jsonErrorLocation(error, text);
    throw usageError('ERR_CONFIG_SYNTAX', `JSON syntax error: ${reason}`, {
      where: `${file}:${line}:${column}`,
      hint: `fix the JSON at line ${line}, column ${column}\n${caretSnippet(text, line, column)}`,
      details: { file, line, column },
    });
  }
}

/** Two lines of context and a caret under the column, for syntax errors. */
export function caretSnippet(text: string, line: number, column: number): string {
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  const width = String(line).length;
  for (let n = Math.max(1, line - 1); n <= Math.min(lines.length, line); n++) {
    out.push(`    ${String(n).padStart(width)} | ${lines[n - 1]}`);
  }
  out.push(`    ${' '.repeat(width)} | ${' '.repeat(Math.max(0, column - 1))}^`);
  return out.join('\n');
}

import { usageError } from '../errors.js';
import { toml } from '../parsers.js';
import { syntaxSnippet } from '../snippet.js';
import { jsonErrorLocation, offsetToLineColumn } from './position.js';

export { offsetToLineColumn };

/** Parses TOML, turning a syntax error into `file:line:col` with a caret snippet in the hint. */
export function parseToml(text: string, file: string): Record<string, unknown> {
  // smol-toml on the first TOML document (parsers.ts): a JSON probe spec or baseline never loads it.
  const { parse, TomlError } = toml();
  try {
    return parse(text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.split('\n')[0]!.replace(/^Invalid TOML document:\s*/, '');
      throw usageError('ERR_CONFIG_SYNTAX', `TOML syntax error: ${reason}`, {
        where: `${file}:${error.line}:${error.column}`,
        hint: `fix the TOML at line ${error.line}, column ${error.column}\n${syntaxSnippet(text, error.line, error.column)}`,
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
      hint: `fix the JSON at line ${line}, column ${column}\n${syntaxSnippet(text, line, column)}`,
      details: { file, line, column },
    });
  }
}

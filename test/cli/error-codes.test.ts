import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, isErrorCode, kindOf } from '../../src/core/error-codes.js';
import { AuthctlError, type ErrorCode } from '../../src/core/errors.js';

const root = path.resolve(import.meta.dirname, '../..');

/** The table under "## Error codes" in docs/output.md, as rows of cells. */
function documentedTable(): string[][] {
  const page = readFileSync(path.join(root, 'docs/output.md'), 'utf8');
  const start = page.indexOf('\n## Error codes\n');
  expect(start, 'docs/output.md has an "## Error codes" section').toBeGreaterThan(-1);
  const section = page.slice(start + 1).split(/\n## /)[0]!;
  return section
    .split('\n')
    .filter((line) => /^\|\s*`/.test(line))
    .map((line) =>
      line
        .replace(/^\||\|$/g, '')
        .split('|')
        .map((cell) => cell.trim()),
    );
}

function expectedTable(): string {
  return [
    '| Code | Exit | Meaning |',
    '|---|---|---|',
    ...ERROR_CATALOGUE.map((e) => `| \`${e.code}\` | ${e.exitCode} | ${e.meaning} |`),
  ].join('\n');
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe('error catalogue', () => {
  it('docs/output.md lists every code with its exit code and meaning, and nothing else', () => {
    const documented = documentedTable().map((cells) => cells.join(' | '));
    const catalogue = ERROR_CATALOGUE.map((e) => `\`${e.code}\` | ${e.exitCode} | ${e.meaning}`);
    expect(
      documented,
      `docs/output.md "## Error codes" differs from src/core/error-codes.ts; the table should read:\n${expectedTable()}\n`,
    ).toEqual(catalogue);
  });

  it('an error takes its kind and exit code from the catalogue entry of its code', () => {
    for (const entry of ERROR_CATALOGUE) {
      const code = entry.code.replace('<errno>', 'ENOSPC') as ErrorCode;
      const error = new AuthctlError('x', { code });
      expect([entry.code, error.kind, error.exitCode]).toEqual([
        entry.code,
        entry.kind,
        entry.exitCode,
      ]);
      expect(kindOf(code)).toBe(entry.kind);
      expect(isErrorCode(code)).toBe(true);
    }
    expect(isErrorCode('ERR_NOT_IN_THE_CATALOGUE')).toBe(false);
  });

  it('every catalogued code is used by src/ (no entry outlives its last throw site)', () => {
    const source = sourceFiles(path.join(root, 'src'))
      .filter(
        (file) =>
          !file.endsWith(path.join('core', 'error-codes.ts')) &&
          !file.endsWith(path.join('core', 'error-kinds.ts')),
      )
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    // Codes built from commander's error codes (main.ts: commander.unknownOption -> ERR_UNKNOWN_OPTION).
    const fromCommander =
      /^ERR_(CONFLICTING_OPTION|ERROR|EXCESS_ARGUMENTS|INVALID_ARGUMENT|MISSING_MANDATORY_OPTION_VALUE|OPTION_MISSING_ARGUMENT|UNKNOWN_OPTION)$/;
    const unused = ERROR_CATALOGUE.map((e) => e.code).filter(
      (code) => !code.includes('<') && !fromCommander.test(code) && !source.includes(`'${code}'`),
    );
    expect(unused).toEqual([]);
  });
});

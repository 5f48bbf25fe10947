// Which entries of the lint allowlist (allowlist.mjs) are no longer needed, or could be tighter:
// lints only the allowlisted files, without the allowlist and without type information (fast).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { ALLOWLIST } from './allowlist.mjs';
import authctl from './plugin.mjs';
import { ROOT } from './layers.mjs';

const LIMITS = { complexity: 20, 'max-lines-per-function': 80, 'max-lines': 400 };

/** Measures each allowlisted rule of a file: the worst value today (number), true (still fires) or 0. */
async function measure() {
  const rules = Object.fromEntries(
    [...new Set(Object.values(ALLOWLIST).flatMap((r) => Object.keys(r)))].map((rule) => [
      rule,
      rule in LIMITS ? ['error', rule === 'complexity' ? 0 : { max: 0 }] : 'error',
    ]),
  );
  // Size rules run at 0 so every function reports its own size; other rules as they are.
  for (const rule of ['max-lines-per-function'])
    rules[rule] = ['error', { max: 0, skipBlankLines: true, skipComments: true }];
  const eslint = new ESLint({
    cwd: ROOT,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser },
        plugins: { authctl, '@typescript-eslint': tseslint.plugin },
        rules,
      },
    ],
  });
  const present = Object.keys(ALLOWLIST).filter((file) => existsSync(path.join(ROOT, file)));
  const results = present.length ? await eslint.lintFiles(present) : [];
  const worst = {};
  for (const result of results) {
    const file = result.filePath
      .slice(ROOT.length + 1)
      .split('\\')
      .join('/');
    worst[file] = {};
    for (const m of result.messages) {
      if (!m.ruleId || !(m.ruleId in (ALLOWLIST[file] ?? {}))) continue;
      const n = /\((\d+)\)|complexity of (\d+)/.exec(m.message);
      const value = m.ruleId in LIMITS && n ? Number(n[1] ?? n[2]) : true;
      const was = worst[file][m.ruleId];
      worst[file][m.ruleId] = typeof value === 'number' ? Math.max(value, was ?? 0) : true;
    }
  }
  return worst;
}

/** Lines to print: entries that can go, and entries that can shrink. */
export async function staleEntries() {
  const worst = await measure();
  const lines = [];
  for (const [file, rules] of Object.entries(ALLOWLIST)) {
    for (const [rule, allowed] of Object.entries(rules)) {
      const now = worst[file]?.[rule] ?? 0;
      const limit = LIMITS[rule];
      if (limit !== undefined ? now <= limit : now !== true) {
        lines.push(`${file}: '${rule}' is within the limit now: delete the entry`);
      } else if (limit !== undefined && typeof allowed === 'number' && now < allowed) {
        lines.push(`${file}: '${rule}' can shrink from ${allowed} to ${now}`);
      }
    }
  }
  return lines;
}

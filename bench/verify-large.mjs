#!/usr/bin/env node
// verify-config on large inputs (issue #19): a .env of N syntax errors (each error used to re-split
// the whole file: 20k lines took 27 s), a 2 MB UTF-16 .env (> 120 s), and the plain-text renderer
// against --json on 100k findings (76 s vs 2 s). Everything here should grow linearly: the ms per
// 1k lines column should stay flat as N grows. Output goes to a file, not a pipe, so only authctl's
// own time is measured. Each pair alternates over >= 5 rounds (bench/lib/ab.mjs).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { alternate, report } from './lib/ab.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'authctl.cjs');
const dir = mkdtempSync(path.join(tmpdir(), 'authctl-bench-verify-'));
const env = { ...process.env, NO_COLOR: '1', AUTHCTL_HOME: path.join(dir, 'home') };

function run(label, file, args) {
  const out = path.join(dir, 'out.txt');
  const fd = openSync(out, 'w');
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [bin, 'verify-config', file, ...args], {
    cwd: dir,
    env,
    stdio: ['ignore', fd, 'pipe'],
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  closeSync(fd);
  if (result.status !== 2 && result.status !== 1)
    throw new Error(`${label}: exit ${result.status}: ${result.stderr}`);
  return { ms, bytes: statSync(out).size };
}

// Linear growth: 4x the lines must take about 4x the time, for each renderer.
const [SMALL, LARGE] = [10_000, 40_000];
for (const lines of [SMALL, LARGE])
  writeFileSync(path.join(dir, `bang-${lines}.env`), '!\n'.repeat(lines));
for (const format of ['text', 'json']) {
  const runOf = (lines) => ({
    run: () =>
      run(`${lines} ${format}`, path.join(dir, `bang-${lines}.env`), [
        '--profile',
        'relay',
        '--format',
        format,
      ]).ms,
  });
  const result = await alternate(runOf(LARGE), runOf(SMALL));
  report({
    bench: 'verify-config',
    what: `.env of syntax errors, ${format} output: ${LARGE / 1000}k vs ${SMALL / 1000}k lines (linear: ${LARGE / SMALL}×)`,
    aLabel: `${LARGE / 1000}k lines`,
    bLabel: `${SMALL / 1000}k lines`,
    unit: 'ms',
    result,
    target: { max: (LARGE / SMALL) * 1.1 },
  });
}
// 2 MB of UTF-16 (with a BOM) against the same text in UTF-8: decoding must not dominate.
const body = `${'JWT_AUDIENCE=api://relay\n'.repeat(40_000)}!\n`;
const utf16 = path.join(dir, 'utf16.env');
const utf8 = path.join(dir, 'utf8.env');
writeFileSync(utf16, Buffer.from(`\ufeff${body}`, 'utf16le'));
writeFileSync(utf8, body);
const encoding = await alternate(
  { run: () => run('utf16', utf16, ['--profile', 'relay']).ms },
  { run: () => run('utf8', utf8, ['--profile', 'relay']).ms },
);
report({
  bench: 'verify-config',
  what: `.env of 40k lines, UTF-16 (${(statSync(utf16).size / 1e6).toFixed(1)} MB) vs UTF-8`,
  aLabel: 'UTF-16',
  bLabel: 'UTF-8',
  unit: 'ms',
  result: encoding,
});
rmSync(dir, { recursive: true, force: true });

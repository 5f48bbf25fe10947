#!/usr/bin/env node
// verify-config on large inputs (issue #19): a .env of N syntax errors (each error used to re-split
// the whole file: 20k lines took 27 s), a 2 MB UTF-16 .env (> 120 s), and the plain-text renderer
// against --json on 100k findings (76 s vs 2 s). Everything here should grow linearly: the ms per
// 1k lines column should stay flat as N grows. Output goes to a file, not a pipe, so only authctl's
// own time is measured. Text and --format json alternate (A/B, the first side flips every round)
// over --rounds (default 5, at least 5); each cell is the median with the range (min-max).
//
//   npm run build && node bench/verify-large.mjs [--rounds 5]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROUNDS = Math.max(5, Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 5);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'authctl.js');
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

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/** Text and JSON output of one input, alternated over ROUNDS; median and range of each. */
function measure(label, file, args) {
  const ms = { text: [], json: [] };
  const bytes = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const format of round % 2 ? ['json', 'text'] : ['text', 'json']) {
      const r = run(`${label} ${format}`, file, [...args, '--format', format]);
      ms[format].push(r.ms);
      bytes[format] = r.bytes;
    }
  }
  return ['text', 'json'].map((format) => ({ format, ms: ms[format], bytes: bytes[format] }));
}

const cell = (values) =>
  `${Math.round(median(values))} (${Math.round(Math.min(...values))}-${Math.round(Math.max(...values))})`;

const rows = [];
for (const lines of [10_000, 20_000, 40_000, 100_000]) {
  const file = path.join(dir, `bang-${lines}.env`);
  writeFileSync(file, '!\n'.repeat(lines));
  for (const { format, ms, bytes } of measure(`${lines} errors`, file, ['--profile', 'relay'])) {
    rows.push({
      input: `.env, ${lines} syntax errors`,
      format,
      'ms (median, range)': cell(ms),
      'ms per 1k lines': (median(ms) / (lines / 1000)).toFixed(1),
      output: `${(bytes / 1e6).toFixed(1)} MB`,
    });
  }
}
// 2 MB of UTF-16 (with a BOM): 256k lines of KEY=value and one syntax error at the end.
const utf16 = path.join(dir, 'utf16.env');
writeFileSync(
  utf16,
  Buffer.from(`\ufeff${'JWT_AUDIENCE=api://relay\n'.repeat(40_000)}!\n`, 'utf16le'),
);
for (const { format, ms, bytes } of measure('utf16', utf16, ['--profile', 'relay'])) {
  rows.push({
    input: `.env, UTF-16, ${(statSync(utf16).size / 1e6).toFixed(1)} MB`,
    format,
    'ms (median, range)': cell(ms),
    'ms per 1k lines': (median(ms) / 40).toFixed(1),
    output: `${bytes} B`,
  });
}
console.log(`verify-config on large inputs, text and json alternated, ${ROUNDS} rounds`);
console.table(rows);
rmSync(dir, { recursive: true, force: true });

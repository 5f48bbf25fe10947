#!/usr/bin/env node
// `npm run bench`: every bench/ script in one run, one after another (never in parallel: they would
// load each other), each row A/B alternated over >= 5 rounds (bench/lib/ab.mjs). Writes one
// Markdown table to bench/results.md with the command and the machine, and puts the same table
// into docs/performance.md between its bench markers, so the docs quote only what this run printed.
//
//   npm run build && npm run bench            (about 8-11 minutes on a loaded 2-core machine)
//   node bench/run.mjs probe startup          (only these scripts; the docs are not rewritten)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Script and the arguments that keep the whole run under ~10 minutes. */
const SCRIPTS = [
  ['startup', []],
  ['startup-phases', []],
  ['sigv4', []],
  ['apikey', []],
  ['idp', ['--duration', '2']],
  ['idp-replicas', ['--duration', '1']],
  ['probe', []],
  ['verify-yaml', []],
  ['verify-large', []],
];
const only = process.argv.slice(2);
const chosen = only.length ? SCRIPTS.filter(([name]) => only.includes(name)) : SCRIPTS;
const results = path.join(mkdtempSync(path.join(os.tmpdir(), 'authctl-bench-')), 'rows.jsonl');
writeFileSync(results, '');

const started = Date.now();
const failed = [];
for (const [name, args] of chosen) {
  console.log(`\n## bench/${name}.mjs ${args.join(' ')}`);
  const t = Date.now();
  const run = spawnSync(process.execPath, [path.join(root, 'bench', `${name}.mjs`), ...args], {
    cwd: root,
    stdio: 'inherit',
    // NODE_EXTRA_CA_CERTS as the environment has it: each script removes it for the processes it
    // times, and puts it back for the second of START_UP_WAYS (bench/lib/ab.mjs).
    env: { ...process.env, BENCH_RESULTS: results },
  });
  console.log(`(${((Date.now() - t) / 1000).toFixed(0)} s)`);
  if (run.status !== 0) failed.push(`${name} (exit ${run.status})`);
}
const minutes = ((Date.now() - started) / 60000).toFixed(1);

const rows = readFileSync(results, 'utf8').trim().split('\n').filter(Boolean).map(JSON.parse);
rmSync(path.dirname(results), { recursive: true, force: true });
const fmt = (x, unit) =>
  unit === 'ms' ? (x < 10 ? x.toFixed(2) : x.toFixed(0)) : Math.round(x).toLocaleString('en');
const side = (s, unit) =>
  `${fmt(s.median, unit)} (${fmt(s.min, unit)}–${fmt(s.max, unit)}) ${unit}`;
const cell = (text) => String(text ?? '').replace(/\|/g, '\\|');
const cpus = os.cpus();
const machine = `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}, load average ${os
  .loadavg()
  .map((l) => l.toFixed(1))
  .join(' / ')} at the end`;
const table = [
  `Command: \`npm run build && npm run bench\` (${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${minutes} min).`,
  `Machine: ${machine}.`,
  '',
  'Each row: A and B alternated over the rounds shown (the three POST /token rows: authctl, the bare signer and the mock in turn in each round, so they share their samples); median (min–max). The ratio is A ÷ B taken per round.',
  'Every process the benches start runs without NODE_EXTRA_CA_CERTS (bench/lib/ab.mjs): Node would read that CA bundle at each start. The exception: the rows that time a whole command against node -e 0 run twice, the second time "as issue #17 measured", with the environment\'s NODE_EXTRA_CA_CERTS on both sides, where the targets are checked (docs/performance.md says why).',
  '',
  '| bench | what | A | B | A ÷ B | rounds | target |',
  '|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.bench} | ${cell(r.what)}${r.note ? ` (${cell(r.note)})` : ''} | ${cell(r.aLabel)}: ${side(r.a, r.unit)} | ${cell(r.bLabel)}: ${side(r.b, r.unit)} | **${r.ratio.median.toFixed(2)}×** (${r.ratio.min.toFixed(2)}–${r.ratio.max.toFixed(2)}) | ${r.ratio.n} | ${r.goal ? `${r.goal} ${r.met ? 'met' : '**not met**'}` : ''} |`,
  ),
  ...(failed.length ? ['', `Scripts that failed in this run: ${failed.join(', ')}.`] : []),
].join('\n');

if (!only.length) {
  writeFileSync(path.join(root, 'bench', 'results.md'), `# bench results\n\n${table}\n`);
  const page = path.join(root, 'docs', 'performance.md');
  const [open, close] = ['<!-- bench:results -->', '<!-- /bench:results -->'];
  if (existsSync(page)) {
    const text = readFileSync(page, 'utf8');
    const a = text.indexOf(open);
    const b = text.indexOf(close);
    if (a >= 0 && b > a)
      writeFileSync(page, `${text.slice(0, a + open.length)}\n${table}\n${text.slice(b)}`);
  }
  console.log(
    `\nwrote bench/results.md and docs/performance.md (${rows.length} rows, ${minutes} min)`,
  );
} else console.log(`\n${table}`);
process.exitCode = failed.length ? 1 : 0;

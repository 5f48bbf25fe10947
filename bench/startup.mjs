#!/usr/bin/env node
// Start-up cost of the installed CLI, as ratios against `node -e 0` measured in the same run.
// Runs are interleaved (baseline, --version, mint, baseline, ...) so machine noise hits all alike;
// the median of each is reported. Targets: --version <= 1.2x, token mint <= 1.5x.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'authctl.js');
const runs = Number(process.env.RUNS ?? 30);
const cwd = mkdtempSync(path.join(tmpdir(), 'authctl-bench-'));
const env = { ...process.env, AUTHCTL_HOME: path.join(cwd, 'home'), NO_COLOR: '1' };

const commands = {
  'node -e 0': [process.execPath, ['-e', '0']],
  'authctl --version': [process.execPath, [bin, '--version']],
  'authctl token mint': [process.execPath, [bin, 'token', 'mint', '--sub', 'alice']],
};

function time([cmd, args]) {
  const start = process.hrtime.bigint();
  const result = spawnSync(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${result.stderr}`);
  return ms;
}

// Warm-up: creates the signing key (first use) and warms the OS file cache.
for (const command of Object.values(commands)) time(command);

const samples = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
for (let i = 0; i < runs; i++)
  for (const [name, command] of Object.entries(commands)) samples[name].push(time(command));
rmSync(cwd, { recursive: true, force: true });

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const baseline = median(samples['node -e 0']);
const targets = { 'authctl --version': 1.2, 'authctl token mint': 1.5 };
console.log(`node ${process.version}, ${runs} interleaved runs each, median wall time`);
for (const [name, values] of Object.entries(samples)) {
  const m = median(values);
  const ratio = m / baseline;
  const target = targets[name];
  const verdict = target
    ? ratio <= target
      ? `ok (target <= ${target}x)`
      : `OVER target ${target}x`
    : 'baseline';
  console.log(
    `${name.padEnd(20)} ${m.toFixed(1).padStart(7)} ms  ${ratio.toFixed(2)}x  ${verdict}`,
  );
}

#!/usr/bin/env node
// The single-file binary against `node bin/authctl.js`: its size, and start-up of `--version` and
// `token mint`, interleaved in pairs (node, binary, node, binary, ...) so machine noise hits both
// alike; the median of each and the median of the per-pair ratios are reported.
//   node bench/binary.mjs [BINARY ...]      (default: dist-binary/authctl-<platform>-<arch>)
// Pass a second binary built with `--no-code-cache` to see what the V8 code cache buys.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'authctl.js');
const pairs = Math.max(15, Number(process.env.RUNS ?? 21));
const binaries = process.argv.slice(2).length
  ? process.argv.slice(2).map((file) => path.resolve(file))
  : [path.join(root, 'dist-binary', `authctl-${process.platform}-${process.arch}`)];
const cwd = mkdtempSync(path.join(tmpdir(), 'authctl-bench-binary-'));
const env = { ...process.env, AUTHCTL_HOME: path.join(cwd, 'home'), NO_COLOR: '1' };

function time(cmd, args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${result.stderr}`);
  return ms;
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

console.log(`node ${process.version}, ${pairs} interleaved pairs per command, median wall time`);
for (const binary of binaries) {
  console.log(`\n${path.relative(root, binary)}: ${(statSync(binary).size / 1e6).toFixed(1)} MB`);
  for (const args of [['--version'], ['token', 'mint', '--sub', 'alice']]) {
    time(process.execPath, [bin, ...args]); // warm-up (and the signing key on first use)
    time(binary, args);
    const node = [];
    const sea = [];
    for (let i = 0; i < pairs; i++) {
      node.push(time(process.execPath, [bin, ...args]));
      sea.push(time(binary, args));
    }
    const ratio = median(sea.map((ms, i) => ms / node[i]));
    console.log(
      `  authctl ${args.join(' ').padEnd(22)} node bin/authctl.js ${median(node).toFixed(1).padStart(6)} ms   binary ${median(sea).toFixed(1).padStart(6)} ms   ratio ${ratio.toFixed(2)}x`,
    );
  }
}
rmSync(cwd, { recursive: true, force: true });

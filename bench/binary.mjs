#!/usr/bin/env node
// The single-file binary against `node bin/authctl.cjs`: its size, and start-up of `--version` and
// `token mint`, alternating in >= 15 pairs (bench/lib/ab.mjs) so machine noise hits both alike;
// the median and range of each and of the per-pair ratios are reported. Not part of `npm run
// bench` (it needs `npm run build:binary` first).
//   node bench/binary.mjs [BINARY ...]      (default: dist-binary/authctl-<platform>-<arch>)
// Pass a second binary built with `--no-code-cache` to see what the V8 code cache buys.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { alternate, report, ROUNDS } from './lib/ab.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'authctl.cjs');
const pairs = Math.max(15, ROUNDS);
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
console.log(`node ${process.version}, ${pairs} alternating pairs per command`);
for (const binary of binaries) {
  console.log(`\n${path.relative(root, binary)}: ${(statSync(binary).size / 1e6).toFixed(1)} MB`);
  for (const args of [['--version'], ['token', 'mint', '--sub', 'alice']]) {
    const result = await alternate(
      { run: () => time(binary, args) },
      { run: () => time(process.execPath, [bin, ...args]) },
      { rounds: pairs },
    );
    report({
      bench: 'binary',
      what: `authctl ${args.join(' ')} (${path.basename(binary)})`,
      aLabel: 'single-file binary',
      bLabel: 'node bin/authctl.cjs',
      unit: 'ms',
      result,
    });
  }
}
rmSync(cwd, { recursive: true, force: true });

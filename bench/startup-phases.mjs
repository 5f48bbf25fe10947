#!/usr/bin/env node
// Where a start goes: `token mint`, `verify-config` on a small .env and `sigv4 sign`, each cut into
// the phases of its own timeline, every phase as a share of `node -e 0` measured alternately in the
// same rounds (bench/lib/ab.mjs's method: a ratio per round, its median and range). The first four
// rows of a command add up to its time from the first script Node runs to the exit: the launcher
// and the entry (bin/authctl.cjs, dist/cli/entry.cjs); the hot file (dist/cli/main.cjs: its read,
// its code cache, its module bodies: commander's and the command shape's); the cold files (each
// one's read, cache and body); the rest (commander building and parsing the command line, the
// command's work, its output, the exit). "Of which" is inside those: node:crypto's first load,
// and the garbage collection pauses wherever they fell. A command's ratio in bench/startup.mjs is
// about 1 + the sum of its first four rows (Node's own start and exit are on both sides). No
// targets: bench/startup.mjs holds them. bench/lib/phases.cjs hooks the reads and compiles and
// observes the pauses, which costs each row a little.
//
//   npm run build && node bench/startup-phases.mjs        (BENCH_ROUNDS=N for more rounds)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { report, ROUNDS, stats } from './lib/ab.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'authctl.cjs');
const preload = path.join(root, 'bench', 'lib', 'phases.cjs');
const cwd = mkdtempSync(path.join(tmpdir(), 'authctl-bench-phases-'));
const phasesFile = path.join(cwd, 'phases.jsonl');
const env = {
  ...process.env,
  AUTHCTL_HOME: path.join(cwd, 'home'),
  XDG_CACHE_HOME: path.join(cwd, 'cache'),
  AUTHCTL_PHASES_FILE: phasesFile,
  NO_COLOR: '1',
};
const rounds = Math.max(21, ROUNDS);
mkdirSync(path.join(cwd, 'home'));
writeFileSync(
  path.join(cwd, 'relay.env'),
  'JWT_AUDIENCE=api://relay\nJWT_ISSUER=https://id.example\n',
);

const COMMANDS = [
  ['authctl token mint', ['token', 'mint', '--sub', 'alice']],
  ['authctl verify-config (small .env)', ['verify-config', 'relay.env', '--profile', 'relay']],
  [
    'authctl sigv4 sign',
    [
      ...['sigv4', 'sign', 'https://examplebucket.s3.amazonaws.com/a.txt'],
      ...['--region', 'us-east-1', '--service', 's3', '--access-key', 'AKIDEXAMPLE'],
      ...['--secret-key', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'],
    ],
  ],
];

function spawn(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd, env, stdio: 'pipe' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0 && result.status !== 1)
    throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return { ms, stdout: result.stdout.toString() };
}

/** One start of `args`, cut into its phases (ms): consecutive windows, then what is inside them. */
function phasesOf(args) {
  rmSync(phasesFile, { force: true });
  spawn(['-r', preload, bin, ...args]);
  const m = JSON.parse(readFileSync(phasesFile, 'utf8'));
  const cold = m.cold === undefined ? 0 : m.coldEnd - m.cold;
  const windows = {
    'the launcher and the entry': m.hot - m.started,
    'the hot file (read, code cache, module bodies)': m.hotEnd - m.hot,
    'the cold files (read, code cache, module bodies)': cold,
  };
  const counted = Object.values(windows).reduce((sum, ms) => sum + ms, 0);
  return {
    ...windows,
    'commander, the command, its output': m.exit - m.started - counted,
    'of which loading node:crypto': m.crypto ?? 0,
    'of which garbage collection': m.gc,
  };
}

console.log(`node ${process.version}, ${rounds} rounds per command, alternating with node -e 0`);
for (const [name, args] of COMMANDS) {
  // Warm the code cache as a user's first runs do (bench/startup.mjs does the same).
  for (let i = 0; i < 3; i++) spawn([bin, ...args]);
  const samples = [];
  const node = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2) node.push(spawn(['-e', '0']).ms);
    samples.push(phasesOf(args));
    if (r % 2 === 0) node.push(spawn(['-e', '0']).ms);
  }
  for (const phase of Object.keys(samples[0])) {
    const values = samples.map((s) => s[phase]);
    report({
      bench: 'startup-phases',
      what: `${name}: ${phase}`,
      aLabel: 'phase',
      bLabel: 'node -e 0',
      unit: 'ms',
      result: {
        a: stats(values),
        b: stats(node),
        ratio: stats(values.map((v, i) => v / node[i])),
      },
    });
  }
}
rmSync(cwd, { recursive: true, force: true });

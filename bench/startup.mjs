#!/usr/bin/env node
// Start-up cost of the CLI, each command against `node -e 0` in the same run: pairs alternate
// (command, node, node, command, ...) over >= 31 rounds, the ratio is taken per pair (median and
// range). Targets from issue #17: token mint <= 1.25x; decode, verify-config (small file), apikey
// verify (100 keys), sigv4 sign, keys list <= 1.4x; --version <= 1.2x. Every row is measured twice
// (bench/lib/ab.mjs START_UP_WAYS): without NODE_EXTRA_CA_CERTS (a command's own cost), then as the
// issue measured, the environment's NODE_EXTRA_CA_CERTS on both sides, where the targets are
// checked; each row's note says how many ms the command adds and the target allows. Rows without
// a target: the floor (a minimal node:crypto signer), loading node:crypto alone, and `node -e 0`
// with the environment's CA bundle against `node -e 0` without it.
//
//   npm run build && node bench/startup.mjs        (BENCH_ROUNDS=N for more pairs)
//   node bench/startup.mjs verify-config           (only the rows whose name contains the word)
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  alternate,
  ENVIRONMENT_CA_CERTS,
  overNodeNote,
  report,
  ROUNDS,
  START_UP_WAYS,
} from './lib/ab.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'authctl.cjs');
const cwd = mkdtempSync(path.join(tmpdir(), 'authctl-bench-'));
// An empty V8 code cache (src/cli/hot-loader.ts), warmed by the fixture runs below as a user's first runs warm theirs.
const env = {
  ...process.env,
  AUTHCTL_HOME: path.join(cwd, 'home'),
  XDG_CACHE_HOME: path.join(cwd, 'cache'),
  NO_COLOR: '1',
};
// 31, not the minimum of 15: on this 2-core machine the median of 15 pairs moved by up to
// 0.12x between two runs of the same build (apikey verify 1.28x, then 1.40x).
const pairs = Math.max(31, ROUNDS);
const only = process.argv[2];
const wanted = (name) => !only || name.includes(only);

function time(args, input, ok = [0], extraEnv = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, {
    cwd,
    env: { ...env, ...extraEnv },
    input,
    stdio: 'pipe',
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (!ok.includes(result.status))
    throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

// Fixtures: a token, a 100-key API-key store, a small .env for verify-config.
const token = spawnSync(process.execPath, [bin, 'token', 'mint', '--sub', 'alice'], { cwd, env })
  .stdout.toString()
  .trim();
const store = path.join(cwd, 'keys.json');
let key = '';
// The store takes 100 processes to build: only for its own row.
const APIKEY_ROW = 'authctl apikey verify (100 keys)';
// Built when that row runs (`node bench/startup.mjs keys` selects it too: "100 keys").
for (let i = 0; i < (START_UP_WAYS.some((w) => wanted(APIKEY_ROW + w.label)) ? 100 : 0); i++) {
  const out = spawnSync(
    process.execPath,
    [bin, 'apikey', 'create', '--name', `k${i}`, '--store', store, '--json'],
    { cwd, env },
  ).stdout.toString();
  if (i === 0) key = JSON.parse(out).key;
}
// Not in cwd: every other row would find it (a config costs every command its load).
mkdirSync(path.join(cwd, 'configured'));
writeFileSync(
  path.join(cwd, 'configured', 'authctl.toml'),
  '[token]\nissuer = "http://127.0.0.1:9400"\naudience = "api://orders"\nttl = "15m"\n',
);
writeFileSync(
  path.join(cwd, 'relay.env'),
  'JWT_AUDIENCE=api://relay\nJWT_ISSUER=https://id.example\n',
);

// The floor of `token mint`: a minimal CommonJS script that reads a PEM key, signs a JWT with
// node:crypto and prints it. No target: it shows how much of a ratio is Node's, not authctl's.
writeFileSync(
  path.join(cwd, 'floor.pem'),
  generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  }),
);
writeFileSync(
  path.join(cwd, 'floor.cjs'),
  `const c = require('node:crypto');
const key = c.createPrivateKey(require('node:fs').readFileSync(__dirname + '/floor.pem'));
const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const input = part({ alg: 'RS256', typ: 'JWT' }) + '.' + part({ sub: 'alice', iat: Math.floor(Date.now() / 1000) });
process.stdout.write(input + '.' + c.sign('sha256', Buffer.from(input), key).toString('base64url') + '\\n');
`,
);

// Each command: [name, arguments (or a runner of its own), issue #17's target]. A runner gets the
// environment the row adds (the CA bundle, for the rows measured as the issue measured).
const COMMANDS = [
  [
    'minimal node:crypto JWT signer (the floor of token mint)',
    (extra) => time(['floor.cjs'], undefined, [0], extra),
  ],
  // What loading node:crypto alone costs (it loads Node's streams): every command that hashes or signs.
  [
    'node -e "require(\'node:crypto\')"',
    (extra) => time(['-e', "require('node:crypto')"], undefined, [0], extra),
  ],
  ['authctl --version', ['--version'], 1.2],
  ['authctl token mint', ['token', 'mint', '--sub', 'alice'], 1.25],
  // A team's CI usually has an authctl.toml: found, parsed (smol-toml) and validated (zod, the
  // sections it has only). No target of its own: the row is the one without.
  [
    'authctl token mint, authctl.toml with [token]',
    (extra) =>
      time([bin, 'token', 'mint', '--sub', 'alice'], undefined, [0], {
        ...extra,
        AUTHCTL_CONFIG_FILE: path.join(cwd, 'configured', 'authctl.toml'),
      }),
  ],
  ['authctl token decode', ['token', 'decode', token], 1.4],
  [
    'authctl verify-config (small .env)',
    ['verify-config', 'relay.env', '--profile', 'relay'],
    1.4,
    undefined,
    [0, 1],
  ],
  [APIKEY_ROW, ['apikey', 'verify', '--store', store], 1.4, key],
  [
    'authctl sigv4 sign',
    [
      'sigv4',
      'sign',
      'https://examplebucket.s3.amazonaws.com/a.txt',
      '--region',
      'us-east-1',
      '--service',
      's3',
      '--access-key',
      'AKIDEXAMPLE',
      '--secret-key',
      'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    ],
    1.4,
  ],
  ['authctl keys list', ['keys', 'list'], 1.4],
];
const runner = ([, args, , input, ok]) =>
  Array.isArray(args) ? (extra) => time([bin, ...args], input, ok, extra) : args;

console.log(`node ${process.version}, ${pairs} alternating pairs per command against node -e 0`);
if (ENVIRONMENT_CA_CERTS && wanted(`node -e 0 with NODE_EXTRA_CA_CERTS`)) {
  const extra = { NODE_EXTRA_CA_CERTS: ENVIRONMENT_CA_CERTS };
  const bundle = { run: () => time(['-e', '0'], undefined, [0], extra) };
  await row(`node -e 0 with NODE_EXTRA_CA_CERTS=${ENVIRONMENT_CA_CERTS}`, bundle, START_UP_WAYS[0]);
}
// Each command both ways (bench/lib/ab.mjs START_UP_WAYS), one right after the other so that both
// rows see the same load: its own cost, then as issue #17 measured it, where the targets are checked.
for (const command of COMMANDS)
  for (const way of START_UP_WAYS) {
    const name = `${command[0]}${way.label}`;
    if (!wanted(name)) continue;
    const run = runner(command);
    await row(name, { run: () => run(way.env) }, way, command[2]);
  }

async function row(what, command, way, max) {
  const node = { run: () => time(['-e', '0'], undefined, [0], way.env) };
  const result = await alternate(command, node, { rounds: pairs });
  const checked = max === undefined || !way.targets ? undefined : max;
  report({
    bench: 'startup',
    what,
    aLabel: 'command',
    bLabel: 'node -e 0',
    unit: 'ms',
    result,
    target: checked === undefined ? undefined : { max: checked },
    note: overNodeNote(result, checked),
  });
}
rmSync(cwd, { recursive: true, force: true });

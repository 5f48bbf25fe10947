// bench/instructions: user-space instructions per request, counted by valgrind's callgrind, for
// `authctl idp serve` against the bare node:http servers of bench/idp.mjs (JWKS and discovery: the
// same bytes and headers; POST /token: a server that only signs). A count does not move with the machine's load,
// so a change of a few percent shows here when the req/s rows cannot tell it from noise.
//
// Each round starts the server under callgrind with counting off, warms it up (V8 has compiled its
// hot path), counts a fixed number of requests sent by autocannon from this process, and stops.
// Left out of the figure: V8's optimising compiler (its background threads lag under valgrind, so
// how much of it lands in the window is chance) and OpenSSL's functions: on the token row, the
// RSA signature's arithmetic and plumbing (the same signature on both sides, ~6.4 M instructions). The kernel's share (the socket writes)
// is not counted by valgrind at all. Needs valgrind; takes about 20 minutes at the defaults.
//
//   npm run build && node bench/instructions.mjs [--rounds 5] [--only jwks|discovery|token]
import autocannon from 'autocannon';
import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { alternate, report } from './lib/ab.mjs';
import { BARE_SERVER, bareServerEnv } from './lib/bare-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'authctl.cjs');
const option = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const ROUNDS = Number(option('rounds') ?? 5);
const BASIC = `Basic ${Buffer.from('bench-client:bench-secret').toString('base64')}`;

/** Functions of V8's optimising compiler, and of OpenSSL's big-number and RSA code. */
const COMPILER = /compiler::|Maglev|turboshaft/;
const CRYPTO = /rsaz|RSAZ|bn_|BN_|RSA_|ossl_|OPENSSL_|EVP_|CRYPTO_|mont|constant_time/;

const TARGETS = {
  jwks: { path: '/jwks', warm: 20_000, count: 5_000, request: {} },
  discovery: { path: '/.well-known/openid-configuration', warm: 20_000, count: 5_000, request: {} },
  token: {
    path: '/token',
    warm: 2_000,
    count: 1_000,
    request: {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: BASIC },
      body: 'grant_type=client_credentials&scope=bench',
    },
  },
};

function hasValgrind() {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Starts `args` under callgrind, counting off; resolves with the child, its URL and its output dir. */
function startCounted(args, env = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'authctl-callgrind-'));
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--instr-atstart=no',
      '--cache-sim=no',
      '--branch-sim=no',
      // JIT code is written and rewritten in place: valgrind must re-translate it when it changes.
      '--smc-check=all-non-file',
      `--callgrind-out-file=${path.join(dir, 'out.%p')}`,
      process.execPath,
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, ...env } },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, dir, url: JSON.parse(out.slice(0, nl)).issuer });
    });
    child.on('exit', (code) =>
      reject(new Error(`${args.join(' ')} exited ${code} under valgrind`)),
    );
  });
}

async function send(url, target, amount) {
  const result = await autocannon({
    url: `${url}${target.path}`,
    connections: 10,
    amount,
    timeout: 120,
    ...target.request,
  });
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`${url}${target.path}: ${bad} failed requests`);
}

// vgdb reaches the server with ptrace: where that is refused it would wait for ever.
const control = (args, pid) =>
  execFileSync('callgrind_control', [...args, String(pid)], { stdio: 'ignore', timeout: 60_000 });

/** Stops a child and waits for it (at once if it has already exited). */
function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  return exited;
}

/** Instructions per request of `target.count` requests after `target.warm`, compiler (and crypto) left out. */
async function countOnce(start, target) {
  const server = await start();
  let text;
  try {
    await send(server.url, target, target.warm);
    control(['-i', 'on'], server.child.pid);
    await send(server.url, target, target.count);
    control(['-i', 'off'], server.child.pid);
    control(['-d'], server.child.pid);
    await stop(server.child);
    // The dump, not the (near empty) file callgrind writes again at exit.
    const file = readdirSync(server.dir)
      .map((name) => path.join(server.dir, name))
      .sort((a, b) => statSync(b).size - statSync(a).size)[0];
    if (!file) throw new Error(`callgrind wrote no profile in ${server.dir}`);
    text = execFileSync('callgrind_annotate', ['--threshold=100', file], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
  } finally {
    await stop(server.child);
    rmSync(server.dir, { recursive: true, force: true });
  }
  let counted = 0;
  for (const line of text.split('\n')) {
    const match = /^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$/.exec(line);
    if (!match || match[2].includes('PROGRAM TOTALS')) continue;
    if (COMPILER.test(match[2]) || CRYPTO.test(match[2])) continue;
    counted += Number(match[1].replaceAll(',', ''));
  }
  return counted / target.count;
}

/** What the bare server answers with: this issuer's own JWKS (and discovery), as bench/idp.mjs does. */
async function bareEnvOf(home) {
  const server = await startPlain([bin, 'idp', 'serve', '--port', '0', '--json', '--home', home]);
  try {
    return await bareServerEnv(server.url);
  } finally {
    await stop(server.child);
  }
}

function startPlain(args) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, url: JSON.parse(out.slice(0, nl)).issuer });
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}`)));
  });
}

const count = (s) =>
  `${Math.round(s.median).toLocaleString('en')} (${Math.round(s.min).toLocaleString('en')}–${Math.round(s.max).toLocaleString('en')})`;

/** The rows of a full run, between docs/performance.md's instructions markers (as bench/run.mjs does its table). */
function writeDocs(lines) {
  const page = path.join(root, 'docs', 'performance.md');
  const [open, close] = ['<!-- instructions:results -->', '<!-- /instructions:results -->'];
  if (!existsSync(page)) return;
  const text = readFileSync(page, 'utf8');
  const [a, b] = [text.indexOf(open), text.indexOf(close)];
  if (a < 0 || b < a) return;
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const block = [
    `Command: \`npm run build && node bench/instructions.mjs\` (${when} UTC, node ${process.version}); instructions per request, median (min–max):`,
    '',
    ...lines,
  ].join('\n');
  writeFileSync(page, `${text.slice(0, a + open.length)}\n${block}\n${text.slice(b)}`);
  console.log('wrote docs/performance.md');
}

const printed = [];
if (!hasValgrind()) {
  console.log('bench/instructions: valgrind is not installed (apt-get install valgrind); skipped');
  process.exit(0);
}
const home = mkdtempSync(path.join(tmpdir(), 'authctl-bench-instructions-'));
try {
  execFileSync(process.execPath, [bin, 'token', 'mint', '--home', home, '--sub', 'bench'], {
    stdio: 'ignore',
  });
  const bareEnv = await bareEnvOf(home);
  console.log(`bench/instructions (node ${process.version}, callgrind, ${ROUNDS} rounds)`);
  const authctl = () =>
    startCounted([bin, 'idp', 'serve', '--port', '0', '--json', '--home', home]);
  const rows = [
    ['jwks', 'GET /jwks', 'bare node:http, same bytes'],
    ['discovery', 'GET discovery', 'bare node:http, same bytes'],
    ['token', 'POST /token client_credentials', 'bare server that only signs'],
  ].filter(([key]) => !option('only') || option('only') === key);
  const bare = () => startCounted(['--input-type=module', '-e', BARE_SERVER], bareEnv);
  for (const [key, what, bLabel] of rows) {
    const target = TARGETS[key];
    const result = await alternate(
      { run: () => countOnce(authctl, target) },
      { run: () => countOnce(bare, target) },
      { rounds: ROUNDS, warmup: false },
    );
    printed.push(
      `- ${what}: authctl ${count(result.a)} vs ${bLabel} ${count(result.b)} = ${result.ratio.median.toFixed(2)}× (${result.ratio.min.toFixed(2)}–${result.ratio.max.toFixed(2)}×, ${result.ratio.n} rounds)`,
    );
    report({
      bench: 'instructions',
      what: `${what}, instructions per request${key === 'token' ? ' outside OpenSSL' : ''}`,
      aLabel: 'authctl',
      bLabel,
      unit: 'instructions',
      result,
    });
  }
  if (!option('only')) writeDocs(printed);
} finally {
  rmSync(home, { recursive: true, force: true });
}

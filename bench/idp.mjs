// bench/idp: `authctl idp serve` against oauth2-mock-server (v8) and against bare node:http
// servers (the ceiling for a Node server: the same JWKS / discovery responses, body and headers, and one that only
// signs an RS256 JWT per token request), all RS256 2048, each in its own process, driven by
// autocannon on loopback from this process. Every server pair alternates over >= 9 rounds
// (bench/lib/ab.mjs), and the three token servers take turns in each of >= 9 rounds; also the
// time from spawning `authctl idp serve` to the first answered discovery request against
// `node -e 0`. Targets (issue #17): JWKS and discovery >= 0.8x the bare
// server, token >= 0.8x the bare signer and >= 3x oauth2-mock-server.
//
//   npm run build && node bench/idp.mjs [--duration 2] [--connections 50]
import autocannon from 'autocannon';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROUNDS, alternate, alternateEach, report } from './lib/ab.mjs';
import { BARE_SERVER, bareServerEnv } from './lib/bare-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'authctl.cjs');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const DURATION = arg('duration', 2);
const CONNECTIONS = arg('connections', 50);
const BASIC = `Basic ${Buffer.from('bench-client:bench-secret').toString('base64')}`;
/**
 * Rounds of each server pair, more than the other scripts' 5: on this 2-core machine one server's
 * rate moves by a third from one 2 s round to the next, and 5 pairs let a single slow stretch decide
 * the median. Repeats of the discovery row on one build (2026-12-07, four runs each) read 0.63-1.06x
 * with 5 rounds and 0.84-0.91x with 9 (docs/performance.md).
 */
const SERVER_ROUNDS = Math.max(9, ROUNDS);

function spawnLine(args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'ignore'],
      ...options,
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, line: out.slice(0, nl) });
    });
    child.on('exit', (code) =>
      reject(new Error(`${args.join(' ')} exited ${code} before printing`)),
    );
  });
}

async function startAuthctl(home) {
  const { child, line } = await spawnLine([
    bin,
    'idp',
    'serve',
    '--port',
    '0',
    '--json',
    '--home',
    home,
  ]);
  return { child, url: JSON.parse(line).issuer };
}

const MOCK_SERVER = `
import { OAuth2Server } from 'oauth2-mock-server';
const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');
await server.start(0, '127.0.0.1');
process.stdout.write(JSON.stringify({ issuer: server.issuer.url }) + '\\n');
`;

async function startMock() {
  const { child, line } = await spawnLine(['--input-type=module', '-e', MOCK_SERVER], {
    cwd: root,
  });
  return { child, url: JSON.parse(line).issuer.replace(/\/$/, '') };
}

async function load(opts) {
  const result = await autocannon({ connections: CONNECTIONS, duration: DURATION, ...opts });
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0)
    throw new Error(
      `${opts.url}: ${bad} failed requests (non2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts})`,
    );
  return result.requests.average;
}

const jwksLoad = (url) => load({ url: `${url}/jwks` });
const discoveryLoad = (url) => load({ url: `${url}/.well-known/openid-configuration` });
const tokenLoad = (url) =>
  load({
    url: `${url}/token`,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: BASIC },
    body: 'grant_type=client_credentials&scope=bench',
  });

async function timeToFirstDiscovery(home) {
  const started = performance.now();
  const { child, url } = await startAuthctl(home);
  const response = await fetch(`${url}/.well-known/openid-configuration`);
  await response.json();
  const ms = performance.now() - started;
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  return ms;
}

async function nodeStartup() {
  const started = performance.now();
  await new Promise((resolve) => spawn(process.execPath, ['-e', '0']).on('exit', resolve));
  return performance.now() - started;
}

async function startBare(authctlUrl) {
  const env = { ...process.env, ...(await bareServerEnv(authctlUrl)) };
  const { child, line } = await spawnLine(['--input-type=module', '-e', BARE_SERVER], { env });
  return { child, url: JSON.parse(line).issuer };
}

const home = mkdtempSync(path.join(tmpdir(), 'authctl-bench-idp-'));
const children = [];
try {
  console.log(
    `bench/idp (node ${process.version}, ${CONNECTIONS} connections, ${DURATION} s per round)`,
  );
  // The key on disk first, as CI re-runs have it: `idp serve` makes its key in the background and
  // a run stopped as soon as it answers leaves none, so every timed start would make one too.
  execFileSync(process.execPath, [bin, 'token', 'mint', '--home', home, '--sub', 'bench'], {
    stdio: 'ignore',
  });
  if (!existsSync(path.join(home, 'keys.json'))) throw new Error(`no keystore in ${home}`);
  await timeToFirstDiscovery(home); // warms the V8 code cache
  const startup = await alternate({ run: () => timeToFirstDiscovery(home) }, { run: nodeStartup });
  report({
    bench: 'idp',
    what: 'spawn `idp serve` → first discovery answer',
    aLabel: 'authctl idp serve',
    bLabel: 'node -e 0',
    unit: 'ms',
    result: startup,
  });

  const authctl = await startAuthctl(home);
  children.push(authctl.child);
  const mock = await startMock();
  children.push(mock.child);
  const bare = await startBare(authctl.url);
  children.push(bare.child);
  for (const server of [authctl, mock, bare]) {
    await fetch(`${server.url}/jwks`);
    await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: BASIC },
      body: 'grant_type=client_credentials',
    });
  }
  const pairs = [
    ['GET /jwks', jwksLoad, bare, 'bare node:http, same bytes', { min: 0.8 }],
    ['GET /jwks', jwksLoad, mock, 'oauth2-mock-server'],
    ['GET discovery', discoveryLoad, bare, 'bare node:http, same bytes', { min: 0.8 }],
  ];
  for (const [what, loadFn, other, bLabel, target] of pairs) {
    // Each pair warms both servers up first (one untimed round each, alternate()'s default): the
    // first pair used to time authctl's first seconds of load, V8 still compiling its hot path
    // (JWKS read 33,936 req/s in that pair and 54,000 in the next, in one run on 2026-12-07).
    const result = await alternate(
      { run: () => loadFn(authctl.url) },
      { run: () => loadFn(other.url) },
      { rounds: SERVER_ROUNDS },
    );
    report({ bench: 'idp', what, aLabel: 'authctl', bLabel, unit: 'req/s', result, target });
  }
  // The token rows: authctl, the bare signer and the mock in the same rounds (each round runs all
  // three), so every ratio divides samples of the same moments. The bare signer against the mock
  // is the ceiling of the "3x oauth2-mock-server" target: authctl can reach 3x the mock only while
  // the ceiling stays above 3x / (authctl vs the bare signer). It moves with the machine, not with
  // authctl: 3.3-3.7x in the runs of earlier sessions, 2.6-2.8x on the host of 2026-12-07's last
  // session, where the mock answered 2,200-2,700 req/s against 1,400-1,650 before.
  const tokenRounds = await alternateEach(
    [authctl, bare, mock].map((server) => ({ run: () => tokenLoad(server.url) })),
    { rounds: SERVER_ROUNDS },
  );
  report({
    bench: 'idp',
    what: 'POST /token client_credentials',
    aLabel: 'authctl',
    bLabel: 'bare server that only signs',
    unit: 'req/s',
    result: tokenRounds.pair(0, 1),
    target: { min: 0.8 },
  });
  const ceiling = tokenRounds.pair(1, 2);
  const reach = ceiling.ratio.median;
  report({
    bench: 'idp',
    what: 'POST /token client_credentials, the ceiling: a server that only signs',
    aLabel: 'bare server that only signs',
    bLabel: 'oauth2-mock-server',
    unit: 'req/s',
    result: ceiling,
    note:
      reach < 3
        ? 'median below 3×: here a server that signs as the bare one does falls short of the 3× target'
        : undefined,
  });
  report({
    bench: 'idp',
    what: 'POST /token client_credentials',
    aLabel: 'authctl',
    bLabel: 'oauth2-mock-server',
    unit: 'req/s',
    result: tokenRounds.pair(0, 2),
    target: { min: 3 },
    note: `the ceiling is ${reach.toFixed(2)}× in these rounds: 3× needs authctl at ≥ ${(3 / reach).toFixed(2)}× the bare signer`,
  });
} finally {
  for (const child of children) child.kill('SIGTERM');
  rmSync(home, { recursive: true, force: true });
}

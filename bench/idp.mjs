// bench/idp: `authctl idp serve` vs oauth2-mock-server (v8), both RS256, both in their own
// process, driven by autocannon on loopback from this process. Prints req/s and p99 for JWKS GET
// and client_credentials, the ratios, raw RS256 signing on one core (the ceiling for token
// requests), and the time from spawning `authctl idp serve --port 0 --json` to the first answered
// discovery request (against `node -e 0` measured in the same run).
//
//   npm run build && node bench/idp.mjs [--duration 5] [--connections 50]
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { createSign, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'authctl.js');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const DURATION = arg('duration', 5);
const CONNECTIONS = arg('connections', 50);
const BASIC = `Basic ${Buffer.from('bench-client:bench-secret').toString('base64')}`;

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
  return { rps: result.requests.average, p99: result.latency.p99 };
}

const jwksLoad = (url) => load({ url: `${url}/jwks` });
const tokenLoad = (url) =>
  load({
    url: `${url}/token`,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: BASIC },
    body: 'grant_type=client_credentials&scope=bench',
  });

function rawSignsPerSecond() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const data = Buffer.from('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJiZW5jaCJ9');
  const end = performance.now() + 2000;
  let n = 0;
  while (performance.now() < end) {
    createSign('RSA-SHA256').update(data).sign(privateKey);
    n++;
  }
  return n / 2;
}

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

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString('en-US');

const home = mkdtempSync(path.join(tmpdir(), 'authctl-bench-idp-'));
const children = [];
try {
  // Start-up: first run creates the key in the background; measure warm runs (key on disk), like CI re-runs.
  await timeToFirstDiscovery(home);
  const startups = [];
  const nodes = [];
  for (let i = 0; i < 7; i++) {
    nodes.push(await nodeStartup());
    startups.push(await timeToFirstDiscovery(home));
  }
  const freshHome = mkdtempSync(path.join(tmpdir(), 'authctl-bench-idp-fresh-'));
  const fresh = await timeToFirstDiscovery(freshHome);
  rmSync(freshHome, { recursive: true, force: true });

  const authctl = await startAuthctl(home);
  children.push(authctl.child);
  const mock = await startMock();
  children.push(mock.child);
  // Warm both (JIT, key import, first key generation).
  for (const server of [authctl, mock]) {
    await fetch(`${server.url}/jwks`);
    await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: BASIC },
      body: 'grant_type=client_credentials',
    });
  }
  const results = {
    jwks: { authctl: await jwksLoad(authctl.url), mock: await jwksLoad(mock.url) },
    token: { authctl: await tokenLoad(authctl.url), mock: await tokenLoad(mock.url) },
  };
  const signs = rawSignsPerSecond();

  console.log(
    `bench/idp  (node ${process.version}, ${CONNECTIONS} connections, ${DURATION}s per run, RS256 2048 on both)`,
  );
  console.log('');
  console.log('endpoint            authctl req/s   p99    oauth2-mock-server req/s   p99    ratio');
  for (const [name, label] of [
    ['jwks', 'JWKS GET'],
    ['token', 'client_credentials'],
  ]) {
    const a = results[name].authctl;
    const m = results[name].mock;
    console.log(
      `${label.padEnd(19)} ${fmt(a.rps).padStart(13)} ${`${a.p99}ms`.padStart(6)}    ${fmt(m.rps).padStart(22)} ${`${m.p99}ms`.padStart(6)}    ${(a.rps / m.rps).toFixed(2)}x`,
    );
  }
  console.log('');
  console.log(
    `raw RS256 sign (node:crypto, one core): ${fmt(signs)} signs/s   (authctl client_credentials = ${((results.token.authctl.rps / signs) * 100).toFixed(0)}% of it)`,
  );
  console.log(
    `time to first discovery answer (spawn \`authctl idp serve --port 0 --json\`): median ${median(startups).toFixed(0)} ms over 7 runs (keys on disk); ${fresh.toFixed(0)} ms on a fresh keystore`,
  );
  console.log(
    `baseline \`node -e 0\`: median ${median(nodes).toFixed(0)} ms  -> serve costs ${(median(startups) / median(nodes)).toFixed(1)}x a bare node start`,
  );
  console.log('');
  console.log(
    `targets: >= 2x oauth2-mock-server on both (jwks ${results.jwks.authctl.rps / results.jwks.mock.rps >= 2 ? 'met' : 'NOT met'}, token ${results.token.authctl.rps / results.token.mock.rps >= 2 ? 'met' : 'NOT met'}); first discovery < 300 ms (${median(startups) < 300 ? 'met' : 'NOT met'})`,
  );
} finally {
  for (const child of children) child.kill('SIGTERM');
  rmSync(home, { recursive: true, force: true });
}

// bench/idp-replicas: POST /token (client_credentials) throughput of `authctl idp serve` as two
// replicas on one Redis against one replica on the same Redis (what a second replica buys), and of
// one replica on Redis against one on the in-memory store (what the shared store costs). Every
// configuration sits behind the same small round-robin proxy written here (node:http, keep-alive,
// its own process), so the proxy's cost is on both sides of each pair. A and B alternate over >= 5
// rounds (bench/lib/ab.mjs); rows go to bench/run.mjs like the other scripts'. Needs redis-server
// (skips with a message otherwise).
//
//   npm run build && node bench/idp-replicas.mjs [--duration 2] [--connections 50]
import autocannon from 'autocannon';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { alternate, report } from './lib/ab.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'authctl.cjs');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const DURATION = arg('duration', 2);
const CONNECTIONS = arg('connections', 50);
const BASIC = `Basic ${Buffer.from('bench-client:bench-secret').toString('base64')}`;

// Round robin over BACKENDS (comma-separated origins), one keep-alive agent, bodies streamed.
const PROXY = `
import http from 'node:http';
const backends = process.env.BACKENDS.split(',').map((u) => new URL(u));
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
let next = 0;
const server = http.createServer((req, res) => {
  const to = backends[next++ % backends.length];
  const out = http.request(
    { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers, agent },
    (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    },
  );
  out.on('error', () => { res.writeHead(502); res.end(); });
  req.pipe(out);
});
server.listen(0, '127.0.0.1', () =>
  process.stdout.write(JSON.stringify({ url: 'http://127.0.0.1:' + server.address().port }) + '\\n'));
`;

const children = [];

function spawnLine(args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'ignore'],
      ...options,
    });
    children.push(child);
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)));
    });
    child.on('exit', (code) =>
      reject(new Error(`${args.join(' ')} exited ${code} before printing`)),
    );
  });
}

const freePort = () =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

async function startRedis() {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  children.push(child);
  for (let i = 0; i < 200; i++) {
    if (
      spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.includes(
        'PONG',
      )
    )
      return `redis://127.0.0.1:${port}/0`;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server did not start on ${port}`);
}

/** `replicas` issuers sharing `home` and `store`, behind one proxy; resolves with the proxy's URL. */
async function deployment(home, replicas, store) {
  const urls = [];
  for (let i = 0; i < replicas; i++) {
    const args = [bin, 'idp', 'serve', '--port', '0', '--json', '--no-log', '--home', home];
    urls.push((await spawnLine(store ? [...args, '--store', store] : args)).listen);
  }
  const { url } = await spawnLine(['--input-type=module', '-e', PROXY], {
    env: { ...process.env, BACKENDS: urls.join(',') },
  });
  return url;
}

async function tokenLoad(url) {
  const result = await autocannon({
    url: `${url}/token`,
    connections: CONNECTIONS,
    duration: DURATION,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: BASIC },
    body: 'grant_type=client_credentials&scope=bench',
  });
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`${url}: ${bad} failed requests (non2xx ${result.non2xx})`);
  return result.requests.average;
}

if (spawnSync('redis-server', ['--version']).status !== 0) {
  console.log(
    'bench/idp-replicas: redis-server is not installed (Debian: apt-get install redis-server): skipped',
  );
  process.exit(0);
}
const home = mkdtempSync(path.join(tmpdir(), 'authctl-bench-replicas-'));
try {
  console.log(
    `bench/idp-replicas (node ${process.version}, ${CONNECTIONS} connections, ${DURATION} s per round)`,
  );
  const redis = await startRedis();
  // The first issuer creates the shared signing key before the others start.
  const memory = await deployment(home, 1);
  await tokenLoad(memory);
  // Each deployment its own key prefix on the one Redis: they share the server, not their state.
  const one = await deployment(home, 1, `${redis}?prefix=one`);
  const two = await deployment(home, 2, `${redis}?prefix=two`);
  const pairs = [
    [two, '2 replicas, one Redis', one, '1 replica, same Redis', 'what a second replica buys'],
    [one, '1 replica, Redis store', memory, '1 replica, memory store', 'the shared store’s cost'],
  ];
  for (const [a, aLabel, b, bLabel, note] of pairs) {
    const result = await alternate({ run: () => tokenLoad(a) }, { run: () => tokenLoad(b) });
    report({
      bench: 'idp-replicas',
      what: 'POST /token client_credentials, through a round-robin proxy',
      aLabel,
      bLabel,
      unit: 'req/s',
      result,
      note,
    });
  }
} finally {
  for (const child of children) child.kill('SIGTERM');
  rmSync(home, { recursive: true, force: true });
}

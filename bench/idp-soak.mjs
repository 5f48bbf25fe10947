// bench/idp-soak: memory of `authctl idp serve` under a bounded soak. For --duration seconds (default
// 20), --connections loops (default 16) each run password grants (a refresh record, a token family)
// and client_credentials mint + revoke (a revoked token id). Prints the issuer's RSS before, at the
// end and after a forced sweep, the table sizes from GET /_authctl/state, and the request counts.
// Every table is capped (`[idp] max_entries`, default 50000): past the cap the issuer answers 503,
// so RSS must level off however long the soak runs. Linux only (RSS from /proc).
//
//   npm run build && node bench/idp-soak.mjs [--duration 20] [--connections 16] [--max-entries 50000]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'authctl.cjs');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const DURATION = arg('duration', 20);
const CONNECTIONS = arg('connections', 16);
const MAX_ENTRIES = arg('max-entries', undefined);
const BASIC = `Basic ${Buffer.from('soak:soak-secret').toString('base64')}`;
const FORM = { 'content-type': 'application/x-www-form-urlencoded', authorization: BASIC };

const rssMiB = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

function start(dir) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [bin, 'idp', 'serve', '--port', '0', '--json', '--no-log'],
      {
        cwd: dir,
        env: { ...process.env, AUTHCTL_HOME: path.join(dir, '.authctl') },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve({ child, info: JSON.parse(out.slice(0, out.indexOf('\n'))) });
    });
    child.on('exit', (code) => reject(new Error(`idp serve exited ${code}`)));
  });
}

async function post(url, body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: FORM,
    body: new URLSearchParams(body),
  });
  const text = await response.text();
  return { status: response.status, json: text.startsWith('{') ? JSON.parse(text) : undefined };
}

async function soak(info, until, counts) {
  while (Date.now() < until) {
    const grant = await post(info.token, {
      grant_type: 'password',
      username: 'alice',
      password: 'x',
    });
    counts[`password ${grant.status}`] = (counts[`password ${grant.status}`] ?? 0) + 1;
    const minted = await post(info.token, { grant_type: 'client_credentials' });
    counts[`client_credentials ${minted.status}`] =
      (counts[`client_credentials ${minted.status}`] ?? 0) + 1;
    if (minted.status !== 200) continue;
    const revoked = await post(`${info.issuer}/revoke`, { token: minted.json.access_token });
    counts[`revoke ${revoked.status}`] = (counts[`revoke ${revoked.status}`] ?? 0) + 1;
  }
}

const dir = mkdtempSync(path.join(tmpdir(), 'authctl-soak-'));
// Strict mode with one client, as a service's test setup would have it.
writeFileSync(
  path.join(dir, 'authctl.toml'),
  `[idp]\n${MAX_ENTRIES ? `max_entries = ${MAX_ENTRIES}\n` : ''}[idp.clients.soak]\nsecret = "soak-secret"\n`,
);
const { child, info } = await start(dir);
try {
  await post(info.token, { grant_type: 'client_credentials' }); // first key, JIT warm-up
  const before = rssMiB(child.pid);
  const counts = {};
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, () => soak(info, started + DURATION * 1000, counts)),
  );
  const end = rssMiB(child.pid);
  const state = await (await fetch(`${new URL(info.issuer).origin}/_authctl/state`)).json();
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  console.log(
    `soak ${DURATION}s, ${CONNECTIONS} loops, max_entries ${state.tables.maxEntries}: ${total} requests (${Math.round(total / DURATION)}/s)`,
  );
  for (const [key, n] of Object.entries(counts).sort()) console.log(`  ${key.padEnd(24)} ${n}`);
  console.log(`tables at the end: ${JSON.stringify(state.tables)}`);
  // Past every refresh_ttl/exp on the issuer clock: the next full table sweeps; the 1000-request sweep too.
  await fetch(`${new URL(info.issuer).origin}/_authctl/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"advance":"9h"}',
  });
  for (let i = 0; i < 1000; i++) await fetch(`${new URL(info.issuer).origin}/healthz`);
  const swept = await (await fetch(`${new URL(info.issuer).origin}/_authctl/state`)).json();
  console.log(`tables after the clock moved 9h and 1000 requests: ${JSON.stringify(swept.tables)}`);
  console.log(
    `RSS: ${before.toFixed(0)} MiB before, ${end.toFixed(0)} MiB at the end, ${rssMiB(child.pid).toFixed(0)} MiB after the sweep`,
  );
} finally {
  child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}

// bench/probe: how long `runProbe` takes for N checks against a loopback service, against a
// baseline measured in the same run: the same number of bare keep-alive requests at the same
// concurrency (what any HTTP client would cost). Prints the ratio and how time grows with
// endpoints × cases.
//
// Then the families added by issue #16 on 28 endpoints: tenant:suspended ([tenants] status_claim) and
// jwt:weak-secret (an HS256 service: one request per bundled weak secret, once per spec), against the
// same 28-endpoint RS256 run as the baseline.
//
//   npm run build && node bench/probe.mjs [--concurrency 32] [--rounds 3]
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { Keystore, parseProbeSpec, runProbe } from '../dist/lib/index.js';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const CONCURRENCY = flag('--concurrency', 32);
const ROUNDS = flag('--rounds', 3);

const home = mkdtempSync(path.join(tmpdir(), 'authctl-bench-probe-'));
const keystore = new Keystore({ dir: home });
await keystore.signingKey('RS256');
const JWKS = createLocalJWKSet(await keystore.jwks());
const ISSUER = 'http://127.0.0.1:9400';
const AUDIENCE = 'api://orders';
const HS_SECRET = randomBytes(32);

// A correct service: jose against the keystore's JWKS, tenant from the path, roles for DELETE.
const server = http.createServer(async (req, res) => {
  const reply = (status, headers = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(req.method === 'HEAD' ? undefined : '{}');
  };
  const url = req.url ?? '/';
  if (url === '/healthz') return reply(200);
  const m = /^\/v1\/tenants\/([^/]+)\/r(\d+)$/.exec(url);
  const auth = req.headers.authorization;
  if (!auth) return reply(401, { 'www-authenticate': 'Bearer realm="bench"' });
  const token = /^Bearer (\S+)$/.exec(auth)?.[1];
  if (!token)
    return reply(401, { 'www-authenticate': 'Bearer realm="bench", error="invalid_request"' });
  let payload;
  try {
    const hs = decodeProtectedHeader(token).alg === 'HS256';
    ({ payload } = await jwtVerify(token, hs ? HS_SECRET : JWKS, {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: [hs ? 'HS256' : 'RS256'],
      requiredClaims: ['exp'],
      clockTolerance: 30,
    }));
  } catch {
    return reply(401, { 'www-authenticate': 'Bearer realm="bench", error="invalid_token"' });
  }
  if (!m) return reply(404);
  if (payload.tid !== m[1] || payload.org_status === 'suspended') return reply(403);
  if (req.method === 'DELETE' && !payload.roles?.includes('admin')) return reply(403);
  if (req.method !== 'GET' && req.method !== 'DELETE') return reply(405);
  return reply(req.method === 'DELETE' ? 204 : 200);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

function spec(endpoints, { alg, statusClaim } = {}) {
  const list = [{ path: '/healthz', public: true }];
  for (let i = 0; i < endpoints; i++) {
    list.push(
      i % 2 === 0
        ? {
            method: 'GET',
            path: `/v1/tenants/acme/r${i}`,
            tenant: 'acme',
            allow: ['reader', 'admin'],
          }
        : {
            method: 'DELETE',
            path: `/v1/tenants/acme/r${i}`,
            tenant: 'acme',
            allow: ['admin'],
            deny: ['reader'],
          },
    );
  }
  return parseProbeSpec(
    {
      base_url: base,
      jwt: {
        issuer: ISSUER,
        audience: AUDIENCE,
        tenant_claim: '/tid',
        roles_claim: '/roles',
        ...(alg ? { alg, secret_env: 'BENCH_HS_SECRET', secret_encoding: 'base64' } : {}),
      },
      ...(statusClaim ? { tenants: { status_claim: statusClaim } } : {}),
      credentials: {
        reader: { type: 'jwt', sub: 'alice', tenant: 'acme', roles: ['viewer'] },
        admin: { type: 'jwt', sub: 'root', tenant: 'acme', roles: ['admin'] },
      },
      endpoints: list,
    },
    'bench',
  );
}

/** Baseline: `count` bare keep-alive GETs at the same concurrency. */
async function bare(count) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let next = 0;
  const one = () =>
    new Promise((resolve, reject) => {
      http
        .get(`${base}/v1/tenants/acme/r0`, { agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        })
        .on('error', reject);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < count) await one();
    }),
  );
  agent.destroy();
  return performance.now() - started;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(endpoints, options) {
  const s = spec(endpoints, options);
  const times = [];
  let result;
  for (let r = 0; r < ROUNDS; r++) {
    const started = performance.now();
    result = await runProbe({
      spec: s,
      config: {},
      keystore,
      concurrency: CONCURRENCY,
      measureSkew: true,
      env: { BENCH_HS_SECRET: HS_SECRET.toString('base64') },
      cwd: process.cwd(),
    });
    times.push(performance.now() - started);
    if (result.status !== 'ok')
      throw new Error(
        `bench service should pass, got ${result.status}: ${JSON.stringify(result.findings.slice(0, 2))}`,
      );
  }
  const baseline = [];
  for (let r = 0; r < ROUNDS; r++) baseline.push(await bare(result.summary.requests));
  return {
    endpoints,
    checks: result.summary.checks,
    requests: result.summary.requests,
    ms: median(times),
    bareMs: median(baseline),
  };
}

await measure(2); // warm up (JIT, key import, sockets)
const rows = [];
for (const endpoints of [6, 12, 28, 56]) rows.push(await measure(endpoints));
const families = [
  // Measured again next to the others (not reused from the table): a shared machine drifts within a run.
  ['baseline (RS256)', await measure(28)],
  ['+ tenant:suspended', await measure(28, { statusClaim: '/org_status' })],
  ['HS256 + jwt:weak-secret', await measure(28, { alg: 'HS256' })],
];
server.close();

console.log(
  `authctl probe bench: loopback, concurrency ${CONCURRENCY}, median of ${ROUNDS} runs (node ${process.version})`,
);
console.log('endpoints  checks  requests   probe ms   bare ms   ratio   µs/check');
for (const r of rows) {
  console.log(
    `${String(r.endpoints).padStart(9)}  ${String(r.checks).padStart(6)}  ${String(r.requests).padStart(8)}  ${r.ms.toFixed(0).padStart(9)}  ${r.bareMs.toFixed(0).padStart(8)}  ${(r.ms / r.bareMs).toFixed(2).padStart(6)}  ${((r.ms * 1000) / r.checks).toFixed(0).padStart(9)}`,
  );
}
const target = rows.reduce((best, r) =>
  Math.abs(r.checks - 1000) < Math.abs(best.checks - 1000) ? r : best,
);
const first = rows[0];
const last = rows.at(-1);
const growth = last.ms / first.ms / (last.checks / first.checks);
console.log(
  `\n${target.checks} checks in ${(target.ms / 1000).toFixed(2)} s (target <= 2 s: ${target.ms <= 2000 ? 'met' : 'NOT met'}); ` +
    `${(target.ms / target.bareMs).toFixed(2)}x the bare-request baseline.`,
);
console.log(
  `growth: ${(last.checks / first.checks).toFixed(1)}x the checks took ${(last.ms / first.ms).toFixed(1)}x the time ` +
    `(time/checks ratio ${growth.toFixed(2)}; 1.00 would be exactly linear in endpoints × cases, less means a fixed start-up cost is being amortised: tokens are minted once per defect and shared across endpoints).`,
);
console.log(`\nadded families, 28 endpoints, concurrency ${CONCURRENCY}:`);
console.log('run                       checks  requests   probe ms   vs baseline');
for (const [name, r] of families) {
  console.log(
    `${name.padEnd(24)}  ${String(r.checks).padStart(6)}  ${String(r.requests).padStart(8)}  ${r.ms.toFixed(0).padStart(9)}  ${(r.ms / families[0][1].ms).toFixed(2).padStart(10)}x`,
  );
}

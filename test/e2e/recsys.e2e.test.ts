// recsys end to end: verify-config on its shipped .env files (dev and production targets), the
// service started from those files against `authctl idp serve`, tokens from `authctl token mint`,
// API keys from `authctl apikey create/revoke/export`, and the probe (401s, viewer 403 on admin
// routes, dev headers refused in production mode, X-Org-Id spoofing refused).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authctl,
  bearer,
  call,
  copyWith,
  dotenv,
  EXAMPLES,
  mint,
  parseJson,
  show,
  startIdp,
  startService,
  stopStarted,
  tempDir,
  type Idp,
  type Proc,
} from './helpers.js';

const ENV_PROD = path.join(EXAMPLES, 'recsys', '.env.example');
const ENV_DEV = path.join(EXAMPLES, 'recsys', '.env.dev.example');
let dir: string;
let idp: Idp;
let prod: Proc & { url: string };
let dev: Proc & { url: string };
let ciKey: string;
let revokedKey: string;
let keysFile: string;

const token = (tenant: string, ...roles: string[]) =>
  mint(dir, [
    '--iss',
    idp.issuer,
    '--aud',
    'recsys',
    '--sub',
    `user-${roles.join('-') || 'none'}`,
    '--tenant',
    tenant,
    '--tenant-claim',
    '/tenant_id',
    ...roles.flatMap((r) => ['--role', r]),
  ]);
const recommend = (url: string, headers: Record<string, string>) =>
  call(`${url}/v1/recommend`, {
    method: 'POST',
    headers,
    json: { surface: 'home', k: 3, user: { user_id: 'u-1' } },
  });
const putConfig = (url: string, tenant: string, headers: Record<string, string>) =>
  call(`${url}/v1/admin/tenants/${tenant}/config`, { method: 'PUT', headers, json: { boost: 2 } });

async function createKey(name: string, ...args: string[]): Promise<string> {
  const r = await authctl(['apikey', 'create', '--name', name, ...args], { home: dir });
  if (r.code !== 0) throw new Error(show(r));
  return r.stdout.trim();
}

beforeAll(async () => {
  dir = tempDir('authctl-e2e-recsys-');
  idp = await startIdp(dir);
  // API keys exist before the service starts: it loads the hashes from `authctl apikey export`.
  ciKey = await createKey('ci', '--tenant', 'acme', '--scope', 'operator');
  revokedKey = await createKey('old', '--tenant', 'acme', '--scope', 'operator');
  const revoke = await authctl(['apikey', 'revoke', 'old'], { home: dir });
  expect(revoke.code, show(revoke)).toBe(0);
  const exported = await authctl(['apikey', 'export'], { home: dir });
  expect(exported.code, show(exported)).toBe(0);
  keysFile = path.join(dir, 'api-keys.json');
  writeFileSync(keysFile, exported.stdout);

  const [p, d] = await Promise.all([
    startService('recsys', {
      env: {
        ...dotenv(ENV_PROD),
        JWT_JWKS_URL: idp.jwks,
        JWT_ISSUER: idp.issuer,
        API_KEYS_FILE: keysFile,
        PORT: '0',
      },
    }),
    startService('recsys', { env: { ...dotenv(ENV_DEV), PORT: '0' } }),
  ]);
  prod = p;
  dev = d;
});

afterAll(async () => {
  await stopStarted();
});

describe.concurrent('recsys', () => {
  it('verify-config: the production .env is clean for production; the dev .env is fine for development only', async () => {
    const [prodCheck, devForDev, devForProd] = await Promise.all([
      authctl(
        [
          'verify-config',
          '--profile',
          'recsys',
          '--env-file',
          ENV_PROD,
          '--target',
          'production',
          '--json',
        ],
        { home: dir },
      ),
      authctl(
        [
          'verify-config',
          '--profile',
          'recsys',
          '--env-file',
          ENV_DEV,
          '--target',
          'development',
          '--json',
        ],
        { home: dir },
      ),
      authctl(
        [
          'verify-config',
          '--profile',
          'recsys',
          '--env-file',
          ENV_DEV,
          '--target',
          'production',
          '--json',
        ],
        { home: dir },
      ),
    ]);
    expect(prodCheck.code, show(prodCheck)).toBe(0);
    expect(parseJson(prodCheck).counts.error).toBe(0);
    expect(devForDev.code, show(devForDev)).toBe(0);
    expect(devForProd.code, show(devForProd)).toBe(1);
    const errors = parseJson(devForProd).findings.filter(
      (f: { severity: string }) => f.severity === 'error',
    );
    expect(errors.map((f: { rule: string }) => f.rule)).toContain('auth/dev-headers-enabled');
    expect(
      errors.find((f: { rule: string }) => f.rule === 'auth/dev-headers-enabled').line,
    ).toBeGreaterThan(0);
  });

  it('JWTs from authctl token mint: any role may recommend, admin routes follow the role ladder', async () => {
    const [viewer, operator, admin, none] = await Promise.all([
      token('acme', 'viewer'),
      token('acme', 'operator'),
      token('acme', 'admin'),
      token('acme'),
    ]);
    expect((await recommend(prod.url, bearer(viewer))).status).toBe(200);
    const anonymous = await recommend(prod.url, {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer realm="recsys"/);
    expect(
      (await call(`${prod.url}/v1/admin/tenants/acme/config`, { headers: bearer(viewer) })).status,
    ).toBe(200);
    const viewerPut = await putConfig(prod.url, 'acme', bearer(viewer));
    expect(viewerPut.status).toBe(403);
    expect(viewerPut.headers.get('www-authenticate')).toContain('insufficient_scope');
    expect((await putConfig(prod.url, 'acme', bearer(operator))).status).toBe(200);
    expect(
      (await call(`${prod.url}/v1/admin/tenants/acme/audit`, { headers: bearer(operator) })).status,
    ).toBe(403);
    expect(
      (await call(`${prod.url}/v1/admin/tenants/acme/audit`, { headers: bearer(admin) })).status,
    ).toBe(200);
    expect(
      (await call(`${prod.url}/v1/admin/tenants/acme/config`, { headers: bearer(none) })).status,
    ).toBe(403);
    // Another tenant's admin routes, and a forged tenant header, are refused.
    expect(
      (await call(`${prod.url}/v1/admin/tenants/globex/config`, { headers: bearer(admin) })).status,
    ).toBe(403);
    expect((await recommend(prod.url, { ...bearer(viewer), 'x-org-id': 'globex' })).status).toBe(
      403,
    );
    // A token of another issuer's audience is not a recsys token.
    const wrongAud = await mint(dir, [
      '--iss',
      idp.issuer,
      '--aud',
      'other',
      '--tenant',
      'acme',
      '--tenant-claim',
      '/tenant_id',
      '--role',
      'admin',
    ]);
    expect((await recommend(prod.url, bearer(wrongAud))).status).toBe(401);
  });

  it('API keys from authctl apikey: the exported hashes authenticate, a revoked or unknown key does not', async () => {
    expect((await recommend(prod.url, { 'x-api-key': ciKey })).status).toBe(200);
    expect((await putConfig(prod.url, 'acme', { 'x-api-key': ciKey })).status).toBe(200);
    expect(
      (await call(`${prod.url}/v1/admin/tenants/acme/audit`, { headers: { 'x-api-key': ciKey } }))
        .status,
    ).toBe(403);
    expect((await recommend(prod.url, { 'x-api-key': ciKey, 'x-org-id': 'globex' })).status).toBe(
      403,
    );
    const revoked = await recommend(prod.url, { 'x-api-key': revokedKey });
    expect(revoked.status).toBe(401);
    expect(revoked.text).not.toContain(revokedKey);
    // Created after the export: the service has never seen it.
    const late = await createKey('late', '--tenant', 'acme');
    expect((await recommend(prod.url, { 'x-api-key': late })).status).toBe(401);
    // authctl itself agrees on which keys are valid.
    expect((await authctl(['apikey', 'verify'], { home: dir, input: ciKey })).code).toBe(0);
    expect((await authctl(['apikey', 'verify'], { home: dir, input: revokedKey })).code).toBe(1);
  });

  it('dev headers: accepted by the dev posture, refused in production mode', async () => {
    const devHeaders = { 'x-dev-user-id': 'dana', 'x-dev-org-id': 'acme' };
    expect((await recommend(dev.url, devHeaders)).status).toBe(200);
    expect(
      (await putConfig(dev.url, 'acme', { ...devHeaders, 'x-dev-roles': 'viewer' })).status,
    ).toBe(403);
    expect(
      (await putConfig(dev.url, 'acme', { ...devHeaders, 'x-dev-roles': 'operator' })).status,
    ).toBe(200);
    const refused = await recommend(prod.url, {
      ...devHeaders,
      'x-org-id': 'acme',
      'x-dev-roles': 'admin',
    });
    expect(refused.status).toBe(401);
  });

  it('probe: 401s, viewer 403 on admin routes, dev headers and X-Org-Id spoofing refused; JUnit report', async () => {
    const spec = copyWith(
      path.join(EXAMPLES, 'recsys', 'probe.toml'),
      path.join(dir, 'probe.toml'),
      { 'http://127.0.0.1:9400': idp.issuer },
    );
    const r = await authctl(
      ['probe', '--spec', spec, '--base-url', prod.url, '--junit', 'recsys.xml', '--json'],
      { home: dir, env: { RECSYS_API_KEY: ciKey } },
    );
    expect(r.code, show(r)).toBe(0);
    const report = parseJson(r);
    expect(report.summary.failed).toBe(0);
    const cases = report.cases as Array<{
      endpoint: string;
      case: string;
      check: string;
      passed?: boolean;
      status?: number;
    }>;
    const find = (endpoint: string, id: string) =>
      cases.find((c) => c.endpoint === endpoint && c.case === id);
    expect(find('PUT /v1/admin/tenants/acme/config', 'deny:viewer')).toMatchObject({
      passed: true,
      status: 403,
    });
    expect(find('GET /v1/admin/tenants/acme/audit', 'deny:operator')).toMatchObject({
      passed: true,
      status: 403,
    });
    for (const check of [
      'dev-headers',
      'tenant:spoofed-header',
      'no-credentials',
      'apikey:unknown',
      'jwt:alg-none',
    ]) {
      const ran = cases.filter((c) => c.check === check);
      expect(ran.length, check).toBeGreaterThan(0);
      expect(
        ran.every((c) => c.passed),
        check,
      ).toBe(true);
    }
    expect(cases.filter((c) => c.check === 'dev-headers').every((c) => c.status === 401)).toBe(
      true,
    );
    expect(readFileSync(path.join(dir, 'recsys.xml'), 'utf8')).toMatch(/failures="0"/);
    expect(r.stdout).not.toContain(ciKey);
  });

  it('probe catches a production deployment that left DEV_AUTH_ENABLED=true on (exit 1, dev-headers critical)', async () => {
    const leaky = await startService('recsys', {
      env: {
        ...dotenv(ENV_PROD),
        DEV_AUTH_ENABLED: 'true',
        JWT_JWKS_URL: idp.jwks,
        JWT_ISSUER: idp.issuer,
        API_KEYS_FILE: keysFile,
        PORT: '0',
      },
    });
    try {
      const spec = copyWith(
        path.join(EXAMPLES, 'recsys', 'probe.toml'),
        path.join(dir, 'probe-leaky.toml'),
        { 'http://127.0.0.1:9400': idp.issuer },
      );
      const r = await authctl(['probe', '--spec', spec, '--base-url', leaky.url, '--json'], {
        home: dir,
        env: { RECSYS_API_KEY: ciKey },
      });
      expect(r.code, show(r)).toBe(1);
      const findings = parseJson(r).findings as Array<{ check: string; severity: string }>;
      expect(
        findings.some((f) => f.check === 'dev-headers' && f.severity === 'critical'),
        JSON.stringify(findings.slice(0, 3)),
      ).toBe(true);
    } finally {
      await leaky.stop();
    }
  });
});

// relay end to end: HS256 tokens minted by `authctl token mint` with relay's base64 JWT_SIGNING_KEY
// (examples/relay/authctl.toml), the API-key lifecycle (authctl apikey create/revoke/export seeding
// relay, and relay's own show-once keys), verify-config on the .env, and the probe.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authctl,
  bearer,
  call,
  dotenv,
  EXAMPLES,
  parseJson,
  show,
  startService,
  stopStarted,
  tempDir,
  type Proc,
} from './helpers.js';

const ENV_FILE = path.join(EXAMPLES, 'relay', '.env.example');
const CONFIG = path.join(EXAMPLES, 'relay', 'authctl.toml');
let dir: string;
let relay: Proc & { url: string };
let env: Record<string, string>;
let goodKey: string;
let revokedKey: string;

/** authctl with relay's config and its .env in the environment (JWT_SIGNING_KEY). */
const relayCli = (args: string[], extra: Record<string, string | undefined> = {}) =>
  authctl(['--config', CONFIG, ...args], { home: dir, env: { ...env, ...extra } });
async function token(...args: string[]): Promise<string> {
  const r = await relayCli(['token', 'mint', ...args]);
  if (r.code !== 0) throw new Error(show(r));
  return r.stdout.trim();
}

beforeAll(async () => {
  dir = tempDir('authctl-e2e-relay-');
  env = dotenv(ENV_FILE);
  // Keys made with authctl, exported as hashes for relay's seed file.
  const create = async (name: string) =>
    (
      await authctl(
        ['apikey', 'create', '--name', name, '--prefix', 'rk_test', '--scope', 'user'],
        { home: dir },
      )
    ).stdout.trim();
  goodKey = await create('ci');
  revokedKey = await create('old');
  expect((await authctl(['apikey', 'revoke', 'old'], { home: dir })).code).toBe(0);
  const exported = await authctl(['apikey', 'export', '--format', 'json'], { home: dir });
  expect(exported.code, show(exported)).toBe(0);
  const keysFile = path.join(dir, 'api-keys.json');
  writeFileSync(keysFile, exported.stdout);
  relay = await startService('relay', {
    env: { ...env, RELAY_API_KEYS_FILE: keysFile, PORT: '0' },
  });
});

afterAll(async () => {
  await stopStarted();
});

describe.concurrent('relay', () => {
  it('verify-config: the example .env is fine for development, not for production (memory sessions, placeholder password)', async () => {
    const [devRun, prodRun] = await Promise.all([
      authctl(
        [
          'verify-config',
          '--profile',
          'relay',
          '--env-file',
          ENV_FILE,
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
          'relay',
          '--env-file',
          ENV_FILE,
          '--target',
          'production',
          '--json',
        ],
        { home: dir },
      ),
    ]);
    expect(devRun.code, show(devRun)).toBe(0);
    expect(prodRun.code, show(prodRun)).toBe(1);
    const rules = parseJson(prodRun).findings.map((f: { rule: string }) => f.rule);
    expect(rules).toEqual(
      expect.arrayContaining(['relay/memory-session-store', 'auth/placeholder-secret']),
    );
    // The signing key itself is fine: base64, 48 bytes decoded.
    expect(rules).not.toContain('auth/weak-hmac-secret');
    expect(prodRun.stdout).not.toContain(env.ADMIN_PASSWORD);
  });

  it('tokens minted with the base64 secret are accepted; admin-only operations need role admin', async () => {
    const [user, admin] = await Promise.all([
      token('--sub', 'uma', '--role', 'user'),
      token('--sub', 'ada', '--role', 'admin'),
    ]);
    const me = await call(`${relay.url}/auth/me`, { headers: bearer(user) });
    expect(me.status, me.text).toBe(200);
    expect(me.json()).toMatchObject({ sub: 'uma', method: 'jwt' });
    expect((await call(`${relay.url}/admin/diagnostics`, { headers: bearer(admin) })).status).toBe(
      200,
    );
    const denied = await call(`${relay.url}/admin/diagnostics`, { headers: bearer(user) });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('www-authenticate')).toContain('insufficient_scope');
    expect((await call(`${relay.url}/admin/diagnostics`)).status).toBe(401);

    // The same secret given as flags instead of config.
    const flags = await authctl(
      [
        'token',
        'mint',
        '--alg',
        'HS256',
        '--secret-env',
        'JWT_SIGNING_KEY',
        '--secret-encoding',
        'base64',
        '--iss',
        env.JWT_ISSUER!,
        '--aud',
        env.JWT_AUDIENCE!,
        '--role',
        'admin',
      ],
      { home: dir, env },
    );
    expect(
      (await call(`${relay.url}/admin/diagnostics`, { headers: bearer(flags.stdout.trim()) }))
        .status,
    ).toBe(200);
    // The classic mistake: using the base64 text itself as the key.
    const raw = await token('--role', 'admin', '--secret-encoding', 'utf8');
    const refused = await call(`${relay.url}/auth/me`, { headers: bearer(raw) });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('invalid_token');
    // Wrong audience and expired tokens are refused too.
    expect(
      (
        await call(`${relay.url}/auth/me`, {
          headers: bearer(await token('--aud', 'api://relay-tenant-b')),
        })
      ).status,
    ).toBe(401);
    expect(
      (await call(`${relay.url}/auth/me`, { headers: bearer(await token('--defect', 'expired')) }))
        .status,
    ).toBe(401);
  });

  it('rotate and logout revoke an authctl-minted token by jti', async () => {
    const original = await token('--sub', 'rita', '--role', 'user');
    const rotated = await call(`${relay.url}/auth/rotate`, {
      method: 'POST',
      headers: bearer(original),
    });
    expect(rotated.status, rotated.text).toBe(200);
    const next = (rotated.json().token ?? rotated.json().access_token) as string;
    expect(next).toBeTruthy();
    expect((await call(`${relay.url}/auth/me`, { headers: bearer(original) })).status).toBe(401);
    expect((await call(`${relay.url}/auth/me`, { headers: bearer(next) })).status).toBe(200);
    expect(
      (await call(`${relay.url}/auth/logout`, { method: 'POST', headers: bearer(next) })).status,
    ).toBeLessThan(300);
    expect((await call(`${relay.url}/auth/me`, { headers: bearer(next) })).status).toBe(401);
  });

  it('API keys: authctl-exported hashes authenticate, revoked ones do not; relay shows its own keys once, masked after', async () => {
    expect((await call(`${relay.url}/auth/me`, { headers: { 'x-api-key': goodKey } })).status).toBe(
      200,
    );
    expect(
      (await call(`${relay.url}/admin/diagnostics`, { headers: { 'x-api-key': goodKey } })).status,
    ).toBe(403);
    const revoked = await call(`${relay.url}/auth/me`, { headers: { 'x-api-key': revokedKey } });
    expect(revoked.status).toBe(401);
    expect(revoked.text).not.toContain(revokedKey);

    const admin = await token('--sub', 'ada', '--role', 'admin');
    const created = await call(`${relay.url}/auth/api-keys`, {
      method: 'POST',
      headers: bearer(admin),
      json: { name: 'e2e', roles: ['user'] },
    });
    expect(created.status, created.text).toBeLessThan(300);
    const { id, key } = created.json() as { id: string; key: string };
    expect(key.length).toBeGreaterThan(20);
    const listed = await call(`${relay.url}/auth/api-keys`, { headers: bearer(admin) });
    expect(listed.status).toBe(200);
    expect(listed.text).not.toContain(key);
    // authctl masks a key the same way relay does: same visible prefix, never the secret part.
    const masked = await authctl(['apikey', 'mask', key], { home: dir });
    expect(masked.stdout).not.toContain(key);
    expect((await call(`${relay.url}/auth/me`, { headers: { 'x-api-key': key } })).status).toBe(
      200,
    );
    const user = await token('--sub', 'uma', '--role', 'user');
    expect(
      (
        await call(`${relay.url}/auth/api-keys`, {
          method: 'POST',
          headers: bearer(user),
          json: { name: 'nope' },
        })
      ).status,
    ).toBe(403);
    expect(
      (await call(`${relay.url}/auth/api-keys/${id}`, { method: 'DELETE', headers: bearer(admin) }))
        .status,
    ).toBeLessThan(300);
    expect((await call(`${relay.url}/auth/me`, { headers: { 'x-api-key': key } })).status).toBe(
      401,
    );
  });

  it('probe with HS256 credentials from authctl.toml [token] secret_env passes (and fails its controls without the secret)', async () => {
    const spec = path.join(EXAMPLES, 'relay', 'probe.toml');
    const r = await relayCli(
      [
        'probe',
        '--spec',
        spec,
        '--base-url',
        relay.url,
        '--junit',
        path.join(dir, 'relay.xml'),
        '--json',
      ],
      { RELAY_API_KEY: goodKey },
    );
    expect(r.code, show(r)).toBe(0);
    const report = parseJson(r);
    expect(report.summary.failed).toBe(0);
    const checks = new Set((report.cases as Array<{ check: string }>).map((c) => c.check));
    for (const check of [
      'jwt:expired',
      'jwt:wrong-audience',
      'jwt:bad-signature',
      'jwt:alg-none',
      'role:missing',
      'deny',
      'apikey:unknown',
      'revoked',
    ])
      expect(checks.has(check), check).toBe(true);
    // The probe logged a fresh token out through relay's own POST /auth/logout, and relay refused it next.
    expect(
      (report.cases as Array<{ case: string; passed?: boolean; status?: number }>).find(
        (c) => c.case === 'revoked:user',
      ),
    ).toMatchObject({ passed: true, status: 401 });
    expect(r.stdout).not.toContain(env.JWT_SIGNING_KEY);
    expect(readFileSync(path.join(dir, 'relay.xml'), 'utf8')).toMatch(/failures="0"/);

    // Regression: without the [token] secret the probe signs with the keystore's own HS256 key,
    // so relay refuses the valid credentials and the probe says so (exit 3), instead of passing.
    const noSecret = path.join(dir, 'no-secret.toml');
    writeFileSync(
      noSecret,
      readFileSync(CONFIG, 'utf8').replace(/^secret_(env|encoding).*$/gm, ''),
    );
    const without = await authctl(
      ['--config', noSecret, 'probe', '--spec', spec, '--base-url', relay.url, '--json'],
      { home: dir, env: { ...env, RELAY_API_KEY: goodKey } },
    );
    expect(without.code, show(without)).toBe(3);
  });
});

// relay example: HS256 JWTs keyed by base64 JWT_SIGNING_KEY, hashed API keys, admin-only operations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { tempDir } from '../helpers/cli.js';
import { killAll, request, startExample, startFailure, type RunningExample } from './helpers.js';

const KEY = randomBytes(48);
const ENV = {
  JWT_SIGNING_KEY: KEY.toString('base64'),
  JWT_ISSUER: 'https://relay.test',
  JWT_AUDIENCE: 'relay-tenant-a',
  SESSION_STORE_BACKEND: 'memory',
  ADMIN_PASSWORD: 'correct horse battery staple',
};
const SEEDED = 'rly_seeded_key_for_tests_0123456789';
let relay: RunningExample;

const sign = (
  claims: { exp?: number; roles?: string[] },
  opts: jwt.SignOptions = {},
  key: jwt.Secret = KEY,
) =>
  jwt.sign(claims, key, {
    algorithm: 'HS256',
    issuer: ENV.JWT_ISSUER,
    audience: ENV.JWT_AUDIENCE,
    subject: 'u1',
    ...(claims.exp ? {} : { expiresIn: 300 }),
    ...opts,
  });
const auth = (t: string) => ({ authorization: `Bearer ${t}` });

beforeAll(async () => {
  const dir = tempDir('relay-');
  const file = path.join(dir, 'keys.txt');
  // The plain form: one SHA-256 hex per line.
  writeFileSync(file, `# seeded keys\n${createHash('sha256').update(SEEDED).digest('hex')}\n`);
  relay = await startExample('relay', { env: { ...ENV, RELAY_API_KEYS_FILE: file } });
});

afterAll(async () => {
  expect(await relay?.stop(), 'graceful SIGTERM exit code').toBe(0);
  killAll();
});

describe('relay: JWT', () => {
  it('accepts an HS256 token signed with the base64-decoded key (minted by jsonwebtoken)', async () => {
    const r = await request(`${relay.url}/auth/me`, { headers: auth(sign({ roles: ['user'] })) });
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ sub: 'u1', method: 'jwt', roles: ['user'] });
  });

  it.each([
    ['signed with the base64 text instead of its bytes', () => sign({}, {}, ENV.JWT_SIGNING_KEY)],
    ['wrong audience', () => sign({}, { audience: 'relay-tenant-b' })],
    ['wrong issuer', () => sign({}, { issuer: 'https://other' })],
    ['HS512', () => sign({}, { algorithm: 'HS512' })],
    ['expired', () => sign({ exp: Math.floor(Date.now() / 1000) - 120 })],
  ])('401 invalid_token: %s', async (_n, make) => {
    const r = await request(`${relay.url}/auth/me`, { headers: auth(make()) });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('401 with a bare challenge when nothing is presented', async () => {
    const r = await request(`${relay.url}/v1/messages`, { method: 'POST', json: { text: 'hi' } });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer realm="relay"');
  });

  it('admin-only operations: 403 insufficient_scope for users, 200 for role admin', async () => {
    const user = auth(sign({ roles: ['user'] }));
    const admin = auth(sign({ roles: ['admin'] }));
    for (const [method, p] of [
      ['GET', '/admin/diagnostics'],
      ['POST', '/admin/debug'],
      ['GET', '/auth/api-keys'],
    ] as const) {
      const denied = await request(`${relay.url}${p}`, {
        method,
        headers: user,
        json: method === 'POST' ? { enabled: true } : undefined,
      });
      expect(denied.status).toBe(403);
      expect(denied.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
      const ok = await request(`${relay.url}${p}`, {
        method,
        headers: admin,
        json: method === 'POST' ? { enabled: true } : undefined,
      });
      expect(ok.status).toBe(200);
    }
  });

  it('login with ADMIN_PASSWORD issues a token; rotate revokes the old one; logout revokes', async () => {
    expect(
      (
        await request(`${relay.url}/auth/login`, {
          method: 'POST',
          json: { username: 'admin', password: 'wrong' },
        })
      ).status,
    ).toBe(401);
    const login = await request(`${relay.url}/auth/login`, {
      method: 'POST',
      json: { username: 'admin', password: ENV.ADMIN_PASSWORD },
    });
    expect(login.status).toBe(200);
    const first = login.json().access_token as string;
    // The issued token is a standard HS256 JWT any library can verify with the same key.
    expect(
      jwt.verify(first, KEY, {
        algorithms: ['HS256'],
        audience: ENV.JWT_AUDIENCE,
        issuer: ENV.JWT_ISSUER,
      }),
    ).toMatchObject({ roles: ['admin'] });
    expect((await request(`${relay.url}/admin/diagnostics`, { headers: auth(first) })).status).toBe(
      200,
    );
    const rotated = await request(`${relay.url}/auth/rotate`, {
      method: 'POST',
      headers: auth(first),
    });
    expect(rotated.status).toBe(200);
    const second = rotated.json().access_token as string;
    expect((await request(`${relay.url}/auth/me`, { headers: auth(first) })).status).toBe(401);
    expect((await request(`${relay.url}/auth/me`, { headers: auth(second) })).status).toBe(200);
    expect(
      (await request(`${relay.url}/auth/logout`, { method: 'POST', headers: auth(second) })).status,
    ).toBe(204);
    expect((await request(`${relay.url}/auth/me`, { headers: auth(second) })).status).toBe(401);
  });
});

describe('relay: API keys', () => {
  it('a seeded hash authenticates; unknown keys are 401; keys without admin are 403 on admin routes', async () => {
    expect(
      (
        await request(`${relay.url}/v1/messages`, {
          method: 'POST',
          headers: { 'x-api-key': SEEDED },
          json: { text: 'hi' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await request(`${relay.url}/v1/messages`, {
          method: 'POST',
          headers: { 'x-api-key': `${SEEDED}x` },
          json: {},
        })
      ).status,
    ).toBe(401);
    expect(
      (await request(`${relay.url}/admin/diagnostics`, { headers: { 'x-api-key': SEEDED } }))
        .status,
    ).toBe(403);
  });

  it('raw key shown once, masked on read, revocable', async () => {
    const admin = auth(sign({ roles: ['admin'] }));
    const created = await request(`${relay.url}/auth/api-keys`, {
      method: 'POST',
      headers: admin,
      json: { name: 'ci', scopes: ['admin'] },
    });
    expect(created.status).toBe(201);
    const raw = created.json().key as string;
    expect(raw).toMatch(/^rly_/);
    const list = await request(`${relay.url}/auth/api-keys`, { headers: admin });
    expect(list.text).not.toContain(raw);
    expect(list.json().keys.find((k: { name: string }) => k.name === 'ci').masked).toMatch(
      /^rly_.{8}…\*{4}$/,
    );
    expect(
      (await request(`${relay.url}/admin/diagnostics`, { headers: { 'x-api-key': raw } })).status,
    ).toBe(200);
    const id = created.json().id as string;
    expect(
      (await request(`${relay.url}/auth/api-keys/${id}`, { method: 'DELETE', headers: admin }))
        .status,
    ).toBe(200);
    expect(
      (await request(`${relay.url}/admin/diagnostics`, { headers: { 'x-api-key': raw } })).status,
    ).toBe(401);
  });
});

describe('relay: API key persistence (RELAY_API_KEYS_PERSIST_FILE)', () => {
  it('created and revoked keys survive a restart; the file holds hashes only, mode 0600', async () => {
    const file = path.join(tempDir('relay-persist-'), 'keys.json');
    const admin = auth(sign({ roles: ['admin'] }));
    let svc = await startExample('relay', { env: { ...ENV, RELAY_API_KEYS_PERSIST_FILE: file } });
    const raw = (
      await request(`${svc.url}/auth/api-keys`, {
        method: 'POST',
        headers: admin,
        json: { name: 'kept' },
      })
    ).json();
    expect(await svc.stop()).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(raw.key);
    expect(text).toContain(createHash('sha256').update(raw.key).digest('hex'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    svc = await startExample('relay', { env: { ...ENV, RELAY_API_KEYS_PERSIST_FILE: file } });
    expect(
      (await request(`${svc.url}/auth/me`, { headers: { 'x-api-key': raw.key } })).status,
    ).toBe(200);
    expect(
      (await request(`${svc.url}/auth/api-keys/${raw.id}`, { method: 'DELETE', headers: admin }))
        .status,
    ).toBe(200);
    expect(await svc.stop()).toBe(0);
    svc = await startExample('relay', { env: { ...ENV, RELAY_API_KEYS_PERSIST_FILE: file } });
    expect(
      (await request(`${svc.url}/auth/me`, { headers: { 'x-api-key': raw.key } })).status,
    ).toBe(401);
    expect(await svc.stop()).toBe(0);
  });
});

describe('relay: startup', () => {
  it.each([
    ['no JWT_SIGNING_KEY', { ...ENV, JWT_SIGNING_KEY: undefined }, 'JWT_SIGNING_KEY is required'],
    [
      'a short key',
      { ...ENV, JWT_SIGNING_KEY: Buffer.from('short').toString('base64') },
      'at least 32',
    ],
    ['a non-base64 key', { ...ENV, JWT_SIGNING_KEY: 'not base64 at all!' }, 'not base64'],
    ['redis backend', { ...ENV, SESSION_STORE_BACKEND: 'redis' }, 'SESSION_STORE_BACKEND'],
  ])('exit 2 for %s', async (_n, env, needle) => {
    const r = await startFailure('relay', { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(needle);
    expect(r.stderr).not.toContain(KEY.toString('base64'));
  });
});

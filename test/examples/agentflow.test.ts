// agentflow example: "auth": "jwt" (HS256 from .env) and custom API-key auth; 401 vs 403 per seed 003.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { tempDir } from '../helpers/cli.js';
import {
  EXAMPLES,
  killAll,
  request,
  startExample,
  startFailure,
  type RunningExample,
} from './helpers.js';

const SECRET = randomBytes(32).toString('hex');
const BODY = { messages: [{ role: 'user', content: 'hello' }], config: { thread_id: 't1' } };
// The demo keys whose SHA-256 hashes ship in examples/agentflow/api-keys.example.json.
const USER_KEY = 'af_demo_user_0123456789abcdef0123';
const ADMIN_KEY = 'af_demo_admin_0123456789abcdef012';

let jwtSvc: RunningExample;
let keySvc: RunningExample;
const dir = tempDir('agentflow-');

function writeProject(name: string, config: object, dotenv?: string): string {
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(config));
  if (dotenv !== undefined) writeFileSync(path.join(dir, `${name}.env`), dotenv);
  return file;
}

const sign = (claims: object, opts: jwt.SignOptions = {}, secret = SECRET) =>
  jwt.sign(claims, secret, { algorithm: 'HS256', expiresIn: 300, subject: 'u1', ...opts });
const invoke = (
  svc: RunningExample,
  headers: Record<string, string> = {},
  p = '/v1/graph/invoke',
) => request(`${svc.url}${p}`, { method: 'POST', headers, json: BODY });

beforeAll(async () => {
  const cfg = writeProject(
    'jwt',
    { agent: 'graph.react:app', env: 'jwt.env', auth: 'jwt' },
    `# secrets\nJWT_SECRET_KEY="${SECRET}"\nJWT_ALGORITHM=HS256\n`,
  );
  [jwtSvc, keySvc] = await Promise.all([
    startExample('agentflow', { args: ['--config', cfg] }),
    startExample('agentflow', {
      args: ['--config', path.join(EXAMPLES, 'agentflow', 'agentflow-apikey.json')],
    }),
  ]);
});

afterAll(async () => {
  const codes = await Promise.all([jwtSvc?.stop(), keySvc?.stop()]);
  expect(
    codes.every((c) => c === 0),
    'graceful SIGTERM exit codes',
  ).toBe(true);
  killAll();
});

describe('agentflow: "auth": "jwt"', () => {
  it('401 without a token, before any graph execution', async () => {
    const r = await invoke(jwtSvc);
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer realm="agentflow"');
    // The thread was never created: an admin delete of t1 is a 404, not a 200.
    const del = await request(`${jwtSvc.url}/v1/threads/never`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${sign({ role: 'admin' })}` },
    });
    expect(del.status).toBe(404);
  });

  it('200 with a valid token (secret read from the .env named in agentflow.json)', async () => {
    const r = await invoke(jwtSvc, { authorization: `Bearer ${sign({})}` });
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({
      thread_id: 't1',
      messages: [{ role: 'assistant', content: 'echo: hello' }],
    });
  });

  it('streams for users', async () => {
    const r = await invoke(jwtSvc, { authorization: `Bearer ${sign({})}` }, '/v1/graph/stream');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/event-stream');
    expect(r.text).toContain('event: message\ndata: {"role":"assistant","content":"echo: hello"}');
  });

  it.each([
    ['bad secret', () => sign({}, {}, 'not-the-secret')],
    ['mismatched algorithm (HS384)', () => sign({}, { algorithm: 'HS384' })],
    [
      'expired',
      () => jwt.sign({ exp: Math.floor(Date.now() / 1000) - 60 }, SECRET, { algorithm: 'HS256' }),
    ],
    ['not a JWT', () => 'hello'],
  ])('401 invalid_token: %s', async (_n, make) => {
    const r = await invoke(jwtSvc, { authorization: `Bearer ${make()}` });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('DELETE /v1/threads/{id}: 403 for users, 200 for admins', async () => {
    await invoke(jwtSvc, { authorization: `Bearer ${sign({})}` });
    const user = await request(`${jwtSvc.url}/v1/threads/t1`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${sign({ role: 'user' })}` },
    });
    expect(user.status).toBe(403);
    expect(user.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    const admin = await request(`${jwtSvc.url}/v1/threads/t1`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${sign({ roles: ['admin'] })}` },
    });
    expect(admin.status).toBe(200);
  });
});

describe('agentflow: custom API-key auth (examples/agentflow/agentflow-apikey.json)', () => {
  it('401 without or with a bad X-API-Key', async () => {
    expect((await invoke(keySvc)).status).toBe(401);
    const bad = await invoke(keySvc, { 'x-api-key': 'af_wrong' });
    expect(bad.status).toBe(401);
    expect(bad.text).not.toContain('af_wrong');
    // A bearer token is not a credential for this backend.
    expect(
      (await invoke(keySvc, { authorization: `Bearer ${sign({ role: 'admin' })}` })).status,
    ).toBe(401);
  });

  it('users invoke (200) but cannot delete (403); admins delete (200)', async () => {
    expect((await invoke(keySvc, { 'x-api-key': USER_KEY })).status).toBe(200);
    expect((await invoke(keySvc, { 'x-api-key': USER_KEY }, '/v1/graph/stream')).status).toBe(200);
    expect(
      (
        await request(`${keySvc.url}/v1/threads/t1`, {
          method: 'DELETE',
          headers: { 'x-api-key': USER_KEY },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await request(`${keySvc.url}/v1/threads/t1`, {
          method: 'DELETE',
          headers: { 'x-api-key': ADMIN_KEY },
        })
      ).status,
    ).toBe(200);
  });
});

describe('agentflow: configuration', () => {
  it('"auth": null serves anonymously and warns', async () => {
    const svc = await startExample('agentflow', {
      args: ['--config', writeProject('open', { agent: 'graph.react:app', auth: null })],
    });
    try {
      expect((await invoke(svc)).status).toBe(200);
      expect(svc.stderr()).toContain('"auth" is null');
    } finally {
      expect(await svc.stop()).toBe(0);
    }
  });

  it.each([
    ['jwt without JWT_SECRET_KEY', { auth: 'jwt' }, {}, 'JWT_SECRET_KEY'],
    [
      'an asymmetric JWT_ALGORITHM',
      { auth: 'jwt' },
      { JWT_SECRET_KEY: SECRET, JWT_ALGORITHM: 'RS256' },
      'JWT_ALGORITHM=RS256',
    ],
    [
      'a missing custom module',
      { auth: { method: 'custom', path: 'graph.nope:Auth' } },
      {},
      'graph.nope:Auth',
    ],
    ['an unknown auth value', { auth: 'jtw' }, {}, '"auth" must be'],
  ])('exit 2 for %s', async (name, config, env, needle) => {
    const r = await startFailure('agentflow', {
      args: ['--config', writeProject(`bad-${name.replace(/\W/g, '')}`, config)],
      env,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(needle);
    expect(r.stderr).not.toContain(SECRET);
  });
});

// agentflow end to end: verify-config on both shipped configs, then the seed's 401/200/403
// checklist as a probe, for "auth": "jwt" (HS256 tokens from `authctl token mint` with
// JWT_SECRET_KEY) and for the custom X-API-Key backend (keys from `authctl apikey`).
import { readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authctl,
  bearer,
  call,
  EXAMPLES,
  parseJson,
  show,
  startService,
  stopStarted,
  tempDir,
  type Proc,
} from './helpers.js';

const DIR = path.join(EXAMPLES, 'agentflow');
const CONFIG = path.join(DIR, 'authctl.toml');
const BODY = { messages: [{ role: 'user', content: 'hello' }], config: { thread_id: 't1' } };
const SECRET = randomBytes(48).toString('base64url');
let dir: string;
let jwtMode: Proc & { url: string };
let keyMode: Proc & { url: string };
let userKey: string;
let adminKey: string;

const cli = (args: string[], env: Record<string, string> = {}) =>
  authctl(args, { home: dir, env: { JWT_SECRET_KEY: SECRET, ...env } });
async function token(...args: string[]): Promise<string> {
  const r = await cli(['--config', CONFIG, 'token', 'mint', ...args]);
  if (r.code !== 0) throw new Error(show(r));
  return r.stdout.trim();
}
// The probes use thread t1; the checklist tests use their own threads, so running concurrently is safe.
const invoke = (url: string, headers: Record<string, string>, thread = 'checklist') =>
  call(`${url}/v1/graph/invoke`, {
    method: 'POST',
    headers,
    json: { ...BODY, config: { thread_id: thread } },
  });

beforeAll(async () => {
  dir = tempDir('authctl-e2e-agentflow-');
  userKey = (
    await cli(['apikey', 'create', '--name', 'user', '--scope', 'graph:invoke'])
  ).stdout.trim();
  adminKey = (await cli(['apikey', 'create', '--name', 'admin', '--scope', 'admin'])).stdout.trim();
  const keys = path.join(dir, 'apikeys.export.json'); // not keys.json: that is the keystore in this home
  writeFileSync(keys, (await cli(['apikey', 'export'])).stdout);
  // The shipped configs; real environment variables win over the .env they name.
  [jwtMode, keyMode] = await Promise.all([
    startService('agentflow', {
      args: ['--config', path.join(DIR, 'agentflow.json')],
      env: { JWT_SECRET_KEY: SECRET },
    }),
    startService('agentflow', {
      args: ['--config', path.join(DIR, 'agentflow-apikey.json')],
      env: { AGENTFLOW_API_KEYS_FILE: keys },
    }),
  ]);
});

afterAll(async () => {
  await stopStarted();
});

describe.concurrent('agentflow', () => {
  it('verify-config on both files: the placeholder secret of the shipped .env is caught; a real secret passes', async () => {
    const shipped = await cli([
      'verify-config',
      path.join(DIR, 'agentflow.json'),
      path.join(DIR, 'agentflow-apikey.json'),
      '--json',
    ]);
    expect(shipped.code, show(shipped)).toBe(1);
    const report = parseJson(shipped);
    expect(report.files.map((f: { profile: string }) => f.profile)).toEqual([
      'agentflow',
      'agentflow',
    ]);
    const errors = report.findings.filter((f: { severity: string }) => f.severity === 'error');
    expect(errors.map((f: { rule: string }) => f.rule)).toEqual(['auth/placeholder-secret']);
    expect(errors[0].file).toMatch(/\.env\.example$/);

    // The same agentflow.json next to a .env with a real secret.
    const copy = tempDir('authctl-e2e-agentflow-cfg-');
    writeFileSync(
      path.join(copy, 'agentflow.json'),
      JSON.stringify({ agent: 'graph.react:app', env: '.env', auth: 'jwt' }, null, 2),
    );
    writeFileSync(path.join(copy, '.env'), `JWT_SECRET_KEY=${SECRET}\nJWT_ALGORITHM=HS256\n`);
    const fixed = await authctl(['verify-config', 'agentflow.json', '--json'], {
      home: dir,
      cwd: copy,
    });
    expect(fixed.code, show(fixed)).toBe(0);
    expect(fixed.stdout).not.toContain(SECRET);
    // A short secret is an error in production (RFC 7518 §3.2).
    writeFileSync(path.join(copy, '.env'), 'JWT_SECRET_KEY=short-secret\n');
    const weak = await authctl(['verify-config', 'agentflow.json', '--json'], {
      home: dir,
      cwd: copy,
    });
    expect(weak.code, show(weak)).toBe(1);
    expect(parseJson(weak).findings.map((f: { rule: string }) => f.rule)).toContain(
      'auth/weak-hmac-secret',
    );
  });

  it('the seed checklist with JWTs: 401 without a token, 200 with one, 403 for a non-admin delete', async () => {
    const [user, admin, hs384, otherSecret] = await Promise.all([
      token('--sub', 'uma'),
      token('--sub', 'ada', '--claim', 'role=admin'),
      token('--sub', 'uma', '--alg', 'HS384'),
      cli([
        'token',
        'mint',
        '--alg',
        'HS256',
        '--secret',
        'another-secret-that-is-32-bytes-long!!',
      ]).then((r) => r.stdout.trim()),
    ]);
    const none = await invoke(jwtMode.url, {});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer realm="agentflow"/);
    const ok = await invoke(jwtMode.url, bearer(user));
    expect(ok.status, ok.text).toBe(200);
    const stream = await call(`${jwtMode.url}/v1/graph/stream`, {
      method: 'POST',
      headers: bearer(user),
      json: BODY,
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    expect(
      (
        await call(`${jwtMode.url}/v1/threads/checklist`, {
          method: 'DELETE',
          headers: bearer(user),
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call(`${jwtMode.url}/v1/threads/checklist`, {
          method: 'DELETE',
          headers: bearer(admin),
        })
      ).status,
    ).toBe(200);
    // The seed's failure table: mismatched algorithm, a different secret.
    expect((await invoke(jwtMode.url, bearer(hs384))).status).toBe(401);
    expect((await invoke(jwtMode.url, bearer(otherSecret))).status).toBe(401);
  });

  it('the seed checklist with API keys from authctl apikey', async () => {
    expect((await invoke(keyMode.url, {})).status).toBe(401);
    expect((await invoke(keyMode.url, { 'x-api-key': userKey }, 'keys')).status).toBe(200);
    // Its last character changed (to one it is not: a key ending in x once passed as "tampered").
    const tampered = `${userKey.slice(0, -1)}${userKey.endsWith('x') ? 'y' : 'x'}`;
    expect((await invoke(keyMode.url, { 'x-api-key': tampered })).status).toBe(401);
    expect(
      (
        await call(`${keyMode.url}/v1/threads/keys`, {
          method: 'DELETE',
          headers: { 'x-api-key': userKey },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call(`${keyMode.url}/v1/threads/keys`, {
          method: 'DELETE',
          headers: { 'x-api-key': adminKey },
        })
      ).status,
    ).toBe(200);
  });

  it('probe (jwt mode) passes with HS256 credentials from examples/agentflow/authctl.toml', async () => {
    const r = await cli([
      '--config',
      CONFIG,
      'probe',
      '--spec',
      path.join(DIR, 'probe.toml'),
      '--base-url',
      jwtMode.url,
      '--json',
    ]);
    expect(r.code, show(r)).toBe(0);
    const report = parseJson(r);
    const deny = report.cases.find(
      (c: { endpoint: string; case: string }) =>
        c.endpoint === 'DELETE /v1/threads/t1' && c.case === 'deny:user',
    );
    expect(deny).toMatchObject({ passed: true, status: 403 });
    expect(
      report.cases
        .filter((c: { check: string }) => c.check === 'no-credentials')
        .every((c: { status: number }) => c.status === 401),
    ).toBe(true);
    expect(r.stdout).not.toContain(SECRET);
  });

  it('the probe reports what the spec excludes: agentflow JWTs are not bound to an issuer or audience', async () => {
    const spec = path.join(dir, 'probe-all.toml');
    writeFileSync(
      spec,
      readFileSync(path.join(DIR, 'probe.toml'), 'utf8').replace(/^exclude = .*$/gm, ''),
    );
    const r = await cli([
      '--config',
      CONFIG,
      'probe',
      '--spec',
      spec,
      '--base-url',
      jwtMode.url,
      '--json',
    ]);
    expect(r.code, show(r)).toBe(1);
    const checks = new Set(parseJson(r).findings.map((f: { check: string }) => f.check));
    expect([...checks].sort()).toEqual(['jwt:wrong-audience', 'jwt:wrong-issuer']);
  });

  it('probe (API-key mode) passes with keys from authctl apikey', async () => {
    const r = await cli(
      ['probe', '--spec', path.join(DIR, 'probe-apikey.toml'), '--base-url', keyMode.url, '--json'],
      { AGENTFLOW_USER_KEY: userKey, AGENTFLOW_ADMIN_KEY: adminKey },
    );
    expect(r.code, show(r)).toBe(0);
    const report = parseJson(r);
    expect(report.cases.some((c: { check: string }) => c.check.startsWith('apikey:'))).toBe(true);
    expect(r.stdout).not.toContain(userKey);
  });
});

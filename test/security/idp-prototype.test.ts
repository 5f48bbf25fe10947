import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import {
  REDIRECT,
  control,
  login,
  startTestIdp,
  tokenRequest,
  type TestIdp,
} from '../idp/helpers.js';
import { PROTO_SEGMENTS, payloadOf, prototypeGuard } from './helpers.js';

const S256 = {
  code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  code_challenge_method: 'S256',
};
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

/** Every pointer that walks into a prototype, as authctl_claims keys. */
const HOSTILE_CLAIMS = [
  { '/__proto__/roles': ['admin'] },
  { '/__proto__/public': true },
  { '/__proto__/pkce_plain': true },
  { '/constructor/prototype/roles': ['admin'] },
  { __proto__x: 1, '/a/__proto__/b': 1 },
  { '/prototype/x': 1 },
  JSON.parse('{"__proto__": {"roles": ["admin"]}}') as Record<string, unknown>,
  { constructor: 'x' },
];

describe('security: authctl_claims cannot pollute the issuer process (zero config)', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp();
  });
  afterAll(() => idp.close());

  it('refuses __proto__, constructor and prototype pointer segments with 400 invalid_request, and leaves Object.prototype alone', async () => {
    const guard = prototypeGuard();
    for (const claims of HOSTILE_CLAIMS) {
      const sent = await tokenRequest(idp.url, {
        grant_type: 'client_credentials',
        client_id: 'a',
        client_secret: 'b',
        authctl_claims: JSON.stringify(claims),
      });
      const label = JSON.stringify(claims);
      // { __proto__x: 1, ... }: the nested /a/__proto__/b is what must be refused.
      expect([label, sent.status, sent.body.error], label).toEqual([label, 400, 'invalid_request']);
      expect(String(sent.body.error_description), label).toMatch(/authctl_claims/);
      guard.check(label);
    }
    // The next token of an unrelated client carries no injected claim.
    const next = await tokenRequest(idp.url, {
      grant_type: 'client_credentials',
      client_id: 'other',
      client_secret: 'x',
    });
    expect(next.status).toBe(200);
    const jwks = createLocalJWKSet(
      (await (await fetch(`${idp.url}/jwks`)).json()) as { keys: never[] },
    );
    const { payload } = await jwtVerify(String(next.body.access_token), jwks, { issuer: idp.url });
    expect(payload.roles).toBeUndefined();
  });

  it('refuses the same pointers on the authorize endpoint (claims of the code) and in control-API claims', async () => {
    const guard = prototypeGuard();
    for (const segment of PROTO_SEGMENTS) {
      const url = new URL(`${idp.url}/authorize`);
      const params = {
        client_id: 'web',
        redirect_uri: REDIRECT,
        response_type: 'code',
        ...S256,
        authctl_claims: JSON.stringify({ [`/${segment}/roles`]: ['admin'] }),
      };
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      const { location } = await login(url, { username: 'alice' });
      expect(new URL(location).searchParams.get('error'), segment).toBe('invalid_request');
      expect(new URL(location).searchParams.get('code'), segment).toBeNull();
      const claims = await control(idp.url, 'POST', '/claims', {
        client_id: 'web',
        claims: { [`/${segment}/roles`]: ['admin'] },
        sticky: true,
      });
      expect([segment, claims.status, claims.body.error]).toEqual([
        segment,
        400,
        'invalid_request',
      ]);
      expect(claims.body.error_description).toMatch(new RegExp(`claims.*${segment}`));
      const client = await control(idp.url, 'POST', '/clients', {
        id: `c-${segment}`,
        secret: 's',
        claims: { [`/${segment}/x`]: 1 },
      });
      expect([segment, client.status]).toEqual([segment, 400]);
      guard.check(segment);
    }
    expect((await control(idp.url, 'GET', '/state')).body.clients).toEqual([]);
  });
});

describe('security: a polluting request cannot weaken client checks (strict mode)', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({
      idp: {
        clients: {
          spa: { public: true, redirect_uris: [REDIRECT] },
          web: { secret: 'web-secret', redirect_uris: [REDIRECT] },
        },
      },
    });
  });
  afterAll(() => idp.close());

  it('after /__proto__/public and /__proto__/pkce_plain attempts, a confidential client still needs its secret and plain PKCE stays refused', async () => {
    const guard = prototypeGuard();
    const url = new URL(`${idp.url}/authorize`);
    const hostile = { '/__proto__/public': true, '/__proto__/pkce_plain': true };
    for (const [k, v] of Object.entries({
      client_id: 'spa',
      redirect_uri: REDIRECT,
      response_type: 'code',
      ...S256,
      authctl_claims: JSON.stringify(hostile),
    }))
      url.searchParams.set(k, v);
    await login(url, { username: 'alice' });
    // A public client is enough to reach the token endpoint in strict mode.
    const viaToken = await tokenRequest(idp.url, {
      grant_type: 'password',
      client_id: 'spa',
      username: 'alice',
      password: 'x',
      authctl_claims: JSON.stringify(hostile),
    });
    expect([viaToken.status, viaToken.body.error]).toEqual([400, 'invalid_request']);
    guard.check();
    const code = new URL(`${idp.url}/authorize`);
    for (const [k, v] of Object.entries({
      client_id: 'web',
      redirect_uri: REDIRECT,
      response_type: 'code',
      ...S256,
    }))
      code.searchParams.set(k, v);
    const { location } = await login(code, { username: 'alice' });
    const issued = new URL(location).searchParams.get('code')!;
    const noSecret = await tokenRequest(idp.url, {
      grant_type: 'authorization_code',
      client_id: 'web',
      code: issued,
      redirect_uri: REDIRECT,
      code_verifier: VERIFIER,
    });
    expect([noSecret.status, noSecret.body.error]).toEqual([401, 'invalid_client']);
    const plain = new URL(`${idp.url}/authorize`);
    for (const [k, v] of Object.entries({
      client_id: 'spa',
      redirect_uri: REDIRECT,
      response_type: 'code',
      code_challenge: VERIFIER,
      code_challenge_method: 'plain',
    }))
      plain.searchParams.set(k, v);
    const refused = await fetch(plain, { redirect: 'manual' });
    expect(new URL(refused.headers.get('location')!).searchParams.get('error')).toBe(
      'invalid_request',
    );
    const ok = await tokenRequest(idp.url, { grant_type: 'client_credentials' }, [
      'web',
      'web-secret',
    ]);
    expect(ok.status).toBe(200);
    expect(payloadOf(ok.body.access_token).roles).toBeUndefined();
  });
});

describe('security: JSON pointers everywhere refuse prototype segments', () => {
  it('token mint --claim /__proto__/x=1 (and constructor, prototype) is a usage error, exit 2', async () => {
    const home = tempDir('authctl-proto-');
    for (const claim of [
      '/__proto__/x=1',
      '__proto__={"x":1}',
      '/constructor/prototype/x=1',
      '/a/prototype=1',
    ]) {
      const result = await runCli(['token', 'mint', '--claim', claim], {
        env: { AUTHCTL_HOME: home },
      });
      expect([claim, result.code]).toEqual([claim, 2]);
      expect(result.stderr).toMatch(/--claim/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    const roles = await runCli(
      ['token', 'mint', '--role', 'x', '--roles-claim', '/__proto__/roles'],
      { env: { AUTHCTL_HOME: home } },
    );
    expect(roles.code).toBe(2);
  });

  it('idp serve refuses config claims and presets with such pointers at start-up (exit 2, naming the field)', async () => {
    const { writeFileSync } = await import('node:fs');
    const path = await import('node:path');
    for (const [toml, field] of [
      [
        '[idp.clients.web]\nsecret = "w"\n[idp.clients.web.claims]\n"/__proto__/roles" = ["admin"]\n',
        'idp.clients.web.claims',
      ],
      ['[idp.users.alice.claims]\nconstructor = 1\n', 'idp.users.alice.claims'],
      ['[tokens.p.claims]\n"/a/prototype/b" = 1\n', 'tokens.p.claims'],
    ] as const) {
      const dir = tempDir('authctl-proto-config-');
      writeFileSync(path.join(dir, 'authctl.toml'), toml);
      const result = await runCli(['idp', 'serve', '--port', '0'], {
        cwd: dir,
        env: { AUTHCTL_HOME: path.join(dir, 'home') },
      });
      expect([field, result.code]).toEqual([field, 2]);
      expect(result.stderr).toContain(field);
    }
  });

  it('setAtPointer and getAtPointer refuse the segments and follow own properties only', async () => {
    const { getAtPointer, setAtPointer } = await import('../../src/core/jsonpointer.js');
    const guard = prototypeGuard();
    for (const segment of PROTO_SEGMENTS) {
      expect(() => setAtPointer({}, `/${segment}/polluted`, true), segment).toThrow(/JSON pointer/);
      expect(() => setAtPointer({}, segment, true), segment).toThrow(/JSON pointer/);
    }
    expect(getAtPointer({}, '/toString')).toBeUndefined();
    const target: Record<string, unknown> = {};
    setAtPointer(target, '/toString/x', 1);
    expect(target).toEqual({ toString: { x: 1 } });
    guard.check();
  });
});

describe('security: probe credentials refuse prototype pointers', () => {
  it('a jwt credential with claims {"/__proto__/x": 1} is a usage error (exit 2) naming the pointer', async () => {
    const { writeFileSync } = await import('node:fs');
    const path = await import('node:path');
    const dir = tempDir('authctl-proto-probe-');
    writeFileSync(
      path.join(dir, 'probe.toml'),
      [
        'base_url = "http://127.0.0.1:9"',
        '',
        '[jwt]',
        'issuer = "http://127.0.0.1:9400"',
        'audience = "api://x"',
        '',
        '[credentials.reader]',
        'type = "jwt"',
        'sub = "alice"',
        '[credentials.reader.claims]',
        '"/__proto__/x" = 1',
        '',
        '[[endpoints]]',
        'path = "/v1/x"',
        'allow = ["reader"]',
        '',
      ].join('\n'),
    );
    const result = await runCli(['probe'], {
      cwd: dir,
      env: { AUTHCTL_HOME: path.join(dir, 'home') },
    });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/__proto__/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

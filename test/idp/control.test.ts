import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/core/keys/keystore.js';
import { control, startTestIdp, tokenRequest, type TestIdp } from './helpers.js';

const kids = async (url: string) =>
  ((await (await fetch(`${url}/jwks`)).json()) as { keys: { kid: string }[] }).keys.map(
    (k) => k.kid,
  );
const cc = async (url: string, extra: Record<string, string> = {}) =>
  tokenRequest(url, { grant_type: 'client_credentials', ...extra }, ['svc', 'secret']);
const introspect = async (url: string, token: string) =>
  (await (
    await fetch(`${url}/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, client_id: 'svc', client_secret: 'secret' }),
    })
  ).json()) as Record<string, unknown>;

describe('idp: control API', () => {
  let idp: TestIdp;
  let skew = 0;
  beforeAll(async () => {
    // The issuer's base clock is real time plus `skew`, so a test can let "time pass" without sleeping.
    idp = await startTestIdp({}, { clock: () => Date.now() + skew });
    await fetch(`${idp.url}/readyz`);
  });
  afterAll(() => idp.close());
  afterEach(async () => {
    skew = 0;
    await control(idp.url, 'DELETE', '/fault');
    await control(idp.url, 'POST', '/clock', { reset: true });
  });

  it('rotates in stages: publish (in JWKS, not signing), activate (signing, old in grace), retire (old dropped)', async () => {
    const initial = await kids(idp.url);
    const oldKid = decodeProtectedHeader(String((await cc(idp.url)).body.access_token)).kid;
    const published = await control(idp.url, 'POST', '/rotate', { stage: 'publish' });
    const newKid = published.body.published.kid;
    expect(await kids(idp.url)).toEqual([...initial, newKid]);
    expect(decodeProtectedHeader(String((await cc(idp.url)).body.access_token)).kid).toBe(oldKid);

    await control(idp.url, 'POST', '/rotate', { stage: 'activate' });
    const signed = String((await cc(idp.url)).body.access_token);
    expect(decodeProtectedHeader(signed).kid).toBe(newKid);
    expect(await kids(idp.url)).toContain(oldKid);

    const retired = await control(idp.url, 'POST', '/rotate', { stage: 'retire' });
    expect(retired.body.retired.map((k: { kid: string }) => k.kid)).toContain(oldKid);
    expect(await kids(idp.url)).toEqual([newKid]);
    await jwtVerify(signed, createRemoteJWKSet(new URL(`${idp.url}/jwks`)));
    const nothing = await control(idp.url, 'POST', '/rotate', { stage: 'activate' });
    expect(nothing.status).toBe(400);
  });

  it('picks up a rotation made by another process (`authctl keys rotate`) without a restart', async () => {
    const before = await kids(idp.url);
    const other = new Keystore({ dir: idp.home });
    const { activated } = await other.rotate({ alg: 'RS256', dropOld: true });
    // The server re-reads keys.json when it changes (checked every 100 ms): poll, no fixed sleep.
    let seen = before;
    for (
      const deadline = Date.now() + 10_000;
      !seen.includes(activated!.kid) && Date.now() < deadline;
    ) {
      await new Promise((r) => setTimeout(r, 50));
      seen = await kids(idp.url);
    }
    expect(seen).toEqual([activated!.kid]);
    expect(before).not.toContain(activated!.kid);
    expect(decodeProtectedHeader(String((await cc(idp.url)).body.access_token)).kid).toBe(
      activated!.kid,
    );
  });

  it('drops the old key at once with drop_old', async () => {
    const before = await kids(idp.url);
    const rotated = await control(idp.url, 'POST', '/rotate', { drop_old: true });
    expect(await kids(idp.url)).toEqual([rotated.body.activated.kid]);
    expect(before).not.toContain(rotated.body.activated.kid);
  });

  it('injects JWKS faults: 503, empty, garbage, timeout; and clears them', async () => {
    await control(idp.url, 'POST', '/fault', { jwks: '503' });
    expect((await fetch(`${idp.url}/jwks`)).status).toBe(503);
    await control(idp.url, 'POST', '/fault', { jwks: 'empty' });
    expect(await (await fetch(`${idp.url}/jwks`)).json()).toEqual({ keys: [] });
    await control(idp.url, 'POST', '/fault', { jwks: 'garbage' });
    await expect((await fetch(`${idp.url}/jwks`)).json()).rejects.toThrow();
    await control(idp.url, 'POST', '/fault', { jwks: 'timeout' });
    await expect(fetch(`${idp.url}/jwks`, { signal: AbortSignal.timeout(300) })).rejects.toThrow(
      /timeout|aborted/i,
    );
    // Discovery still works during a JWKS outage (services then start degraded).
    expect((await fetch(`${idp.url}/.well-known/openid-configuration`)).status).toBe(200);
    await control(idp.url, 'DELETE', '/fault');
    expect((await fetch(`${idp.url}/jwks`)).status).toBe(200);
  });

  it('ends a fault by itself after --for, each fault on its own schedule', async () => {
    // Generous window: on a loaded CI machine the next two requests may take a while.
    await control(idp.url, 'POST', '/fault', { jwks: '503', for: '1500ms' });
    await control(idp.url, 'POST', '/fault', { token: 503 });
    expect((await fetch(`${idp.url}/jwks`)).status).toBe(503);
    let status = 503;
    for (const deadline = Date.now() + 10_000; status === 503 && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await fetch(`${idp.url}/jwks`)).status;
    }
    expect(status).toBe(200);
    expect((await cc(idp.url)).status).toBe(503);
    expect((await control(idp.url, 'GET', '/state')).body.faults).toEqual({ token: 503 });
  });

  it('injects token endpoint errors and latency, and rejects bad fault requests', async () => {
    await control(idp.url, 'POST', '/fault', { token: 500 });
    const failed = await cc(idp.url);
    expect([failed.status, failed.body.error]).toEqual([500, 'server_error']);
    await control(idp.url, 'DELETE', '/fault');
    await control(idp.url, 'POST', '/fault', { latency: '200ms' });
    const started = Date.now();
    await fetch(`${idp.url}/.well-known/openid-configuration`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(
      (await control(idp.url, 'POST', '/fault', { jwks: 'sometimes' })).body.error_description,
    ).toMatch(/unknown JWKS fault/);
    expect((await control(idp.url, 'POST', '/fault', {})).status).toBe(400);
  });

  it('signs with a key that is not published at all (unknown kid)', async () => {
    await control(idp.url, 'POST', '/fault', { unpublished_key: true });
    const token = String((await cc(idp.url)).body.access_token);
    expect(await kids(idp.url)).not.toContain(decodeProtectedHeader(token).kid);
    await expect(
      jwtVerify(token, createRemoteJWKSet(new URL(`${idp.url}/jwks`))),
    ).rejects.toThrow();
    expect((await introspect(idp.url, token)).active).toBe(false);
  });

  it('freezes and advances the clock for issued tokens, introspection and userinfo', async () => {
    const frozen = await control(idp.url, 'POST', '/clock', { freeze: true });
    expect(frozen.body.frozen).toBe(true);
    const a = decodeJwt(String((await cc(idp.url)).body.access_token));
    skew += 5_000;
    const token = String((await cc(idp.url)).body.access_token);
    expect(decodeJwt(token).iat).toBe(a.iat);
    expect((await introspect(idp.url, token)).active).toBe(true);
    const advanced = await control(idp.url, 'POST', '/clock', { advance: '2h' });
    // Frozen, then moved by exactly 2 h: the 5 s of base time that passed do not count.
    expect(Date.parse(advanced.body.now) - Date.parse(frozen.body.now)).toBe(7_200_000);
    expect((await introspect(idp.url, token)).active).toBe(false);
    const userinfo = await fetch(`${idp.url}/userinfo`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(userinfo.status).toBe(401);
    const later = decodeJwt(String((await cc(idp.url)).body.access_token));
    expect(later.iat! - a.iat!).toBe(7200);
    const reset = await control(idp.url, 'POST', '/clock', { reset: true });
    expect([reset.body.frozen, reset.body.offsetSeconds]).toEqual([false, 0]);
  });

  it('captures requests with credentials masked, and logs one masked line per request', async () => {
    await control(idp.url, 'DELETE', '/requests');
    const token = String((await cc(idp.url, { scope: 'openid a b' })).body.access_token);
    await fetch(`${idp.url}/userinfo?access_token=${token}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const { body } = await control(idp.url, 'GET', '/requests');
    const [tokenReq, userinfoReq] = body.requests;
    expect(tokenReq).toMatchObject({
      method: 'POST',
      path: '/token',
      status: 200,
      clientId: 'svc',
      body: { grant_type: 'client_credentials', scope: 'openid a b' },
    });
    expect(tokenReq.headers.authorization).toMatch(/^Basic /);
    expect(JSON.stringify(body)).not.toContain(token);
    expect(JSON.stringify(body)).not.toContain(Buffer.from('svc:secret').toString('base64'));
    expect(userinfoReq.path).toBe('/userinfo');
    expect((await control(idp.url, 'GET', '/requests?path=/token')).body.requests).toHaveLength(1);
    const line = [...idp.logs].reverse().find((l) => l.startsWith('GET /userinfo?'))!;
    expect(line).toMatch(/^GET \/userinfo\?access_token=\S+ 200 \d+\.\dms client_id=svc$/);
    expect(idp.logs.join('\n')).not.toContain(token);
    expect(idp.logs.some((l) => /^POST \/token 200 [\d.]+ms client_id=svc$/.test(l))).toBe(true);
  });

  it('sets claims for the next token of a client (one-shot) or every token (sticky)', async () => {
    await control(idp.url, 'POST', '/claims', {
      client_id: 'svc',
      claims: { org_id: '42', '/nested/flag': true },
    });
    expect(decodeJwt(String((await cc(idp.url)).body.access_token))).toMatchObject({
      org_id: '42',
      nested: { flag: true },
    });
    expect(decodeJwt(String((await cc(idp.url)).body.access_token)).org_id).toBeUndefined();
    await control(idp.url, 'POST', '/claims', {
      client_id: 'svc',
      claims: { plan: 'pro' },
      sticky: true,
    });
    expect(decodeJwt(String((await cc(idp.url)).body.access_token)).plan).toBe('pro');
    expect(decodeJwt(String((await cc(idp.url)).body.access_token)).plan).toBe('pro');
    await control(idp.url, 'DELETE', '/claims');
    expect(decodeJwt(String((await cc(idp.url)).body.access_token)).plan).toBeUndefined();
    // Per-request dev claims need no control call at all.
    expect(
      decodeJwt(String((await cc(idp.url, { authctl_claims: '{"tid":"t-9"}' })).body.access_token))
        .tid,
    ).toBe('t-9');
    expect((await cc(idp.url, { authctl_claims: 'not json' })).body.error).toBe('invalid_request');
  });

  it('adds users at run time and reports state; health endpoints answer', async () => {
    expect(
      (
        await control(idp.url, 'POST', '/users', {
          name: 'zed',
          password: 'pw',
          tenant: 'z',
          roles: ['ops'],
        })
      ).status,
    ).toBe(200);
    const bad = await tokenRequest(
      idp.url,
      { grant_type: 'password', username: 'zed', password: 'nope' },
      ['svc', 'secret'],
    );
    expect(bad.body.error).toBe('invalid_grant');
    const ok = await tokenRequest(
      idp.url,
      { grant_type: 'password', username: 'zed', password: 'pw' },
      ['svc', 'secret'],
    );
    expect(decodeJwt(String(ok.body.access_token))).toMatchObject({
      sub: 'zed',
      tid: 'z',
      roles: ['ops'],
    });
    expect(
      (await control(idp.url, 'POST', '/users', { name: 'x', roles: 'not-a-list' })).status,
    ).toBe(400);
    const state = await control(idp.url, 'GET', '/state');
    expect(state.body.users).toEqual(['zed']);
    expect(JSON.stringify(state.body)).not.toMatch(/"d":/);
    expect((await fetch(`${new URL(idp.url).origin}/healthz`)).status).toBe(200);
    expect((await fetch(`${new URL(idp.url).origin}/readyz`)).status).toBe(200);
  });
});

describe('idp: --no-control', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({}, { control: false });
  });
  afterAll(() => idp.close());

  it('answers 404 on /_authctl/ and keeps the issuer working', async () => {
    const response = await control(idp.url, 'POST', '/fault', { jwks: '503' });
    expect(response.status).toBe(404);
    expect(response.body.error_description).toMatch(/disabled/);
    expect((await fetch(`${idp.url}/jwks`)).status).toBe(200);
  });
});

describe('idp: browsers', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp();
  });
  afterAll(() => idp.close());

  it('answers CORS preflights and adds CORS headers for cross-origin token and JWKS calls (Swagger UI)', async () => {
    const origin = 'http://127.0.0.1:8080';
    const pre = await fetch(`${idp.url}/token`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(origin);
    expect(pre.headers.get('access-control-allow-headers')).toBe('content-type');
    const token = await fetch(`${idp.url}/token`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=a&client_secret=b',
    });
    expect(token.headers.get('access-control-allow-origin')).toBe(origin);
    expect(
      (await fetch(`${idp.url}/jwks`, { headers: { origin } })).headers.get(
        'access-control-allow-origin',
      ),
    ).toBe(origin);
    expect((await fetch(`${idp.url}/jwks`)).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses form-encoded control requests (no cross-site form posts to the control API)', async () => {
    const form = await fetch(`${new URL(idp.url).origin}/_authctl/fault`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'jwks=503',
    });
    expect(form.status).toBe(415);
    expect((await fetch(`${idp.url}/jwks`)).status).toBe(200);
  });
});

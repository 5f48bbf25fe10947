// DPoP (RFC 9449) driven by openid-client's getDPoPHandle over real HTTP; proofs the client would
// never send (replayed, wrong htu, old, other key) are made with jose and sent with fetch.
import { createHash, randomUUID } from 'node:crypto';
import * as jose from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIRECT, discover, login, startTestIdp, type TestIdp } from './helpers.js';

let idp: TestIdp;
let nonceIdp: TestIdp;
let keys: CryptoKeyPair;
let otherKeys: CryptoKeyPair;

beforeAll(async () => {
  keys = await jose.generateKeyPair('ES256');
  otherKeys = await jose.generateKeyPair('ES256');
  const clients = {
    svc: { secret: 'svc-secret', dpop_bound_access_tokens: true },
    web: { secret: 'web-secret' },
    spa: { public: true, redirect_uris: [REDIRECT] },
  };
  idp = await startTestIdp({ idp: { dpop: true, clients } });
  nonceIdp = await startTestIdp({ idp: { dpop_nonce: true, clients } });
});
afterAll(async () => {
  await idp.close();
  await nonceIdp.close();
});

interface ProofOptions {
  key?: CryptoKeyPair;
  htm?: string;
  htu: string;
  iat?: number;
  jti?: string;
  accessToken?: string;
  nonce?: string;
}

async function proof(options: ProofOptions): Promise<string> {
  const key = options.key ?? keys;
  const jwk = await jose.exportJWK(key.publicKey);
  return new jose.SignJWT({
    htm: options.htm ?? 'POST',
    htu: options.htu,
    iat: options.iat ?? Math.floor(Date.now() / 1000),
    jti: options.jti ?? randomUUID(),
    ...(options.accessToken
      ? { ath: createHash('sha256').update(options.accessToken).digest('base64url') }
      : {}),
    ...(options.nonce ? { nonce: options.nonce } : {}),
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
    .sign(key.privateKey);
}

async function token(issuer: string, dpop?: string, id = 'svc') {
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${id}:${id}-secret`).toString('base64')}`,
      ...(dpop ? { dpop } : {}),
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'openid' }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as any,
  };
}

async function userinfo(issuer: string, authorization: string, dpop?: string) {
  const response = await fetch(`${issuer}/userinfo`, {
    headers: { authorization, ...(dpop ? { dpop } : {}) },
  });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

async function dpopTokens(issuer: string) {
  const config = await discover(issuer, 'svc', 'svc-secret');
  const DPoP = client.getDPoPHandle(config, keys);
  const tokens = await client.clientCredentialsGrant(config, { scope: 'openid' }, { DPoP });
  return { config, DPoP, tokens };
}

/** A public client's code flow (login form POSTed) with its token request DPoP-bound. */
async function spaTokens(
  DPoP: client.DPoPHandle,
  config: client.Configuration,
  extra: Record<string, string> = {},
) {
  const verifier = client.randomPKCECodeVerifier();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: 'openid offline_access',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...extra,
  });
  const { location } = await login(url, { username: 'alice' });
  return client.authorizationCodeGrant(
    config,
    new URL(location),
    { pkceCodeVerifier: verifier },
    undefined,
    { DPoP },
  );
}

describe('idp: DPoP-bound access tokens', () => {
  it('advertises the proof algorithms', async () => {
    const metadata = (await discover(idp.url, 'web', 'web-secret')).serverMetadata();
    expect(metadata.dpop_signing_alg_values_supported).toContain('ES256');
  });

  it('binds the token to the key (cnf.jkt) and serves userinfo and introspection with the proof', async () => {
    const { config, DPoP, tokens } = await dpopTokens(idp.url);
    expect(tokens.token_type.toLowerCase()).toBe('dpop');
    const jwks = jose.createRemoteJWKSet(new URL(`${idp.url}/jwks`));
    const { payload } = await jose.jwtVerify(tokens.access_token, jwks, { issuer: idp.url });
    const thumbprint = await jose.calculateJwkThumbprint(await jose.exportJWK(keys.publicKey));
    expect(payload.cnf).toEqual({ jkt: thumbprint });
    const info = await client.fetchUserInfo(config, tokens.access_token, client.skipSubjectCheck, {
      DPoP,
    });
    expect(info.sub).toBe('svc');
    const introspection = await client.tokenIntrospection(config, tokens.access_token);
    expect(introspection).toMatchObject({
      active: true,
      token_type: 'DPoP',
      cnf: { jkt: thumbprint },
    });
  });

  it('refuses the bound token at userinfo without its proof, as Bearer, or with another key', async () => {
    const { tokens } = await dpopTokens(idp.url);
    const at = tokens.access_token;
    const htu = `${idp.url}/userinfo`;
    const cases: [string, string, string | undefined, RegExp][] = [
      ['as Bearer', `Bearer ${at}`, undefined, /^invalid_token.*DPoP-bound/],
      ['no proof', `DPoP ${at}`, undefined, /^invalid_dpop_proof.*required/],
      ['no ath', `DPoP ${at}`, await proof({ htm: 'GET', htu }), /^invalid_dpop_proof.*ath/],
      [
        'another key',
        `DPoP ${at}`,
        await proof({ htm: 'GET', htu, accessToken: at, key: otherKeys }),
        /^invalid_dpop_proof.*another key/,
      ],
    ];
    for (const [name, authorization, dpop, why] of cases) {
      const response = await userinfo(idp.url, authorization, dpop);
      expect(response.status, name).toBe(401);
      const body = JSON.parse(response.body) as { error: string; error_description: string };
      expect(`${body.error} ${body.error_description}`, name).toMatch(why);
      expect(response.headers.get('www-authenticate'), name).toMatch(/^DPoP error="/);
    }
    const good = await proof({ htm: 'GET', htu, accessToken: at });
    expect((await userinfo(idp.url, `DPoP ${at}`, good)).status).toBe(200);
    // The same proof again is a replay.
    const replayed = await userinfo(idp.url, `DPoP ${at}`, good);
    expect(replayed.status).toBe(401);
    expect(replayed.body).toMatch(/already used/);
  });

  it('checks the proof at the token endpoint: required, htm, htu, iat window, jti replay', async () => {
    const htu = `${idp.url}/token`;
    const missing = await token(idp.url);
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('invalid_dpop_proof');
    expect(missing.body.error_description).toMatch(/"svc" must send a DPoP proof/);
    const old = Math.floor(Date.now() / 1000) - 3600;
    const cases: [string, Promise<string>, RegExp][] = [
      ['wrong htm', proof({ htu, htm: 'GET' }), /htm must be POST/],
      ['wrong htu', proof({ htu: `${idp.url}/userinfo` }), /htu must be/],
      ['old iat', proof({ htu, iat: old }), /iat/],
      ['not a proof', Promise.resolve('a.b.c'), /DPoP proof refused/],
    ];
    for (const [name, dpop, why] of cases) {
      const response = await token(idp.url, await dpop);
      expect(response.body.error, name).toBe('invalid_dpop_proof');
      expect(response.body.error_description, name).toMatch(why);
    }
    const once = await proof({ htu: `${htu}?ignored=query` });
    expect((await token(idp.url, once)).status).toBe(200);
    const replay = await token(idp.url, once);
    expect(replay.body.error_description).toMatch(/already used/);
  });

  it('issues Bearer tokens without a proof to clients that need none, refused with the DPoP scheme', async () => {
    const plain = await token(idp.url, undefined, 'web');
    expect(plain.body.token_type).toBe('Bearer');
    expect(jose.decodeJwt(plain.body.access_token as string).cnf).toBeUndefined();
    const htu = `${idp.url}/userinfo`;
    const at = plain.body.access_token as string;
    const response = await userinfo(
      idp.url,
      `DPoP ${at}`,
      await proof({ htm: 'GET', htu, accessToken: at }),
    );
    expect(response.status).toBe(401);
    expect(response.body).toMatch(/not DPoP-bound/);
    expect((await userinfo(idp.url, `Bearer ${at}`)).status).toBe(200);
  });
});

describe('idp: DPoP-bound refresh tokens of public clients (RFC 9449 §5)', () => {
  it('refreshes only with a proof by the same key', async () => {
    const config = await discover(idp.url, 'spa');
    const DPoP = client.getDPoPHandle(config, keys);
    const tokens = await spaTokens(DPoP, config);
    expect(tokens.token_type.toLowerCase()).toBe('dpop');
    const other = client.getDPoPHandle(config, otherKeys);
    for (const [name, options] of [
      ['another key', { DPoP: other }],
      ['no proof', {}],
    ] as const) {
      const error = await client
        .refreshTokenGrant(config, tokens.refresh_token!, undefined, options)
        .catch((e: unknown) => e as client.ResponseBodyError);
      expect(error, name).toBeInstanceOf(client.ResponseBodyError);
      expect((error as client.ResponseBodyError).error_description, name).toMatch(
        /bound to a DPoP key/,
      );
    }
    // The refused attempts did not use the token up.
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!, undefined, {
      DPoP,
    });
    expect(jose.decodeJwt(refreshed.access_token).cnf).toEqual({
      jkt: await jose.calculateJwkThumbprint(await jose.exportJWK(keys.publicKey)),
    });
  });
});

// RFC 9449 defines no proof at /revoke, and §6.2 says the authorization server does not check the
// binding at /introspect: the resource server checks cnf.jkt itself. Both endpoints authenticate the
// client only (RFC 7009 §2.1, RFC 7662 §2.1), as for any token.
describe('idp: DPoP-bound tokens at /introspect and /revoke', () => {
  const post = async (endpoint: string, form: Record<string, string>) => {
    const response = await fetch(`${idp.url}/${endpoint}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : {} };
  };

  it('introspects a bound access token for a resource server that sends no proof: DPoP and cnf.jkt', async () => {
    const { tokens } = await dpopTokens(idp.url);
    const thumbprint = await jose.calculateJwkThumbprint(await jose.exportJWK(keys.publicKey));
    const answer = await post('introspect', {
      token: tokens.access_token,
      client_id: 'web',
      client_secret: 'web-secret',
    });
    expect(answer).toMatchObject({
      status: 200,
      body: { active: true, token_type: 'DPoP', cnf: { jkt: thumbprint } },
    });
  });

  it("revokes a public client's bound refresh token with its client_id alone; the key cannot refresh it after", async () => {
    const config = await discover(idp.url, 'spa');
    const DPoP = client.getDPoPHandle(config, keys);
    const tokens = await spaTokens(DPoP, config);
    const refreshToken = tokens.refresh_token!;
    expect(
      (await post('introspect', { token: refreshToken, client_id: 'spa' })).body,
    ).toMatchObject({
      active: true,
      client_id: 'spa',
    });
    expect((await post('revoke', { token: refreshToken, client_id: 'spa' })).status).toBe(200);
    expect((await post('introspect', { token: refreshToken, client_id: 'spa' })).body).toEqual({
      active: false,
    });
    const error = await client
      .refreshTokenGrant(config, refreshToken, undefined, { DPoP })
      .catch((e: unknown) => e as client.ResponseBodyError);
    expect(error).toBeInstanceOf(client.ResponseBodyError);
    expect((error as client.ResponseBodyError).error).toBe('invalid_grant');
  });
});

describe('idp: codes bound to a DPoP key with dpop_jkt (RFC 9449 §10)', () => {
  it('redeems the code only with a proof by the named key', async () => {
    const config = await discover(idp.url, 'spa');
    const dpop_jkt = await jose.calculateJwkThumbprint(await jose.exportJWK(keys.publicKey));
    const other = client.getDPoPHandle(config, otherKeys);
    const error = await spaTokens(other, config, { dpop_jkt }).catch(
      (e: unknown) => e as client.ResponseBodyError,
    );
    expect(error).toBeInstanceOf(client.ResponseBodyError);
    expect((error as client.ResponseBodyError).error_description).toMatch(/bound to a DPoP key/);
    const tokens = await spaTokens(client.getDPoPHandle(config, keys), config, { dpop_jkt });
    expect(jose.decodeJwt(tokens.access_token).cnf).toEqual({ jkt: dpop_jkt });
  });
});

describe('idp: DPoP nonces (dpop_nonce)', () => {
  it('openid-client retries with the DPoP-Nonce it is given, at the token endpoint and userinfo', async () => {
    const { config, DPoP, tokens } = await dpopTokens(nonceIdp.url);
    expect(tokens.token_type.toLowerCase()).toBe('dpop');
    const info = await client.fetchUserInfo(config, tokens.access_token, client.skipSubjectCheck, {
      DPoP,
    });
    expect(info.sub).toBe('svc');
  });

  it('answers a proof without a nonce with use_dpop_nonce and the nonce to use', async () => {
    const htu = `${nonceIdp.url}/token`;
    const first = await token(nonceIdp.url, await proof({ htu }));
    expect(first.status).toBe(400);
    expect(first.body.error).toBe('use_dpop_nonce');
    const nonce = first.headers.get('dpop-nonce');
    expect(nonce).toBeTruthy();
    const stale = await token(nonceIdp.url, await proof({ htu, nonce: 'not-issued-here' }));
    expect(stale.body.error).toBe('use_dpop_nonce');
    const second = await token(nonceIdp.url, await proof({ htu, nonce: nonce! }));
    expect(second.status).toBe(200);
    expect(second.body.token_type).toBe('DPoP');
    // A browser client (an allowed origin) may read the nonce to retry with it.
    const fromSpa = await fetch(`${nonceIdp.url}/token`, {
      method: 'POST',
      headers: {
        origin: 'http://127.0.0.1:5173',
        authorization: `Basic ${Buffer.from('svc:svc-secret').toString('base64')}`,
        dpop: await proof({ htu }),
      },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    expect(fromSpa.headers.get('access-control-expose-headers')).toMatch(/dpop-nonce/i);
    expect(fromSpa.headers.get('dpop-nonce')).toBeTruthy();
  });
});

describe('idp: DPoP off', () => {
  it('ignores a DPoP header and advertises nothing, as a server without DPoP does', async () => {
    const off = await startTestIdp({ idp: { clients: { web: { secret: 'web-secret' } } } });
    try {
      const metadata = (await discover(off.url, 'web', 'web-secret')).serverMetadata();
      expect(metadata.dpop_signing_alg_values_supported).toBeUndefined();
      const response = await token(off.url, await proof({ htu: `${off.url}/token` }), 'web');
      expect(response.body.token_type).toBe('Bearer');
    } finally {
      await off.close();
    }
  });
});

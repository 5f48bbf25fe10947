import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/core/keys/keystore.js';
import { mintToken } from '../../src/core/token/mint.js';
import { codeFlow, control, discover, startTestIdp, type TestIdp } from './helpers.js';

// A real relying party (openid-client) against the zero-config issuer.
describe('idp: OIDC flows with openid-client (zero config)', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({ token: { audience: 'api://datapress', tenant_claim: '/org/id' } });
  });
  afterAll(() => idp.close());

  it('serves discovery whose issuer equals the URL exactly, for both metadata documents', async () => {
    const config = await discover(idp.url, 'any-client', 'any-secret');
    const meta = config.serverMetadata();
    expect(meta.issuer).toBe(idp.url);
    expect(idp.url.endsWith('/')).toBe(false);
    expect(meta.jwks_uri).toBe(`${idp.url}/jwks`);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
    const oauth = (await (
      await fetch(`${idp.url}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, unknown>;
    expect(oauth.issuer).toBe(idp.url);
    expect(oauth.token_endpoint).toBe(meta.token_endpoint);
  });

  it('publishes a JWKS with kid, alg and use, and a Cache-Control header', async () => {
    const response = await fetch(`${idp.url}/jwks`);
    expect(response.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const { keys } = (await response.json()) as { keys: Record<string, string>[] };
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).toMatchObject({ alg: 'RS256', use: 'sig', kty: 'RSA' });
      expect(key.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(key.d).toBeUndefined();
    }
  });

  it('issues client_credentials tokens that verify against the remote JWKS, with the [token] mapping', async () => {
    const config = await discover(idp.url, 'ci-job', 'whatever');
    const tokens = await client.clientCredentialsGrant(config, {
      scope: 'datasets:read datasets:reload',
    });
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.expires_in).toBe(900);
    expect(tokens.refresh_token).toBeUndefined();
    const jwks = createRemoteJWKSet(new URL(`${idp.url}/jwks`));
    const { payload } = await jwtVerify(tokens.access_token, jwks, {
      issuer: idp.url,
      audience: 'api://datapress',
    });
    expect(payload).toMatchObject({
      sub: 'ci-job',
      scope: 'datasets:read datasets:reload',
      client_id: 'ci-job',
    });
  });

  it('signs with the same keys as `authctl token mint` (shared keystore)', async () => {
    const minted = await mintToken({
      keystore: new Keystore({ dir: idp.home }),
      issuer: idp.url,
      subject: 'minted',
    });
    const config = await discover(idp.url, 'c', 's');
    const issued = await client.clientCredentialsGrant(config);
    expect(decodeProtectedHeader(minted.token).kid).toBe(
      decodeProtectedHeader(issued.access_token).kid,
    );
    await jwtVerify(minted.token, createRemoteJWKSet(new URL(`${idp.url}/jwks`)), {
      issuer: idp.url,
    });
  });

  it('runs authorization_code + PKCE through the login form, with state, nonce and an id_token', async () => {
    const config = await discover(idp.url, 'swagger-ui', undefined);
    const { tokens, location, state } = await codeFlow(config, {
      form: { username: 'alice', tenant: 'acme', roles: 'admin, viewer' },
    });
    const redirect = new URL(location);
    expect(redirect.origin + redirect.pathname).toBe('http://127.0.0.1:8080/callback');
    expect(redirect.searchParams.get('state')).toBe(state);
    expect(redirect.searchParams.get('iss')).toBe(idp.url);
    const idToken = tokens.claims()!;
    expect(idToken).toMatchObject({ iss: idp.url, aud: 'swagger-ui', sub: 'alice' });
    const { payload } = await jwtVerify(
      tokens.access_token,
      createRemoteJWKSet(new URL(`${idp.url}/jwks`)),
      { issuer: idp.url },
    );
    expect(payload).toMatchObject({
      sub: 'alice',
      org: { id: 'acme' },
      roles: ['admin', 'viewer'],
      scope: 'openid profile offline_access',
    });
    expect(tokens.refresh_token).toBeTruthy();
  });

  it('rotates refresh tokens: the new one works, the old one is invalid_grant', async () => {
    const config = await discover(idp.url, 'cli', undefined);
    const { tokens } = await codeFlow(config, { form: { username: 'erin' } });
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    // Replaying the old token revoked the whole family, including the token rotated from it.
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    // ... and every access token of the family (a stolen refresh token's output is no use either).
    expect((await client.tokenIntrospection(config, refreshed.access_token)).active).toBe(false);
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
  });

  it('revoking a refresh token also revokes the access tokens of its grant (RFC 7009 §2.1)', async () => {
    const config = await discover(idp.url, 'svc', 'svc-secret');
    const { tokens } = await codeFlow(config, { form: { username: 'bob' } });
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    await client.tokenRevocation(config, refreshed.refresh_token!);
    expect((await client.tokenIntrospection(config, refreshed.access_token)).active).toBe(false);
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    // Other grants are untouched.
    const other = await client.clientCredentialsGrant(config);
    expect((await client.tokenIntrospection(config, other.access_token)).active).toBe(true);
  });

  it('introspects, revokes, and then introspects revoked access and refresh tokens as inactive', async () => {
    const config = await discover(idp.url, 'svc', 'svc-secret');
    const { tokens } = await codeFlow(config, { form: { username: 'bob' } });
    const active = await client.tokenIntrospection(config, tokens.access_token);
    expect(active).toMatchObject({ active: true, sub: 'bob', iss: idp.url });
    const refresh = await client.tokenIntrospection(config, tokens.refresh_token!);
    expect(refresh).toMatchObject({ active: true, token_type: 'refresh_token', sub: 'bob' });

    await client.tokenRevocation(config, tokens.access_token);
    await client.tokenRevocation(config, tokens.refresh_token!);
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    expect((await client.tokenIntrospection(config, tokens.refresh_token!)).active).toBe(false);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    await expect(client.fetchUserInfo(config, tokens.access_token, 'bob')).rejects.toThrow();
  });

  it('answers userinfo for a valid token and 401 with WWW-Authenticate for a bad one', async () => {
    const config = await discover(idp.url, 'spa', undefined);
    const { tokens } = await codeFlow(config, {
      form: { username: 'carol', tenant: 't-1', roles: 'viewer' },
    });
    const info = await client.fetchUserInfo(config, tokens.access_token, 'carol');
    // The claim names of the tokens: tenant_claim = /org/id here.
    expect(info).toMatchObject({ sub: 'carol', org: { id: 't-1' }, roles: ['viewer'] });
    const bad = await fetch(`${idp.url}/userinfo`, {
      headers: { authorization: 'Bearer not.a.token' },
    });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
  });

  it('supports the password grant for any user with a non-empty password when no users are configured', async () => {
    const config = await discover(idp.url, 'legacy', 'legacy-secret');
    const tokens = await client.genericGrantRequest(config, 'password', {
      username: 'dave',
      password: 'x',
      scope: 'openid',
    });
    expect(tokens.claims()?.sub).toBe('dave');
    await expect(
      client.genericGrantRequest(config, 'password', { username: 'dave', password: '' }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('keeps verifying old tokens after a rotation (grace) and signs new ones with the new key', async () => {
    const config = await discover(idp.url, 'c', 's');
    const before = await client.clientCredentialsGrant(config);
    const rotated = await control(idp.url, 'POST', '/rotate', {});
    expect(rotated.status).toBe(200);
    const after = await client.clientCredentialsGrant(config);
    const oldKid = decodeProtectedHeader(before.access_token).kid;
    const newKid = decodeProtectedHeader(after.access_token).kid;
    expect(newKid).toBe(rotated.body.activated.kid);
    expect(newKid).not.toBe(oldKid);
    const jwks = createRemoteJWKSet(new URL(`${idp.url}/jwks`));
    await jwtVerify(before.access_token, jwks, { issuer: idp.url });
    await jwtVerify(after.access_token, jwks, { issuer: idp.url });
    const kids = (
      (await (await fetch(`${idp.url}/jwks`)).json()) as { keys: { kid: string }[] }
    ).keys.map((k) => k.kid);
    expect(kids).toEqual(expect.arrayContaining([oldKid, newKid]));
  });
});

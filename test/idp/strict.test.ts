import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthctlConfig } from '../../src/core/config/schema.js';
import {
  REDIRECT,
  codeFlow,
  control,
  discover,
  login,
  startTestIdp,
  tokenRequest,
  type TestIdp,
} from './helpers.js';

const CONFIG: AuthctlConfig = {
  idp: {
    clients: {
      'datapress-ci': {
        secret: 'ci-secret',
        grants: ['client_credentials'],
        scopes: ['datasets:read'],
        audience: 'api://datapress',
        tenant: 'acme',
      },
      swagger: {
        public: true,
        redirect_uris: [REDIRECT],
        scopes: ['datasets:read', 'datasets:reload'],
      },
      web: { secret: 'web-secret', redirect_uris: [REDIRECT], claims: { org_id: 42 } },
      legacy: { public: true, redirect_uris: [REDIRECT], pkce_plain: true },
    },
    users: {
      alice: {
        password: 'wonderland',
        tenant: 'acme',
        roles: ['admin'],
        scopes: ['datasets:read'],
        email: 'alice@example.com',
        name: 'Alice',
      },
    },
  },
};

async function authorizeWith(idp: TestIdp, params: Record<string, string>) {
  const url = new URL(`${idp.url}/authorize`);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return login(url, { username: 'alice' });
}

const S256 = {
  code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  code_challenge_method: 'S256',
};
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

describe('idp: configured clients are enforced strictly', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp(CONFIG);
  });
  afterAll(() => idp.close());

  it('refuses a bad client secret with 401 invalid_client and a Basic challenge', async () => {
    const response = await tokenRequest(idp.url, { grant_type: 'client_credentials' }, [
      'datapress-ci',
      'wrong',
    ]);
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_client');
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic/);
    const post = await tokenRequest(idp.url, {
      grant_type: 'client_credentials',
      client_id: 'datapress-ci',
      client_secret: 'nope',
    });
    expect(post.status).toBe(401);
    expect(post.headers.get('www-authenticate')).toBeNull();
  });

  it('never lets a token response be cached (RFC 6749 §5.1: Cache-Control no-store, Pragma no-cache)', async () => {
    const ok = await tokenRequest(idp.url, { grant_type: 'client_credentials' }, [
      'datapress-ci',
      'ci-secret',
    ]);
    expect([ok.status, ok.headers.get('cache-control'), ok.headers.get('pragma')]).toEqual([
      200,
      'no-store',
      'no-cache',
    ]);
    const refused = await tokenRequest(idp.url, { grant_type: 'client_credentials' }, [
      'datapress-ci',
      'wrong',
    ]);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    await control(idp.url, 'POST', '/fault', { token: 503 });
    try {
      expect(
        (
          await tokenRequest(idp.url, { grant_type: 'client_credentials' }, [
            'datapress-ci',
            'ci-secret',
          ])
        ).headers.get('cache-control'),
      ).toBe('no-store');
    } finally {
      await control(idp.url, 'DELETE', '/fault');
    }
  });

  it('refuses unknown clients, grants the client may not use, and scopes it may not ask for', async () => {
    expect(
      (await tokenRequest(idp.url, { grant_type: 'client_credentials' }, ['stranger', 'x'])).body
        .error,
    ).toBe('invalid_client');
    const grant = await tokenRequest(
      idp.url,
      { grant_type: 'password', username: 'alice', password: 'wonderland' },
      ['datapress-ci', 'ci-secret'],
    );
    expect([grant.status, grant.body.error]).toEqual([400, 'unauthorized_client']);
    const scope = await tokenRequest(
      idp.url,
      { grant_type: 'client_credentials', scope: 'datasets:reload' },
      ['datapress-ci', 'ci-secret'],
    );
    expect([scope.status, scope.body.error]).toEqual([400, 'invalid_scope']);
    const unsupported = await tokenRequest(idp.url, { grant_type: 'implicit' }, [
      'web',
      'web-secret',
    ]);
    expect([unsupported.status, unsupported.body.error]).toEqual([400, 'unsupported_grant_type']);
  });

  it('issues client_credentials with the client audience and tenant (client_secret_post works too)', async () => {
    const config = await discover(
      idp.url,
      'datapress-ci',
      'ci-secret',
      client.ClientSecretPost('ci-secret'),
    );
    const tokens = await client.clientCredentialsGrant(config, { scope: 'datasets:read' });
    const claims = JSON.parse(
      Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString(),
    );
    expect(claims).toMatchObject({
      aud: 'api://datapress',
      tid: 'acme',
      scope: 'datasets:read',
      sub: 'datapress-ci',
    });
  });

  it('checks configured users on the password grant', async () => {
    const bad = await tokenRequest(
      idp.url,
      { grant_type: 'password', username: 'alice', password: 'nope' },
      ['web', 'web-secret'],
    );
    expect([bad.status, bad.body.error]).toEqual([400, 'invalid_grant']);
    const unknown = await tokenRequest(
      idp.url,
      { grant_type: 'password', username: 'mallory', password: 'x' },
      ['web', 'web-secret'],
    );
    expect(unknown.body.error_description).toBe(bad.body.error_description);
    const ok = await tokenRequest(
      idp.url,
      { grant_type: 'password', username: 'alice', password: 'wonderland' },
      ['web', 'web-secret'],
    );
    expect(ok.status).toBe(200);
    const claims = JSON.parse(
      Buffer.from(String(ok.body.access_token).split('.')[1]!, 'base64url').toString(),
    );
    expect(claims).toMatchObject({
      sub: 'alice',
      tid: 'acme',
      roles: ['admin'],
      scope: 'datasets:read',
      org_id: 42,
    });
  });

  it('pre-fills the login page from configured users', async () => {
    const page = await (
      await fetch(
        `${idp.url}/authorize?client_id=swagger&response_type=code&redirect_uri=${encodeURIComponent(REDIRECT)}&code_challenge=${S256.code_challenge}&code_challenge_method=S256`,
      )
    ).text();
    expect(page).toContain('value="alice"');
    expect(page).toContain('id="tenant" name="tenant" value="acme"');
    expect(page).toMatch(/<label for="roles">/);
  });

  it('shows (never redirects) an unregistered or slightly different redirect_uri', async () => {
    // Another port of the loopback URI is accepted (RFC 8252 §7.3, rfc-redirect.test.ts); another loopback host is not.
    for (const uri of [
      `${REDIRECT}/`,
      'http://localhost:8080/callback',
      'https://evil.example/cb',
    ]) {
      const { status, location, page } = await authorizeWith(idp, {
        client_id: 'swagger',
        response_type: 'code',
        redirect_uri: uri,
        ...S256,
      });
      expect(status).toBe(400);
      expect(location).toBe('');
      expect(page).toContain('is not registered for client');
    }
  });

  it('redirects with error=invalid_request when PKCE is missing, and refuses plain unless configured', async () => {
    const none = await authorizeWith(idp, {
      client_id: 'swagger',
      response_type: 'code',
      redirect_uri: REDIRECT,
      state: 'st',
    });
    const url = new URL(none.location);
    expect([url.searchParams.get('error'), url.searchParams.get('state')]).toEqual([
      'invalid_request',
      'st',
    ]);
    const plain = await authorizeWith(idp, {
      client_id: 'swagger',
      response_type: 'code',
      redirect_uri: REDIRECT,
      code_challenge: VERIFIER,
      code_challenge_method: 'plain',
    });
    expect(new URL(plain.location).searchParams.get('error_description')).toMatch(
      /plain is refused/,
    );
    // A malformed S256 challenge (padded, hex) is a client bug: refused at once, not at the token endpoint.
    for (const challenge of [`${S256.code_challenge}=`, 'a'.repeat(64)]) {
      const malformed = await authorizeWith(idp, {
        client_id: 'swagger',
        response_type: 'code',
        redirect_uri: REDIRECT,
        state: 'st',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });
      expect(Object.fromEntries(new URL(malformed.location).searchParams)).toMatchObject({
        error: 'invalid_request',
        state: 'st',
      });
      expect(new URL(malformed.location).searchParams.get('error_description')).toMatch(
        /43 characters of base64url/,
      );
    }
    const allowed = await authorizeWith(idp, {
      client_id: 'legacy',
      response_type: 'code',
      redirect_uri: REDIRECT,
      code_challenge: VERIFIER,
      code_challenge_method: 'plain',
    });
    const code = new URL(allowed.location).searchParams.get('code')!;
    const tokens = await tokenRequest(idp.url, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: VERIFIER,
      client_id: 'legacy',
    });
    expect(tokens.status).toBe(200);
  });

  async function freshCode(): Promise<string> {
    const { location } = await authorizeWith(idp, {
      client_id: 'swagger',
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope: 'openid datasets:read',
      ...S256,
    });
    return new URL(location).searchParams.get('code')!;
  }

  it('refuses a reused code, a wrong code_verifier, a mismatched redirect_uri and another client', async () => {
    const code = await freshCode();
    const ok = await tokenRequest(idp.url, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: VERIFIER,
      client_id: 'swagger',
    });
    expect(ok.status).toBe(200);
    const reused = await tokenRequest(idp.url, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: VERIFIER,
      client_id: 'swagger',
    });
    expect([reused.status, reused.body.error, reused.body.error_description]).toEqual([
      400,
      'invalid_grant',
      'authorization code was already used',
    ]);
    // The replay revoked the refresh token the first exchange issued.
    const refresh = await tokenRequest(idp.url, {
      grant_type: 'refresh_token',
      refresh_token: String(ok.body.refresh_token),
      client_id: 'swagger',
    });
    expect(refresh.body.error).toBe('invalid_grant');
    // ... and the access token (RFC 6749 §4.1.2: revoke all tokens issued from that code).
    const introspected = await fetch(`${idp.url}/introspect`, {
      method: 'POST',
      body: new URLSearchParams({ token: String(ok.body.access_token), client_id: 'swagger' }),
    });
    expect(await introspected.json()).toEqual({ active: false });

    const wrongVerifier = await tokenRequest(idp.url, {
      grant_type: 'authorization_code',
      code: await freshCode(),
      redirect_uri: REDIRECT,
      code_verifier: 'x'.repeat(43),
      client_id: 'swagger',
    });
    expect([wrongVerifier.status, wrongVerifier.body.error_description]).toEqual([
      400,
      'code_verifier does not match the code_challenge',
    ]);
    const noVerifier = await tokenRequest(idp.url, {
      grant_type: 'authorization_code',
      code: await freshCode(),
      redirect_uri: REDIRECT,
      client_id: 'swagger',
    });
    expect(noVerifier.body.error).toBe('invalid_grant');
    const wrongRedirect = await tokenRequest(idp.url, {
      grant_type: 'authorization_code',
      code: await freshCode(),
      redirect_uri: `${REDIRECT}?x=1`,
      code_verifier: VERIFIER,
      client_id: 'swagger',
    });
    expect([wrongRedirect.status, wrongRedirect.body.error]).toEqual([400, 'invalid_grant']);
    const otherClient = await tokenRequest(
      idp.url,
      {
        grant_type: 'authorization_code',
        code: await freshCode(),
        redirect_uri: REDIRECT,
        code_verifier: VERIFIER,
      },
      ['web', 'web-secret'],
    );
    expect(otherClient.body.error_description).toBe(
      'authorization code was issued to another client',
    );
  });

  it('refuses an expired code (issuer clock moved past code_ttl)', async () => {
    const code = await freshCode();
    await control(idp.url, 'POST', '/clock', { advance: '61s' });
    try {
      const expired = await tokenRequest(idp.url, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        code_verifier: VERIFIER,
        client_id: 'swagger',
      });
      expect([expired.status, expired.body.error, expired.body.error_description]).toEqual([
        400,
        'invalid_grant',
        'authorization code has expired',
      ]);
    } finally {
      await control(idp.url, 'POST', '/clock', { reset: true });
    }
  });

  it('runs the full PKCE flow for a registered public client with openid-client, and honours a deny', async () => {
    const config = await discover(idp.url, 'swagger', undefined);
    const { tokens } = await codeFlow(config, {
      scope: 'openid datasets:read',
      form: { username: 'alice' },
    });
    expect(tokens.claims()).toMatchObject({
      sub: 'alice',
      email: 'alice@example.com',
      name: 'Alice',
      aud: 'swagger',
    });
    const denied = await authorizeWith(idp, {
      client_id: 'swagger',
      response_type: 'code',
      redirect_uri: REDIRECT,
      state: 's1',
      ...S256,
    });
    expect(denied.status).toBe(302);
    const { location } = await login(
      new URL(
        `${idp.url}/authorize?client_id=swagger&response_type=code&redirect_uri=${encodeURIComponent(REDIRECT)}&state=s2&code_challenge=${S256.code_challenge}&code_challenge_method=S256`,
      ),
      { action: 'deny' },
    );
    expect(Object.fromEntries(new URL(location).searchParams)).toMatchObject({
      error: 'access_denied',
      state: 's2',
    });
  });

  it('refuses a public client that sends a secret and a confidential one that does not', async () => {
    expect(
      (
        await tokenRequest(idp.url, { grant_type: 'refresh_token', refresh_token: 'x' }, [
          'swagger',
          'secret',
        ])
      ).body.error,
    ).toBe('invalid_client');
    expect(
      (await tokenRequest(idp.url, { grant_type: 'client_credentials', client_id: 'datapress-ci' }))
        .status,
    ).toBe(401);
  });
});

describe('idp: zero-config is permissive about clients, not about grants', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp();
  });
  afterAll(() => idp.close());

  it('still refuses a bogus refresh token, a non-loopback redirect_uri and a missing grant_type', async () => {
    const bogus = await tokenRequest(
      idp.url,
      { grant_type: 'refresh_token', refresh_token: 'made-up' },
      ['any', 'thing'],
    );
    expect([bogus.status, bogus.body.error]).toEqual([400, 'invalid_grant']);
    const { status, page } = await authorizeWith(idp, {
      client_id: 'any',
      response_type: 'code',
      redirect_uri: 'https://app.example/cb',
      ...S256,
    });
    expect(status).toBe(400);
    expect(page).toMatch(/not a loopback URL/);
    const missing = await tokenRequest(idp.url, {}, ['any', 'thing']);
    expect([missing.status, missing.body.error]).toEqual([400, 'invalid_request']);
    const get = await fetch(`${idp.url}/token`);
    expect(get.status).toBe(405);
  });

  it('switches to strict mode when a client is added at run time', async () => {
    expect(
      (await tokenRequest(idp.url, { grant_type: 'client_credentials' }, ['whoever', 'x'])).status,
    ).toBe(200);
    expect(
      (await control(idp.url, 'POST', '/clients', { id: 'only-me', secret: 's3cret' })).status,
    ).toBe(200);
    expect(
      (await tokenRequest(idp.url, { grant_type: 'client_credentials' }, ['whoever', 'x'])).status,
    ).toBe(401);
    expect(
      (await tokenRequest(idp.url, { grant_type: 'client_credentials' }, ['only-me', 's3cret']))
        .status,
    ).toBe(200);
  });
});

import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthctlConfig } from '../../src/core/config/schema.js';
import { REDIRECT, login, startTestIdp, tokenRequest, type TestIdp } from '../idp/helpers.js';

const S256 = {
  code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  code_challenge_method: 'S256',
};

const CONFIG: AuthctlConfig = {
  idp: {
    clients: {
      ci: {
        secret: 'ci-secret',
        grants: ['client_credentials'],
        scopes: ['datasets:read'],
        audience: 'api://datapress',
      },
      spa: { public: true, redirect_uris: [REDIRECT], scopes: ['datasets:read'] },
    },
  },
};

describe('security: strict mode keeps registered claims and scopes out of authctl_claims', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp(CONFIG);
  });
  afterAll(() => idp.close());

  it.each([
    [{ iss: 'https://login.microsoftonline.com/x/v2.0' }, 'iss'],
    [{ aud: 'api://payments' }, 'aud'],
    [{ exp: 4102444800 }, 'exp'],
    [{ '/sub': 'admin' }, 'sub'],
    [{ scope: 'datasets:read datasets:delete' }, 'scope'],
    [{ scp: ['datasets:delete'] }, 'scp'],
    [{ client_id: 'spa' }, 'client_id'],
    [{ '/cnf/jkt': 'x' }, 'cnf'],
    [{ jti: 'replay' }, 'jti'],
  ])(
    'refuses %j on client_credentials with 400 invalid_request naming the claim',
    async (claims, name) => {
      const answer = await tokenRequest(
        idp.url,
        { grant_type: 'client_credentials', authctl_claims: JSON.stringify(claims) },
        ['ci', 'ci-secret'],
      );
      expect([answer.status, answer.body.error]).toEqual([400, 'invalid_request']);
      expect(answer.body.error_description).toMatch(
        new RegExp(`authctl_claims may not set .*${name}.* strict mode`),
      );
    },
  );

  it('refuses them on the authorize endpoint too (a public client is enough to reach it)', async () => {
    const url = new URL(`${idp.url}/authorize`);
    for (const [k, v] of Object.entries({
      client_id: 'spa',
      redirect_uri: REDIRECT,
      response_type: 'code',
      ...S256,
      authctl_claims: JSON.stringify({ aud: 'api://payments', scope: 'admin' }),
    }))
      url.searchParams.set(k, v);
    const { location } = await login(url, { username: 'alice' });
    const redirect = new URL(location);
    expect(redirect.searchParams.get('error')).toBe('invalid_request');
    expect(redirect.searchParams.get('error_description')).toMatch(/aud, scope/);
  });

  it('still lets a test set tenant, roles and custom claims; the issued token keeps config iss/aud/scope', async () => {
    const answer = await tokenRequest(
      idp.url,
      {
        grant_type: 'client_credentials',
        authctl_claims: JSON.stringify({ tid: 'tenant-b', roles: ['reader'], '/org/id': 7 }),
      },
      ['ci', 'ci-secret'],
    );
    expect(answer.status).toBe(200);
    const jwks = createLocalJWKSet(
      (await (await fetch(`${idp.url}/jwks`)).json()) as { keys: never[] },
    );
    const { payload } = await jwtVerify(String(answer.body.access_token), jwks, {
      issuer: idp.url,
      audience: 'api://datapress',
    });
    expect(payload).toMatchObject({
      tid: 'tenant-b',
      roles: ['reader'],
      org: { id: 7 },
      scope: 'datasets:read',
      sub: 'ci',
    });
  });
});

describe('security: zero-config mode still lets a local test set any claim', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp();
  });
  afterAll(() => idp.close());

  it('accepts aud and scope in authctl_claims from a script', async () => {
    const answer = await tokenRequest(idp.url, {
      grant_type: 'client_credentials',
      client_id: 'a',
      client_secret: 'b',
      authctl_claims: JSON.stringify({ aud: 'api://x', scope: 'anything' }),
    });
    expect(answer.status).toBe(200);
  });
});

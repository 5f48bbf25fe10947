import https from 'node:https';
import OktaJwtVerifier from '@okta/jwt-verifier';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestIdp } from '../helpers.js';
import { httpsClientCredentials, startHttpsIdp, type HttpsIdp } from './helpers.js';
import { CLIENT, vendorBasics, vendorConfig } from './suite.js';

const server = (origin: string) => `${origin}/oauth2/default`;
const OKTA = { vendor: 'okta', path: '/oauth2/default', audience: 'api://default' } as const;

const { idp } = vendorBasics({
  vendor: 'okta',
  id: 'okta',
  issuer: { path: OKTA.path, audience: OKTA.audience },
  issuerUrl: server,
  endpoints: (origin) => ({
    authorization_endpoint: `${server(origin)}/v1/authorize`,
    token_endpoint: `${server(origin)}/v1/token`,
    jwks_uri: `${server(origin)}/v1/keys`,
    userinfo_endpoint: `${server(origin)}/v1/userinfo`,
    introspection_endpoint: `${server(origin)}/v1/introspect`,
    revocation_endpoint: `${server(origin)}/v1/revoke`,
    end_session_endpoint: `${server(origin)}/v1/logout`,
    device_authorization_endpoint: `${server(origin)}/v1/device/authorize`,
  }),
  absent: [],
  accessToken: (header, claims) => {
    expect(header).not.toHaveProperty('typ');
    expect(claims).toMatchObject({
      ver: 1,
      cid: CLIENT.id,
      scp: ['orders.read'],
      groups: ['orders.admin'],
      aud: 'api://default',
    });
    expect(claims.uid).toBeUndefined();
  },
  errorBody: (body) => {
    expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
    expect(body.error).toBe('invalid_client');
  },
});

describe('vendor okta: @okta/jwt-verifier', () => {
  let tls: HttpsIdp;
  beforeAll(async () => {
    tls = await startHttpsIdp(vendorConfig('okta', OKTA));
  });
  afterAll(() => tls.close());

  it('verifies an access token of the mock authorization server over https', async () => {
    const { body } = await httpsClientCredentials(`${server(tls.origin)}/v1/token`, tls.ca, {
      client_id: CLIENT.id,
      client_secret: CLIENT.secret,
      scope: 'orders.read',
    });
    const verifier = new OktaJwtVerifier({
      issuer: server(tls.origin),
      assertClaims: { cid: CLIENT.id, 'scp.includes': ['orders.read'] },
      requestAgent: new https.Agent({ ca: tls.ca }),
    });
    const jwt = await verifier.verifyAccessToken(String(body.access_token), 'api://default');
    expect(jwt.claims).toMatchObject({ iss: server(tls.origin), cid: CLIENT.id, ver: 1 });
  });

  it('refuses an http issuer unless its HTTPS check is disabled (testing.disableHttpsCheck)', async () => {
    const http = server(new URL(idp().url).origin);
    expect(() => new OktaJwtVerifier({ issuer: http })).toThrow(/must start with https/);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const verifier = new OktaJwtVerifier({ issuer: http, testing: { disableHttpsCheck: true } });
    warn.mockRestore();
    const response = await fetch(`${http}/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
      }),
    });
    const { access_token: token } = (await response.json()) as { access_token: string };
    const jwt = await verifier.verifyAccessToken(token, 'api://default');
    expect(jwt.claims.iss).toBe(http);
  });

  it("the default server's tokens have Okta's default audience api://default", async () => {
    const root = await startTestIdp(vendorConfig('unused', {}), { vendor: 'okta' });
    try {
      expect(root.url).toBe(`${new URL(root.url).origin}/oauth2/default`);
      const response = await fetch(`${root.url}/v1/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: CLIENT.id,
          client_secret: CLIENT.secret,
        }),
      });
      const { access_token: token } = (await response.json()) as { access_token: string };
      expect(decodeJwt(token).aud).toBe('api://default');
    } finally {
      await root.close();
    }
  });

  it('serves the RFC 8414 metadata in both URL forms Okta documents', async () => {
    const origin = new URL(idp().url).origin;
    for (const url of [
      `${server(origin)}/.well-known/oauth-authorization-server`,
      `${origin}/.well-known/oauth-authorization-server/oauth2/default`,
    ]) {
      const doc = (await (await fetch(url)).json()) as { issuer: string; token_endpoint: string };
      expect(doc, url).toMatchObject({
        issuer: server(origin),
        token_endpoint: `${server(origin)}/v1/token`,
      });
    }
  });
});

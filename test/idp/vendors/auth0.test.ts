import { rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { auth } from 'express-oauth2-jwt-bearer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdpDeps } from '../../../src/core/idp/server.js';
import { callHandler, seededHome, startTestIdp, tokenRequest, type TestIdp } from '../helpers.js';
import { createIdpHandler } from '../../../src/core/idp/handler.js';
import { CLIENT, vendorBasics, vendorConfig } from './suite.js';

const API = 'https://orders.example/api';
const tenant = (origin: string) => `${origin}/acme/`;

vendorBasics({
  vendor: 'auth0',
  id: 'acme',
  issuer: { audience: API },
  issuerUrl: tenant,
  endpoints: (origin) => ({
    authorization_endpoint: `${origin}/acme/authorize`,
    token_endpoint: `${origin}/acme/oauth/token`,
    jwks_uri: `${origin}/acme/.well-known/jwks.json`,
    userinfo_endpoint: `${origin}/acme/userinfo`,
    revocation_endpoint: `${origin}/acme/oauth/revoke`,
    end_session_endpoint: `${origin}/acme/oidc/logout`,
    device_authorization_endpoint: `${origin}/acme/oauth/device/code`,
  }),
  absent: ['introspection_endpoint'],
  accessToken: (header, claims) => {
    expect(header.typ).toBe('JWT');
    expect(claims).toMatchObject({
      aud: API,
      azp: CLIENT.id,
      scope: 'orders.read',
      permissions: ['orders.read'],
    });
  },
  errorBody: (body) => {
    expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
    expect(body.error).toBe('invalid_client');
  },
});

// express ships no types here: the shapes this test uses.
type Handler = (req: { auth?: { payload: Record<string, unknown> } }, res: Res, next: Next) => void;
type Next = (error?: { status?: number }) => void;
interface Res {
  status(code: number): Res;
  json(body: unknown): void;
}
interface App {
  get(path: string, ...handlers: Handler[]): void;
  use(handler: (err: { status?: number }, req: unknown, res: Res, next: Next) => void): void;
  listen(port: number, host: string, callback: () => void): Server;
}
const moduleName = 'express';
const express = ((await import(moduleName)) as { default: () => App }).default;

describe('vendor auth0: express-oauth2-jwt-bearer against `idp serve --vendor auth0`', () => {
  let idp: TestIdp;
  let api: Server;
  let apiUrl: string;
  beforeAll(async () => {
    const config = vendorConfig('unused', {});
    delete config.idp!.issuers;
    idp = await startTestIdp({ idp: { ...config.idp, audience: API } }, { vendor: 'auth0' });
    const app = express();
    app.get('/orders', auth({ issuerBaseURL: idp.url, audience: API }) as Handler, (req, res) =>
      res.json({ sub: req.auth!.payload.sub }),
    );
    app.use((err, _req, res, _next) => res.status(err.status ?? 500).json({ error: 'denied' }));
    await new Promise<void>((resolve) => {
      api = app.listen(0, '127.0.0.1', resolve);
    });
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/orders`;
  });
  afterAll(async () => {
    api.close();
    await idp.close();
  });

  it('the root issuer is the origin WITH its trailing slash, as Auth0 tenants are', () => {
    expect(idp.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('the middleware (issuerBaseURL = the issuer) accepts a token from /oauth/token, refuses a forged one', async () => {
    const { body } = await tokenRequest(`${idp.url}oauth`, {
      grant_type: 'client_credentials',
      client_id: CLIENT.id,
      client_secret: CLIENT.secret,
    });
    const token = String(body.access_token);
    const ok = await fetch(apiUrl, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ sub: CLIENT.id });
    const forged = `${token.slice(0, -4)}AAAA`;
    expect((await fetch(apiUrl, { headers: { authorization: `Bearer ${forged}` } })).status).toBe(
      401,
    );
  });

  it("/oauth/token takes Auth0's JSON body too (as in Auth0's client-credentials docs)", async () => {
    const response = await fetch(`${idp.url}oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
        audience: API,
      }),
    });
    expect(response.status).toBe(200);
    const { access_token: token } = (await response.json()) as { access_token: string };
    expect((await fetch(apiUrl, { headers: { authorization: `Bearer ${token}` } })).status).toBe(
      200,
    );
  });

  it('--issuer-url https://TENANT.auth0.com/ keeps its slash in discovery and tokens', async () => {
    const home = await seededHome();
    const deps = createIdpDeps({
      config: {},
      home,
      baseUrl: 'https://acme.auth0.com/',
      vendor: 'auth0',
    });
    const doc = (
      await callHandler(
        createIdpHandler(deps),
        'GET',
        '/.well-known/openid-configuration',
        undefined,
        {
          host: 'acme.auth0.com',
        },
      )
    ).json() as Record<string, string>;
    rmSync(home, { recursive: true, force: true });
    expect(doc).toMatchObject({
      issuer: 'https://acme.auth0.com/',
      token_endpoint: 'https://acme.auth0.com/oauth/token',
      jwks_uri: 'https://acme.auth0.com/.well-known/jwks.json',
    });
  });
});

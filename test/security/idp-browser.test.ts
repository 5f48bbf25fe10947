import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { REDIRECT, formFields, startTestIdp, type TestIdp } from '../idp/helpers.js';
import { payloadOf } from './helpers.js';

const S256 = {
  code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  code_challenge_method: 'S256',
};
const EVIL = 'https://evil.example';
const form = (params: Record<string, string>) => ({
  'content-type': 'application/x-www-form-urlencoded',
  body: new URLSearchParams(params).toString(),
});

/** A raw HTTP request with any Host header (fetch does not let a test set Host). */
function rawRequest(
  url: string,
  options: {
    method?: string;
    path: string;
    host: string;
    headers?: Record<string, string>;
    body?: string;
  },
): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { ...options.headers, host: options.host },
      },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('security: a web page of another site cannot mint and read tokens (CORS, authctl_claims)', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp(
      { idp: { cors_origins: ['https://app.example'] } },
      { corsOrigins: ['https://flag.example:8443'] },
    );
  });
  afterAll(() => idp.close());

  const token = (headers: Record<string, string>, params: Record<string, string> = {}) => {
    const { body, ...type } = form({
      grant_type: 'client_credentials',
      client_id: 'page',
      client_secret: 'x',
      ...params,
    });
    return fetch(`${idp.url}/token`, { method: 'POST', headers: { ...type, ...headers }, body });
  };

  it('does not reflect a foreign Origin in Access-Control-Allow-Origin (token, JWKS, discovery, preflight)', async () => {
    const answer = await token({ origin: EVIL, 'sec-fetch-site': 'cross-site' });
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(answer.headers.get('vary')).toMatch(/Origin/);
    for (const path of ['/jwks', '/.well-known/openid-configuration']) {
      expect(
        (await fetch(`${idp.url}${path}`, { headers: { origin: EVIL } })).headers.get(
          'access-control-allow-origin',
        ),
        path,
      ).toBeNull();
    }
    const pre = await fetch(`${idp.url}/token`, {
      method: 'OPTIONS',
      headers: {
        origin: EVIL,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.headers.get('access-control-allow-headers')).toBeNull();
    for (const origin of [
      'null',
      'file://',
      'http://127.0.0.1.evil.example',
      'http://localhost.evil.example:9400',
    ]) {
      expect(
        (await token({ origin })).headers.get('access-control-allow-origin'),
        origin,
      ).toBeNull();
    }
  });

  it('reflects loopback origins on any port, the issuer itself, and configured origins (--cors-origin, [idp] cors_origins)', async () => {
    for (const origin of [
      'http://127.0.0.1:8080',
      'http://localhost:3000',
      'http://[::1]:5173',
      new URL(idp.url).origin,
      'https://app.example',
      'https://flag.example:8443',
    ]) {
      const answer = await token({ origin });
      expect([origin, answer.status, answer.headers.get('access-control-allow-origin')]).toEqual([
        origin,
        200,
        origin,
      ]);
    }
  });

  it('refuses authctl_claims from a foreign Origin or Sec-Fetch-Site: cross-site, on /token and /authorize', async () => {
    const claims = JSON.stringify({ roles: ['admin'] });
    for (const headers of [
      { origin: EVIL },
      { 'sec-fetch-site': 'cross-site' },
      { origin: 'null' },
    ] as Record<string, string>[]) {
      const answer = await token(headers, { authctl_claims: claims });
      const body = (await answer.json()) as Record<string, string>;
      expect([JSON.stringify(headers), answer.status, body.error]).toEqual([
        JSON.stringify(headers),
        400,
        'invalid_request',
      ]);
      expect(body.error_description).toMatch(/authctl_claims.*other sites/);
    }
    // A link on another site to the authorize URL: a navigation carries no Origin, only Sec-Fetch-Site.
    const url = new URL(`${idp.url}/authorize`);
    for (const [k, v] of Object.entries({
      client_id: 'web',
      redirect_uri: REDIRECT,
      response_type: 'code',
      ...S256,
      authctl_claims: claims,
    }))
      url.searchParams.set(k, v);
    const navigation = await fetch(url, {
      redirect: 'manual',
      headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' },
    });
    expect(new URL(navigation.headers.get('location')!).searchParams.get('error')).toBe(
      'invalid_request',
    );
    // The same from an allowed page, a script or the issuer's own login form still works.
    const allowed = await token(
      { origin: 'http://localhost:3000', 'sec-fetch-site': 'cross-site' },
      { authctl_claims: claims },
    );
    expect(
      payloadOf(((await allowed.json()) as Record<string, string>).access_token).roles,
    ).toEqual(['admin']);
    const page = await fetch(url, { redirect: 'manual' });
    expect(page.status).toBe(200);
    const submitted = await fetch(`${idp.url}/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: new URL(idp.url).origin,
        'sec-fetch-site': 'same-origin',
      },
      body: new URLSearchParams({
        ...formFields(await page.text()),
        username: 'alice',
        action: 'approve',
      }),
    });
    expect(new URL(submitted.headers.get('location')!).searchParams.get('code')).toBeTruthy();
    // A real browser posts the login form with Origin: null (the page's Referrer-Policy is no-referrer).
    const fromForm = await fetch(`${idp.url}/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'null',
        'sec-fetch-site': 'same-origin',
      },
      body: new URLSearchParams({
        ...formFields(await (await fetch(url)).text()),
        username: 'alice',
        action: 'approve',
      }),
    });
    expect(new URL(fromForm.headers.get('location')!).searchParams.get('code')).toBeTruthy();
  });

  it('refuses a bad --cors-origin / [idp] cors_origins at start-up with exit 2', async () => {
    for (const value of ['*', 'https://app.example/path', 'app.example', 'ftp://x.example']) {
      const result = await runCli(['idp', 'serve', '--port', '0', '--cors-origin', value]);
      expect([value, result.code]).toEqual([value, 2]);
      expect(result.stderr).toMatch(/not a web origin/);
      expect(result.stderr).toMatch(/--cors-origin/);
    }
  });
});

describe('security: DNS rebinding cannot reach any endpoint while bound to loopback', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({}, { issuerUrl: undefined });
  });
  afterAll(() => idp.close());

  it('refuses Host evil.example on the login form, /token, discovery, JWKS, health and control', async () => {
    const authorize = `/authorize?${new URLSearchParams({ client_id: 'web', redirect_uri: REDIRECT, response_type: 'code', ...S256 })}`;
    const token = form({ grant_type: 'client_credentials', client_id: 'a', client_secret: 'b' });
    for (const [method, path, body] of [
      ['GET', authorize],
      [
        'POST',
        '/authorize',
        new URLSearchParams({
          client_id: 'web',
          redirect_uri: REDIRECT,
          response_type: 'code',
          ...S256,
          username: 'alice',
          action: 'approve',
        }).toString(),
      ],
      ['POST', '/token', token.body],
      ['GET', '/.well-known/openid-configuration'],
      ['GET', '/jwks'],
      ['GET', '/healthz'],
      ['GET', '/_authctl/state'],
    ] as const) {
      const answer = await rawRequest(idp.url, {
        method,
        path,
        host: `evil.example:${new URL(idp.url).port}`,
        headers: { 'content-type': token['content-type'] },
        body,
      });
      expect([method, path, answer.status]).toEqual([method, path, 403]);
      expect(JSON.parse(answer.body).error_description).toMatch(/DNS rebinding/);
    }
    for (const host of ['127.0.0.1', 'localhost', '[::1]', '127.0.0.2']) {
      const answer = await rawRequest(idp.url, {
        method: 'POST',
        path: '/token',
        host: `${host}:${new URL(idp.url).port}`,
        headers: { 'content-type': token['content-type'] },
        body: token.body,
      });
      expect([host, answer.status]).toEqual([host, 200]);
    }
  });

  it('still answers the published issuer host (--issuer-url) while bound to loopback', async () => {
    const published = await startTestIdp({}, { issuerUrl: 'http://idp.test:9400' });
    try {
      const port = published.server.port;
      const answer = await rawRequest(`http://127.0.0.1:${port}`, {
        path: '/.well-known/openid-configuration',
        host: 'idp.test:9400',
      });
      expect(answer.status).toBe(200);
      expect(
        (await rawRequest(`http://127.0.0.1:${port}`, { path: '/jwks', host: 'other.test:9400' }))
          .status,
      ).toBe(403);
    } finally {
      await published.close();
    }
  });
});

describe('security: off loopback, a rebinding page cannot choose claims either', () => {
  let idp: TestIdp;
  let port: number;
  beforeAll(async () => {
    idp = await startTestIdp({}, { host: '0.0.0.0', issuerUrl: 'http://idp.test:9400' });
    port = idp.server.port;
  });
  afterAll(() => idp.close());

  const mint = (host: string, headers: Record<string, string>) => {
    const { body, ...type } = form({
      grant_type: 'client_credentials',
      client_id: 'page',
      client_secret: 'x',
      authctl_claims: '{"roles":["admin"]}',
    });
    return rawRequest(`http://127.0.0.1:${port}`, {
      method: 'POST',
      path: '/token',
      host,
      headers: { ...type, ...headers },
      body,
    });
  };

  it('refuses authctl_claims from a browser addressing an unknown DNS name, even "same-origin"', async () => {
    const answer = await mint(`evil.example:${port}`, { 'sec-fetch-site': 'same-origin' });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error_description).toMatch(/authctl_claims is refused/);
  });

  it('still honours it from the published host, an IP literal, loopback, and from scripts (no browser headers)', async () => {
    for (const host of [
      'idp.test:9400',
      `10.1.2.3:${port}`,
      `[fd00::1]:${port}`,
      `127.0.0.1:${port}`,
    ]) {
      const answer = await mint(host, { 'sec-fetch-site': 'same-origin' });
      expect([host, answer.status]).toEqual([host, 200]);
      expect(payloadOf(JSON.parse(answer.body).access_token).roles).toEqual(['admin']);
    }
    const script = await mint(`idp-service:${port}`, {});
    expect(script.status).toBe(200);
  });
});

import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIRECT, startTestIdp, type TestIdp } from './helpers.js';

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const AUTHORIZE = {
  client_id: 'spa',
  redirect_uri: REDIRECT,
  response_type: 'code',
  code_challenge: CHALLENGE,
  code_challenge_method: 'S256',
  state: 'st-1',
};

/** The authorize URL with `extra` appended after the usual parameters (repeats stay repeats). */
function authorizeUrl(
  idp: TestIdp,
  extra: [string, string][],
  base: Record<string, string> = AUTHORIZE,
): string {
  const query = new URLSearchParams(base);
  for (const [name, value] of extra) query.append(name, value);
  return `${idp.url}/authorize?${query}`;
}

const form = (entries: [string, string][]) => ({
  'content-type': 'application/x-www-form-urlencoded',
  body: new URLSearchParams(entries).toString(),
});

// RFC 6749 §3.1 / §3.2: "Request and response parameters MUST NOT be included more than once."
describe('idp: a parameter sent twice is invalid_request, not "last one wins"', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp();
  });
  afterAll(() => idp.close());

  it('shows an error page (no redirect) for redirect_uri twice on /authorize', async () => {
    const response = await fetch(
      authorizeUrl(idp, [['redirect_uri', 'http://127.0.0.1:9999/other']]),
      { redirect: 'manual' },
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    const page = await response.text();
    expect(page).toContain('&quot;redirect_uri&quot; appears more than once');
    expect(page).not.toContain('name="redirect_uri"');
  });

  it('redirects with invalid_request for code_challenge_method=plain&code_challenge_method=S256', async () => {
    const { code_challenge_method: _m, ...base } = AUTHORIZE;
    const url = authorizeUrl(
      idp,
      [
        ['code_challenge_method', 'plain'],
        ['code_challenge_method', 'S256'],
      ],
      base,
    );
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(REDIRECT);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toContain(
      '"code_challenge_method" appears more than once',
    );
    expect(location.searchParams.get('state')).toBe('st-1');
  });

  it('refuses grant_type twice at /token', async () => {
    const response = await fetch(`${idp.url}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('ci:s').toString('base64')}`,
      },
      body: 'grant_type=password&grant_type=client_credentials',
    });
    const { status } = response;
    const body = (await response.json()) as Record<string, string>;
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_request');
    expect(body.error_description).toContain('"grant_type"');
  });

  it('refuses a repeated parameter at revoke, introspect and device authorization too', async () => {
    for (const path of ['/revoke', '/introspect', '/device_authorization']) {
      const sent = form([
        ['client_id', 'a'],
        ['client_id', 'b'],
        ['token', 't'],
      ]);
      const response = await fetch(`${idp.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': sent['content-type'] },
        body: sent.body,
      });
      const body = (await response.json()) as Record<string, string>;
      expect([path, response.status, body.error]).toEqual([path, 400, 'invalid_request']);
      expect(body.error_description).toContain('"client_id"');
    }
  });

  it('keeps resource repeatable (RFC 8707 §2): every value becomes an audience', async () => {
    const sent = form([
      ['grant_type', 'client_credentials'],
      ['resource', 'https://api.one.example'],
      ['resource', 'https://api.two.example'],
    ]);
    const response = await fetch(`${idp.url}/token`, {
      method: 'POST',
      headers: {
        'content-type': sent['content-type'],
        authorization: `Basic ${Buffer.from('ci:s').toString('base64')}`,
      },
      body: sent.body,
    });
    expect(response.status).toBe(200);
    const { access_token } = (await response.json()) as { access_token: string };
    expect(decodeJwt(access_token).aud).toEqual([
      'https://api.one.example',
      'https://api.two.example',
    ]);
  });
});

describe('idp: OAuth endpoints take application/x-www-form-urlencoded bodies only', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp();
  });
  afterAll(() => idp.close());

  it('refuses a JSON body at /token, /revoke, /introspect and /device_authorization with invalid_request', async () => {
    const json = JSON.stringify({
      grant_type: 'client_credentials',
      client_id: 'ci',
      client_secret: 's',
      token: 'x',
    });
    for (const path of ['/token', '/revoke', '/introspect', '/device_authorization']) {
      const response = await fetch(`${idp.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: json,
      });
      const body = (await response.json()) as Record<string, string>;
      expect([path, response.status, body.error]).toEqual([path, 400, 'invalid_request']);
      expect(body.error_description).toContain('application/x-www-form-urlencoded');
    }
  });

  it('still accepts a form with a charset parameter', async () => {
    const response = await fetch(`${idp.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
      body: 'grant_type=client_credentials&client_id=ci&client_secret=s',
    });
    expect(response.status).toBe(200);
  });
});

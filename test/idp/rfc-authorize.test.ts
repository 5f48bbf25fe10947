import { createHash } from 'node:crypto';
import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REDIRECT,
  codeFlow,
  control,
  discover,
  formFields,
  login,
  startTestIdp,
  type TestIdp,
} from './helpers.js';

const CONFIG = {
  idp: { users: { alice: { tenant: 'acme' }, bob: { tenant: 'globex', roles: ['auditor'] } } },
};

/** An authorization URL built by openid-client, with PKCE, state and nonce. */
async function authorizationUrl(config: client.Configuration, extra: Record<string, string> = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const checks = {
    pkceCodeVerifier: verifier,
    expectedState: client.randomState(),
    expectedNonce: client.randomNonce(),
  };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: 'openid',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state: checks.expectedState,
    nonce: checks.expectedNonce,
    ...extra,
  });
  return { url, checks };
}

/** GETs the login page and submits its hidden fields as a browser would (repeats kept; formFields keeps one per name). */
async function submitLogin(idp: TestIdp, url: URL) {
  const page = await (await fetch(url)).text();
  const entries = [...page.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)"/g)].map(
    (m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')],
  );
  const posted = await fetch(`${idp.url}/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams([...entries, ['username', 'alice'], ['action', 'approve']]),
  });
  return { entries, location: new URL(posted.headers.get('location')!) };
}

async function redirectOf(url: URL) {
  const response = await fetch(url, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location')!);
}

describe('idp: prompt, max_age and login_hint (OIDC Core §3.1.2.1)', () => {
  let idp: TestIdp;
  let config: client.Configuration;
  beforeAll(async () => {
    idp = await startTestIdp(CONFIG);
    config = await discover(idp.url, 'spa', undefined);
  });
  afterAll(() => idp.close());

  it('prompt=none redirects with login_required (no login page), which openid-client reports', async () => {
    const { url, checks } = await authorizationUrl(config, { prompt: 'none' });
    const location = await redirectOf(url);
    expect(location.searchParams.get('error')).toBe('login_required');
    expect(location.searchParams.get('iss')).toBe(idp.url);
    await expect(client.authorizationCodeGrant(config, location, checks)).rejects.toMatchObject({
      error: 'login_required',
    });
  });

  it('refuses prompt=none combined with another value, and unknown prompt values', async () => {
    for (const prompt of ['none login', 'nonee']) {
      const location = await redirectOf((await authorizationUrl(config, { prompt })).url);
      expect([prompt, location.searchParams.get('error')]).toEqual([prompt, 'invalid_request']);
    }
  });

  it('prompt=login and max_age sign in on the form; the id_token has auth_time, which openid-client checks against max_age', async () => {
    await control(idp.url, 'POST', '/clock', { freeze: true });
    try {
      const now = Math.floor(Date.parse((await control(idp.url, 'GET', '/clock')).body.now) / 1000);
      const { url, checks } = await authorizationUrl(config, { prompt: 'login', max_age: '0' });
      const { location } = await login(url, { username: 'alice' });
      const tokens = await client.authorizationCodeGrant(config, new URL(location), {
        ...checks,
        maxAge: 0,
      });
      expect(tokens.claims()!.auth_time).toBe(now);
    } finally {
      await control(idp.url, 'POST', '/clock', { reset: true });
    }
  });

  it('refuses a max_age that is not a number of seconds', async () => {
    const location = await redirectOf((await authorizationUrl(config, { max_age: '5m' })).url);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toContain('max_age');
  });

  it("login_hint pre-fills the user name and that user's fields", async () => {
    const { url } = await authorizationUrl(config, { login_hint: 'bob' });
    const fields = formFields(await (await fetch(url)).text());
    expect([fields.username, fields.tenant, fields.roles]).toEqual(['bob', 'globex', 'auditor']);
  });
});

describe('idp: request objects and response modes', () => {
  let idp: TestIdp;
  let config: client.Configuration;
  beforeAll(async () => {
    idp = await startTestIdp();
    config = await discover(idp.url, 'spa', undefined);
  });
  afterAll(() => idp.close());

  it('answers request= with request_not_supported and request_uri= with request_uri_not_supported', async () => {
    const request = await redirectOf(
      (await authorizationUrl(config, { request: 'eyJhbGciOiJub25lIn0.e30.' })).url,
    );
    expect(request.searchParams.get('error')).toBe('request_not_supported');
    const requestUri = await redirectOf(
      (await authorizationUrl(config, { request_uri: 'urn:ietf:params:oauth:request_uri:abc' }))
        .url,
    );
    expect(requestUri.searchParams.get('error')).toBe('request_uri_not_supported');
  });

  it('states it in discovery: no request objects, response modes query and form_post', async () => {
    const meta = config.serverMetadata();
    expect(meta.request_parameter_supported).toBe(false);
    expect(meta.request_uri_parameter_supported).toBe(false);
    expect(meta.response_modes_supported).toEqual(['query', 'form_post']);
  });

  it('response_mode=form_post answers an auto-submitting form that openid-client accepts as the callback', async () => {
    const { url, checks } = await authorizationUrl(config, { response_mode: 'form_post' });
    const { status, page } = await login(url, { username: 'alice' });
    expect(status).toBe(200);
    const action = /<form method="post" action="([^"]+)"/.exec(page)![1]!;
    expect(action).toBe(REDIRECT);
    const fields = formFields(page);
    expect(Object.keys(fields).sort()).toEqual(['code', 'iss', 'state']);
    const callback = new Request(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
    });
    const tokens = await client.authorizationCodeGrant(config, callback, checks);
    expect(tokens.claims()!.sub).toBe('alice');
  });

  it('the form_post page runs only its own script, allowed by hash in the CSP, and works without JavaScript', async () => {
    const { url } = await authorizationUrl(config, { response_mode: 'form_post' });
    const page = await fetch(url);
    const fields = { ...formFields(await page.text()), username: 'alice', action: 'approve' };
    const posted = await fetch(`${idp.url}/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
    });
    const html = await posted.text();
    const scripts = [...html.matchAll(/<script>([^<]*)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(1);
    const hash = `'sha256-${createHash('sha256').update(scripts[0]!).digest('base64')}'`;
    const csp = posted.headers.get('content-security-policy')!;
    expect(csp).toContain(`script-src ${hash}`);
    expect(csp).toContain("default-src 'none'");
    expect(/script-src ([^;]*)/.exec(csp)![1]).toBe(hash);
    expect(html).toMatch(/<noscript>[\s\S]*<button type="submit"/);
  });

  it('sends errors by form_post too (Deny), and refuses an unsupported response_mode over the query', async () => {
    const { url } = await authorizationUrl(config, { response_mode: 'form_post', state: 'st-9' });
    const denied = await login(url, { action: 'deny', username: 'alice' });
    expect([denied.status, formFields(denied.page).error, formFields(denied.page).state]).toEqual([
      200,
      'access_denied',
      'st-9',
    ]);
    const fragment = await redirectOf(
      (await authorizationUrl(config, { response_mode: 'fragment' })).url,
    );
    expect(fragment.searchParams.get('error')).toBe('invalid_request');
  });
});

describe('idp: resource / audience at /authorize (RFC 8707)', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp();
  });
  afterAll(() => idp.close());

  it('carries resource through the login form and the code into the access token', async () => {
    const config = await discover(idp.url, 'spa', undefined);
    const { tokens } = await codeFlow(config, {
      form: { username: 'alice' },
      extra: { resource: 'https://api.one.example' },
    });
    expect(decodeJwt(tokens.access_token).aud).toBe('https://api.one.example');
  });

  it('carries two resources (one hidden field each): both are the audience', async () => {
    const config = await discover(idp.url, 'spa', undefined);
    const { url, checks } = await authorizationUrl(config);
    url.searchParams.append('resource', 'https://api.one.example');
    url.searchParams.append('resource', 'https://api.two.example');
    const { entries, location } = await submitLogin(idp, url);
    expect(entries.filter(([name]) => name === 'resource')).toHaveLength(2);
    const tokens = await client.authorizationCodeGrant(config, location, checks);
    expect(decodeJwt(tokens.access_token).aud).toEqual([
      'https://api.one.example',
      'https://api.two.example',
    ]);
  });

  it('honours audience at /authorize as /token does', async () => {
    const config = await discover(idp.url, 'spa', undefined);
    const { tokens } = await codeFlow(config, {
      form: { username: 'alice' },
      extra: { audience: 'api://orders' },
    });
    expect(decodeJwt(tokens.access_token).aud).toBe('api://orders');
  });
});

describe('idp: resource indicators are checked (RFC 8707 §2)', () => {
  let idp: TestIdp;
  let config: client.Configuration;
  beforeAll(async () => {
    idp = await startTestIdp();
    config = await discover(idp.url, 'spa', undefined);
  });
  afterAll(() => idp.close());

  it('answers invalid_target for a resource that is not an absolute URI, at /authorize and /token', async () => {
    const location = await redirectOf(
      (await authorizationUrl(config, { resource: 'orders-api' })).url,
    );
    expect(location.searchParams.get('error')).toBe('invalid_target');
    const token = await fetch(`${idp.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=ci&client_secret=s&resource=https://api.example/%23frag',
    });
    expect([token.status, ((await token.json()) as { error: string }).error]).toEqual([
      400,
      'invalid_target',
    ]);
  });

  it("lets the code's token request narrow the authorized resources, not add one", async () => {
    const { url, checks } = await authorizationUrl(config);
    url.searchParams.append('resource', 'https://api.one.example');
    url.searchParams.append('resource', 'https://api.two.example');
    const { location } = await submitLogin(idp, url);
    const narrowed = await client.authorizationCodeGrant(config, location, checks, {
      resource: 'https://api.one.example',
    });
    expect(decodeJwt(narrowed.access_token).aud).toBe('https://api.one.example');
    const again = await authorizationUrl(config, { resource: 'https://api.one.example' });
    const second = await login(again.url, { username: 'alice' });
    await expect(
      client.authorizationCodeGrant(config, new URL(second.location), again.checks, {
        resource: 'https://evil.example',
      }),
    ).rejects.toMatchObject({ error: 'invalid_target' });
  });
});

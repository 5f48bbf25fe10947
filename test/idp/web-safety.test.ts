import { describe, expect, it } from 'vitest';
import { createIdpHandler } from '../../src/core/idp/handler.js';
import { createIdpDeps } from '../../src/core/idp/server.js';
import { callHandler as call, REDIRECT, seededHome } from './helpers.js';

const XSS = '"><script>alert(1)</script><img src=x onerror=alert(2)>';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

async function setup(config = {}) {
  const deps = createIdpDeps({ config, home: await seededHome(), baseUrl: 'http://idp.test:9400' });
  return { deps, handler: createIdpHandler(deps) };
}

/** No markup from a request or config value survives unescaped. */
function expectNoInjectedMarkup(html: string) {
  expect(html).not.toContain('<script');
  expect(html).not.toMatch(/<img/i);
  expect(html).not.toMatch(/"\s*onerror=/i);
}

describe('idp: control API refuses cross-site browser requests (CSRF)', () => {
  it('refuses a "simple" cross-origin POST that smuggles application/json into a text/plain type', async () => {
    const { deps, handler } = await setup();
    const sent = await call(handler, 'POST', '/_authctl/clock', '{"advance":"2h"}', {
      host: 'idp.test:9400',
      'content-type': 'text/plain; charset=application/json',
    });
    expect(sent.status).toBe(415);
    expect(deps.clock.state().offsetSeconds).toBe(0);
  });

  it('refuses a POST with a foreign Origin or Sec-Fetch-Site: cross-site, even with an empty body', async () => {
    const { deps, handler } = await setup();
    const foreign = await call(handler, 'POST', '/_authctl/fault', '', {
      host: 'idp.test:9400',
      origin: 'http://evil.example',
    });
    expect([foreign.status, foreign.json().error]).toEqual([403, 'access_denied']);
    const crossSite = await call(handler, 'POST', '/_authctl/clock', '{"advance":"2h"}', {
      host: 'idp.test:9400',
      'content-type': 'application/json',
      'sec-fetch-site': 'cross-site',
    });
    expect(crossSite.status).toBe(403);
    const sameSite = await call(handler, 'DELETE', '/_authctl/requests', '', {
      host: 'idp.test:9400',
      'sec-fetch-site': 'same-site',
    });
    expect(sameSite.status).toBe(403);
    expect(deps.clock.state().offsetSeconds).toBe(0);
  });

  it('still serves the CLI, curl and same-origin callers', async () => {
    const { deps, handler } = await setup();
    const cli = await call(handler, 'POST', '/_authctl/clock', '{"advance":"1h"}', {
      host: 'idp.test:9400',
      'content-type': 'application/json',
    });
    expect(cli.status).toBe(200);
    const sameOrigin = await call(handler, 'POST', '/_authctl/clock', '{"advance":"1h"}', {
      host: 'idp.test:9400',
      origin: 'http://idp.test:9400',
      'content-type': 'application/json; charset=utf-8',
      'sec-fetch-site': 'same-origin',
    });
    expect(sameOrigin.status).toBe(200);
    expect(deps.clock.state().offsetSeconds).toBe(7200);
  });
});

describe('idp: control API refuses DNS rebinding when bound to loopback', () => {
  it('answers only requests addressed to a loopback name or the published host', async () => {
    const { deps, handler } = await setup();
    deps.settings.loopbackOnly = true;
    const body = '{"advance":"2h"}';
    const json = { 'content-type': 'application/json' };
    const rebound = await call(handler, 'POST', '/_authctl/clock', body, {
      ...json,
      host: 'evil.example:9400',
    });
    expect(rebound.status).toBe(403);
    expect(deps.clock.state().offsetSeconds).toBe(0);
    for (const host of ['127.0.0.1:9400', 'localhost:9400', '[::1]:9400', 'idp.test:9400']) {
      expect(
        (await call(handler, 'GET', '/_authctl/state', undefined, { host })).status,
        host,
      ).toBe(200);
    }
    // Bound to a non-loopback address (a container, --host 0.0.0.0): any name may reach it, as configured.
    deps.settings.loopbackOnly = false;
    expect(
      (await call(handler, 'GET', '/_authctl/state', undefined, { host: 'idp:9400' })).status,
    ).toBe(200);
  });
});

describe('idp: HTML pages', () => {
  it('escapes state, redirect_uri, client_id, nonce, scope, login_hint and authctl_claims on the login page', async () => {
    const { handler } = await setup();
    const query = new URLSearchParams({
      client_id: XSS,
      redirect_uri: `${REDIRECT}?x=${XSS}`,
      response_type: 'code',
      scope: XSS,
      state: XSS,
      nonce: XSS,
      login_hint: XSS,
      code_challenge: CHALLENGE,
      code_challenge_method: 'S256',
      authctl_claims: JSON.stringify({ note: XSS }),
    });
    const page = await call(handler, 'GET', `/authorize?${query}`);
    expect(page.status).toBe(200);
    expectNoInjectedMarkup(page.text);
    expect(page.text).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('escapes configured user names and details, and the error pages', async () => {
    const { handler } = await setup({ idp: { users: { [XSS]: { tenant: XSS, roles: [XSS] } } } });
    const query = new URLSearchParams({
      client_id: 'app',
      redirect_uri: REDIRECT,
      response_type: 'code',
      code_challenge: CHALLENGE,
      code_challenge_method: 'S256',
    });
    expectNoInjectedMarkup((await call(handler, 'GET', `/authorize?${query}`)).text);
    const badRedirect = await call(
      handler,
      'GET',
      `/authorize?client_id=app&redirect_uri=${encodeURIComponent(`https://evil.example/${XSS}`)}`,
    );
    expect(badRedirect.status).toBe(400);
    expectNoInjectedMarkup(badRedirect.text);
    expectNoInjectedMarkup(
      (await call(handler, 'GET', `/device?user_code=${encodeURIComponent(XSS)}`)).text,
    );
    const logout = await call(
      handler,
      'GET',
      `/end_session?post_logout_redirect_uri=${encodeURIComponent(`https://evil.example/${XSS}`)}`,
    );
    expect(logout.status).toBe(400);
    expectNoInjectedMarkup(logout.text);
  });

  it('labels every field, and ties each hint to its field (aria-describedby) rather than to the label text', async () => {
    const { handler } = await setup();
    const page = await call(
      handler,
      'GET',
      `/authorize?response_type=code&client_id=c&redirect_uri=${encodeURIComponent(REDIRECT)}&code_challenge=${CHALLENGE}&code_challenge_method=S256`,
      undefined,
      { host: 'idp.test:9400' },
    );
    const fields = [...page.text.matchAll(/<input id="([^"]+)"[^>]*>/g)];
    expect(fields.length).toBeGreaterThanOrEqual(4);
    for (const [tag, id] of fields) {
      expect(page.text).toMatch(new RegExp(`<label for="${id}">[^<]+</label>`));
      const described = /aria-describedby="([^"]+)"/.exec(tag!)?.[1];
      expect(described, id).toBeDefined();
      expect(page.text).toContain(`id="${described}"`);
    }
  });

  it('sends a CSP without scripts, and refuses framing (clickjacking)', async () => {
    const { handler } = await setup();
    const query = new URLSearchParams({
      client_id: 'app',
      redirect_uri: REDIRECT,
      response_type: 'code',
      code_challenge: CHALLENGE,
      code_challenge_method: 'S256',
    });
    for (const path of [`/authorize?${query}`, '/device', '/end_session']) {
      const page = await call(handler, 'GET', path);
      expect(page.headers['content-security-policy']).toMatch(/default-src 'none'/);
      expect(page.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(page.headers['content-security-policy']).not.toMatch(/script-src/);
      expect(page.headers['x-frame-options']).toBe('DENY');
    }
  });

  it('never issues a code for a cross-site form POST (login CSRF): it shows the login page instead', async () => {
    const { deps, handler } = await setup();
    const form = new URLSearchParams({
      client_id: 'app',
      redirect_uri: REDIRECT,
      response_type: 'code',
      code_challenge: CHALLENGE,
      code_challenge_method: 'S256',
      state: 'st',
      username: 'mallory',
      action: 'approve',
    });
    const cross = await call(handler, 'POST', '/authorize', form.toString(), {
      'sec-fetch-site': 'cross-site',
    });
    expect(cross.status).toBe(200);
    expect(cross.headers.location).toBeUndefined();
    expect(cross.text).toContain('<form method="post"');
    expect((await deps.store.sizes()).codes).toBe(0);
    // The page's "fill as" links keep the request's parameters (a POST carries them in its body).
    const { handler: withUsers } = await setup({ idp: { users: { alice: {} } } });
    const noName = new URLSearchParams(form);
    noName.set('username', ' ');
    for (const [body, site, status] of [
      [form, 'cross-site', 200],
      [noName, 'same-origin', 400],
    ] as const) {
      const shown = await call(withUsers, 'POST', '/authorize', body.toString(), {
        'sec-fetch-site': site,
      });
      expect(shown.status).toBe(status);
      const link = /<a href="([^"]*login_hint=alice[^"]*)"/
        .exec(shown.text)![1]!
        .replace(/&amp;/g, '&');
      expect(Object.fromEntries(new URL(link, 'http://idp.test').searchParams)).toMatchObject({
        client_id: 'app',
        redirect_uri: REDIRECT,
        state: 'st',
        code_challenge: CHALLENGE,
      });
    }
    const own = await call(handler, 'POST', '/authorize', form.toString(), {
      'sec-fetch-site': 'same-origin',
    });
    expect(own.status).toBe(302);
    expect(new URL(own.headers.location!).searchParams.get('state')).toBe('st');
  });
});

describe('idp: device page and endpoint errors', () => {
  it('never approves a device from a cross-site POST', async () => {
    const { deps, handler } = await setup();
    const started = (await call(handler, 'POST', '/device_authorization', 'client_id=tv')).json();
    const form = `user_code=${started.user_code}&action=approve&username=mallory`;
    const cross = await call(handler, 'POST', '/device', form, { 'sec-fetch-site': 'cross-site' });
    expect(cross.status).toBe(200);
    expect(cross.text).toContain('<form method="post"');
    const device = () => deps.store.findDevice(started.user_code, deps.settings.issuers[0]!.id);
    expect((await device())!.record.outcome).toBeUndefined();
    const own = await call(handler, 'POST', '/device', form, { 'sec-fetch-site': 'same-origin' });
    expect(own.text).toContain('Device approved');
    expect((await device())!.record.outcome).toBe('approve');
  });

  it('sends thrown OAuth errors with CORS headers, so a browser client can read them', async () => {
    const { handler } = await setup({ idp: { clients: { svc: { secret: 's' } } } });
    const origin = 'http://127.0.0.1:8080';
    for (const path of ['/introspect', '/revoke', '/device_authorization']) {
      const response = await call(
        handler,
        'POST',
        path,
        'token=x&client_id=svc&client_secret=wrong',
        { origin },
      );
      expect([path, response.status, response.json().error]).toEqual([path, 401, 'invalid_client']);
      expect(response.headers['access-control-allow-origin']).toBe(origin);
    }
  });
});

describe('idp: fromAnotherSite', () => {
  it('trusts Sec-Fetch-Site, else compares Origin with Host and the published issuer URL', async () => {
    const { fromAnotherSite } = await import('../../src/core/idp/http.js');
    expect(fromAnotherSite({})).toBe(false);
    expect(
      fromAnotherSite({
        'sec-fetch-site': 'same-origin',
        origin: 'https://idp.example',
        host: '127.0.0.1:9400',
      }),
    ).toBe(false);
    expect(fromAnotherSite({ 'sec-fetch-site': 'none' })).toBe(false);
    expect(fromAnotherSite({ 'sec-fetch-site': 'same-site' })).toBe(true);
    expect(fromAnotherSite({ origin: 'http://127.0.0.1:9400', host: '127.0.0.1:9400' })).toBe(
      false,
    );
    // Behind a proxy that rewrites Host, the published issuer's origin is the page's own.
    expect(
      fromAnotherSite(
        { origin: 'https://idp.example', host: '127.0.0.1:9400' },
        'https://idp.example/tenant-a',
      ),
    ).toBe(false);
    expect(
      fromAnotherSite(
        { origin: 'https://evil.example', host: '127.0.0.1:9400' },
        'https://idp.example',
      ),
    ).toBe(true);
    expect(fromAnotherSite({ origin: 'null', host: '127.0.0.1:9400' })).toBe(true);
  });
});

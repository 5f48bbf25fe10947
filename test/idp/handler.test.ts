import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { RequestCapture } from '../../src/core/idp/capture.js';
import { createIdpHandler } from '../../src/core/idp/handler.js';
import { createIdpDeps } from '../../src/core/idp/server.js';
import { ENDPOINTS } from '../../src/core/idp/paths.js';
import { discoveryDocument } from '../../src/core/idp/discovery.js';
import { callHandler as call, REDIRECT, seededHome, startTestIdp } from './helpers.js';

describe('idp: request handler without listen()', () => {
  it('advertises every endpoint of the one path map, under the issuer URL', async () => {
    const deps = createIdpDeps({
      config: {},
      home: await seededHome(),
      baseUrl: 'http://idp.test:9400/',
    });
    const doc = discoveryDocument(deps.settings.issuers[0]!, 'openid');
    // The issuer is the published URL byte for byte (its slash kept); endpoints get no double slash.
    expect(doc.issuer).toBe('http://idp.test:9400/');
    expect(doc.jwks_uri).toBe(`http://idp.test:9400${ENDPOINTS.jwks}`);
    const handler = createIdpHandler(deps);
    for (const [key, path] of Object.entries({
      token_endpoint: ENDPOINTS.token,
      userinfo_endpoint: ENDPOINTS.userinfo,
      revocation_endpoint: ENDPOINTS.revoke,
      end_session_endpoint: ENDPOINTS.endSession,
    })) {
      expect(doc[key]).toBe(`http://idp.test:9400${path}`);
      const response = await call(handler, 'GET', path);
      expect(response.status).not.toBe(404);
    }
  });

  it('issues tokens on an injected, frozen clock', async () => {
    const deps = createIdpDeps({
      config: {},
      home: await seededHome(),
      baseUrl: 'http://idp.test',
      clock: () => Date.parse('2030-01-01T00:00:00Z'),
    });
    const handler = createIdpHandler(deps);
    const response = await call(
      handler,
      'POST',
      '/token',
      'grant_type=client_credentials&client_id=a&client_secret=b',
    );
    expect(response.status).toBe(200);
    const claims = decodeJwt(response.json().access_token);
    expect(claims.iat).toBe(Date.parse('2030-01-01T00:00:00Z') / 1000);
    expect(claims.iss).toBe('http://idp.test');
  });

  it('ends a session by redirecting only to registered URIs, with state', async () => {
    const deps = createIdpDeps({
      config: {
        idp: {
          clients: {
            web: {
              secret: 's',
              redirect_uris: [REDIRECT],
              post_logout_redirect_uris: ['http://127.0.0.1:8080/bye'],
            },
          },
        },
      },
      home: await seededHome(),
      baseUrl: 'http://idp.test',
    });
    const handler = createIdpHandler(deps);
    const ok = await call(
      handler,
      'GET',
      `/end_session?client_id=web&post_logout_redirect_uri=${encodeURIComponent('http://127.0.0.1:8080/bye')}&state=xyz`,
    );
    expect([ok.status, ok.headers.location]).toEqual([302, 'http://127.0.0.1:8080/bye?state=xyz']);
    const bad = await call(
      handler,
      'GET',
      `/end_session?client_id=web&post_logout_redirect_uri=${encodeURIComponent('https://evil.example/')}`,
    );
    expect(bad.status).toBe(400);
    const page = await call(handler, 'GET', '/end_session');
    expect([page.status, page.text.includes('Signed out')]).toEqual([200, true]);
  });

  it('starts client tokens from a [tokens.NAME] preset and adds per-user config claims', async () => {
    const deps = createIdpDeps({
      config: {
        tokens: { ci: { audience: 'api://orders', roles: ['deployer'], claims: { env: 'ci' } } },
        idp: {
          clients: { pipeline: { secret: 's', preset: 'ci' } },
          users: { ann: { claims: { '/org/id': 7 }, tenant: 't1' } },
        },
      },
      home: await seededHome(),
      baseUrl: 'http://idp.test',
    });
    const handler = createIdpHandler(deps);
    const cc = await call(
      handler,
      'POST',
      '/token',
      'grant_type=client_credentials&client_id=pipeline&client_secret=s',
    );
    expect(decodeJwt(cc.json().access_token)).toMatchObject({
      aud: 'api://orders',
      roles: ['deployer'],
      env: 'ci',
    });
    const pw = await call(
      handler,
      'POST',
      '/token',
      'grant_type=password&username=ann&password=x&client_id=pipeline&client_secret=s',
    );
    expect(decodeJwt(pw.json().access_token)).toMatchObject({
      sub: 'ann',
      tid: 't1',
      org: { id: 7 },
      env: 'ci',
    });
  });
});

describe('idp: access-log masking', () => {
  it('masks credential parameters in the logged path and keeps the others as sent', async () => {
    const { maskedPath } = await import('../../src/core/idp/capture.js');
    const line = maskedPath(
      new URL(
        'http://x/callback?code=abcdefghijklmnopqrstuvwxyz&state=a%20b&token=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSIsImV4cCI6MX0.c2lnbmF0dXJlc2lnbmF0dXJl',
      ),
    );
    expect(line).toBe('/callback?code=abcd…wxyz&state=a%20b&token=eyJhbGciOi…(jwt,+77+chars)');
    expect(maskedPath(new URL('http://x/jwks'))).toBe('/jwks');
  });

  it('writes one line per request: no control characters from the request reach the terminal', async () => {
    const logs: string[] = [];
    const deps = createIdpDeps({
      config: {},
      home: await seededHome(),
      baseUrl: 'http://idp.test',
      log: (line) => logs.push(line),
    });
    const handler = createIdpHandler(deps);
    const clientId = encodeURIComponent('ci\u001b[2J\nGET /forged 200');
    await call(
      handler,
      'POST',
      `/token?code=%1B%5B31mABCDEFGHIJKLMNOPQRSTUVWXYZ`,
      `grant_type=client_credentials&client_id=${clientId}&client_secret=topsecret`,
    );
    expect(logs).toHaveLength(1);
    expect(logs[0]).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(logs[0]).toContain('client_id=ci\\x1b[2J\\nGET /forged 200');
    expect(logs[0]).not.toContain('topsecret');
  });

  it('masks credential headers in captured requests with the shared header masking', async () => {
    const deps = createIdpDeps({
      config: {},
      home: await seededHome(),
      baseUrl: 'http://idp.test',
    });
    const handler = createIdpHandler(deps);
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSIsImV4cCI6MX0.c2lnbmF0dXJlc2lnbmF0dXJl';
    await call(handler, 'GET', '/userinfo', undefined, {
      authorization: `Bearer ${token}`,
      'x-session-token': 'abcdefghijklmnopqrstuvwxyz',
      'x-trace': 'keep-me',
    });
    const [captured] = deps.capture.list();
    expect(captured!.headers.authorization).toBe('Bearer eyJhbGciOi…(jwt, 77 chars)');
    expect(captured!.headers['x-session-token']).toBe('abcd…wxyz');
    expect(captured!.headers['x-trace']).toBe('keep-me');
  });

  it('keeps the last requests in order once the capture is full, masked when listed', () => {
    const capture = new RequestCapture(3);
    const seen = (n: number) => ({
      at: Date.UTC(2030, 0, 1, 0, 0, n),
      method: 'POST',
      target: `/token?n=${n}&code=abcdefghijklmnop`,
      headers: { authorization: 'Basic YWxpY2U6c2VjcmV0' },
      body: { client_secret: 'hunter2hunter2', n: String(n) },
      status: 200,
      ms: 1.26,
    });
    for (let n = 1; n <= 5; n++) capture.add(seen(n));
    const listed = capture.list();
    expect(listed.map((r) => r.body.n)).toEqual(['3', '4', '5']);
    expect(listed[0]).toMatchObject({ time: '2030-01-01T00:00:03.000Z', path: '/token', ms: 1.3 });
    expect(JSON.stringify(listed)).not.toMatch(/hunter2hunter2|abcdefghijklmnop|YWxpY2U6c2VjcmV0/);
    capture.clear();
    capture.add(seen(6));
    expect(capture.list().map((r) => r.query.n)).toEqual(['6']);
  });

  it.each(['serialised', 'as-is'] as const)(
    'held %s, gives back what it was given: repeated headers, a __proto__ parameter, odd characters, no client',
    (hold) => {
      const capture = new RequestCapture(2);
      const body = Object.assign(Object.create(null) as Record<string, string>, {
        ['__proto__']: 'kept',
        toJSON: 'not a function',
        odd: 'lone \ud800 surrogate, nul \u0000, "quotes"',
      });
      capture.add(
        {
          at: Date.UTC(2030, 0, 1),
          method: 'POST',
          target: '/token',
          headers: { 'x-forwarded-for': ['10.0.0.1', '10.0.0.2'], host: 'a', gone: undefined },
          body,
          status: 400,
          ms: 0.04,
        },
        hold,
      );
      const [listed] = capture.list();
      expect(listed!.headers).toEqual({ 'x-forwarded-for': '10.0.0.1, 10.0.0.2', host: 'a' });
      expect(Object.entries(listed!.body)).toEqual(Object.entries(body));
      expect(listed!.clientId).toBeUndefined();
      expect(listed!.status).toBe(400);
      expect(capture.list({ clientId: 'someone' })).toEqual([]);
    },
  );

  it('holds a large entry as given, not as JSON six times its size, and lists it the same', () => {
    const capture = new RequestCapture(2);
    const entry = (body: Record<string, string>) => ({
      at: Date.UTC(2030, 0, 1),
      method: 'POST',
      target: '/token',
      headers: {},
      body,
      status: 400,
      ms: 1,
    });
    capture.add(entry({ grant_type: 'client_credentials' }));
    capture.add(entry({ blob: '\u0001'.repeat(100_000) }));
    const held = (capture as unknown as { items: unknown[] }).items;
    expect(held.map((h) => typeof h)).toEqual(['string', 'object']);
    expect(capture.list().map((r) => r.body.blob?.length ?? r.body.grant_type)).toEqual([
      'client_credentials',
      100_000,
    ]);
  });

  it('sends discovery with a Content-Length and an ETag, and 304 to a client holding it (real HTTP)', async () => {
    const idp = await startTestIdp();
    try {
      const url = `${idp.url}/.well-known/openid-configuration`;
      const first = await fetch(url);
      const bytes = Buffer.from(await first.arrayBuffer());
      expect(first.headers.get('content-length')).toBe(String(bytes.length));
      expect(first.headers.get('transfer-encoding')).toBeNull();
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^"[\w-]{22}"$/);
      const again = await fetch(url, { headers: { 'if-none-match': `"other", ${etag}` } });
      expect([again.status, await again.text(), again.headers.get('etag')]).toEqual([
        304,
        '',
        etag,
      ]);
      // A weak copy of the tag (a compressing proxy's) and `*` match too (RFC 9110 §13.1.2).
      for (const header of [`W/${etag}`, '*'])
        expect((await fetch(url, { headers: { 'if-none-match': header } })).status).toBe(304);
      const changed = await fetch(url, { headers: { 'if-none-match': '"other"' } });
      expect(Buffer.from(await changed.arrayBuffer()).equals(bytes)).toBe(true);
      // Errors and tokens are framed the same way (no chunked encoding anywhere).
      const token = await fetch(`${idp.url}/token`, { method: 'POST', body: 'grant_type=nope' });
      const body = Buffer.from(await token.arrayBuffer());
      expect(token.headers.get('content-length')).toBe(String(body.length));
    } finally {
      await idp.close();
    }
  });

  it('a failure while answering a cached document comes back as a rejected promise, as from the general path', async () => {
    const deps = createIdpDeps({
      config: {},
      home: await seededHome(),
      baseUrl: 'http://idp.test',
    });
    const handler = createIdpHandler(deps);
    // The first JWKS request reads keys.json (the general path); the next is answered from the cache.
    expect((await call(handler, 'GET', ENDPOINTS.jwks)).status).toBe(200);
    const failing = {
      writeHead() {
        throw new Error('headers already sent');
      },
      end() {},
      on() {},
    } as unknown as Parameters<typeof handler>[1];
    const req = { method: 'GET', url: ENDPOINTS.jwks, headers: {} } as Parameters<
      typeof handler
    >[0];
    let answered: Promise<void> | undefined;
    expect(() => (answered = handler(req, failing))).not.toThrow();
    await expect(answered).rejects.toThrow('headers already sent');
  });
});

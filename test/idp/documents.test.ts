// The short path for discovery and JWKS (src/core/idp/documents.ts): a plain GET is answered from
// cached bytes without the general request path. These tests pin that it answers exactly what the
// general path answers (a query string forces the general path), and that everything the general path
// does around an answer still happens: the access log, the request capture, Host and CORS rules,
// faults, and a JWKS that follows keys.json.
import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/core/keys/keystore.js';
import { control, startTestIdp, type TestIdp } from './helpers.js';

const DISCOVERY = '/.well-known/openid-configuration';

/** One GET with raw headers (fetch refuses to set Host), answered as status, headers and body. */
function get(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request(url, { headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

const framing = ({ headers }: { headers: Record<string, unknown> }) => {
  const { date: _date, ...rest } = headers;
  return rest;
};

describe('idp: discovery and JWKS from cached bytes', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp();
    await fetch(`${idp.url}/readyz`);
  });
  afterAll(() => idp.close());
  afterEach(() => control(idp.url, 'DELETE', '/fault'));

  it.each([DISCOVERY, '/jwks'])(
    '%s: the same status, headers and bytes as the general path',
    async (path) => {
      const short = await get(`${idp.url}${path}`);
      const general = await get(`${idp.url}${path}?via=general`);
      expect(short.status).toBe(200);
      expect(short.body).toBe(general.body);
      expect(framing(short)).toEqual(framing(general));
      expect(Number(short.headers['content-length'])).toBe(Buffer.byteLength(short.body));
      expect(JSON.parse(short.body)).toBeTypeOf('object');
    },
  );

  it('logs and captures a request it answered, credentials masked', async () => {
    await control(idp.url, 'DELETE', '/requests');
    idp.logs.length = 0;
    await get(`${idp.url}/jwks`, { authorization: 'Bearer s3cr3t-t0ken-value-123456' });
    expect(idp.logs.some((line) => /^GET \/jwks 200 [\d.]+ms client_id=-$/.test(line))).toBe(true);
    const { requests } = (await control(idp.url, 'GET', '/requests?path=/jwks')).body;
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: 'GET', path: '/jwks', query: {}, status: 200 });
    expect(JSON.stringify(requests)).not.toContain('s3cr3t-t0ken-value-123456');
  });

  it('captures no control API request, whatever dot segments its path takes', async () => {
    await control(idp.url, 'DELETE', '/requests');
    // As sent: a URL string would be normalised by the client before it leaves.
    const { hostname, port } = new URL(idp.url);
    await new Promise((resolve, reject) =>
      request({ hostname, port, path: '/jwks/../_authctl/requests' }, (res) => {
        res.resume();
        res.on('end', resolve);
      })
        .on('error', reject)
        .end(),
    );
    await get(`${idp.url}/jwks`);
    const { requests } = (await control(idp.url, 'GET', '/requests')).body;
    expect(requests.map((r: { path: string }) => r.path)).toEqual(['/jwks']);
  });

  it('refuses a rebinding Host and gives CORS headers to an allowed Origin', async () => {
    const port = new URL(idp.url).port;
    const refused = await get(`${idp.url}${DISCOVERY}`, { host: `evil.example:${port}` });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatch(/DNS rebinding/);
    const page = await get(`${idp.url}/jwks`, { origin: 'http://localhost:3000' });
    expect(page.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    expect(page.headers.vary).toBe('Origin');
    const other = await get(`${idp.url}/jwks`, { origin: 'https://elsewhere.example' });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('304 to a client holding the discovery bytes', async () => {
    const { headers } = await get(`${idp.url}${DISCOVERY}`);
    const again = await get(`${idp.url}${DISCOVERY}`, { 'if-none-match': String(headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
  });

  it('leaves an injected JWKS fault to the general path, and serves the keys again once cleared', async () => {
    await control(idp.url, 'POST', '/fault', { jwks: 'empty' });
    expect(JSON.parse((await get(`${idp.url}/jwks`)).body)).toEqual({ keys: [] });
    await control(idp.url, 'POST', '/fault', { jwks: '503' });
    expect((await get(`${idp.url}/jwks`)).status).toBe(503);
    await control(idp.url, 'DELETE', '/fault');
    expect(JSON.parse((await get(`${idp.url}/jwks`)).body).keys.length).toBeGreaterThan(0);
  });

  it('follows keys.json: a key another process adds is published within the check interval', async () => {
    const kids = async () =>
      (JSON.parse((await get(`${idp.url}/jwks`)).body) as { keys: { kid: string }[] }).keys.map(
        (k) => k.kid,
      );
    const before = await kids();
    // Another process (the CLI) writes keys.json; the issuer notices by its stat, not by being told.
    const added = await new Keystore({ dir: idp.home }).rotate({ alg: 'RS256', stage: 'publish' });
    const kid = added.published!.kid;
    let after = before;
    for (let i = 0; i < 50 && !after.includes(kid); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      after = await kids();
    }
    expect(after).toContain(kid);
    expect(before).not.toContain(kid);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import {
  REDIRECT,
  control,
  login,
  startTestIdp,
  tokenRequest,
  type TestIdp,
} from '../idp/helpers.js';

let idp: TestIdp | undefined;
afterEach(async () => {
  await idp?.close();
  idp = undefined;
});

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
async function revoke(url: string, token: string) {
  const response = await fetch(`${url}/revoke`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basic('a', 'b'),
    },
    body: new URLSearchParams({ token }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? JSON.parse(text) : undefined,
    retryAfter: response.headers.get('retry-after'),
  };
}
const tables = async (url: string) =>
  (await control(url, 'GET', '/state')).body.tables as Record<string, number>;

describe('security: every in-memory table of the issuer is bounded (cap + sweep on the issuer clock)', () => {
  it('refuses a refresh token past [idp] max_entries with 503 temporarily_unavailable, and makes room once entries expire', async () => {
    idp = await startTestIdp({ idp: { max_entries: 3 } });
    const grant = () =>
      tokenRequest(idp!.url, {
        grant_type: 'password',
        username: 'alice',
        password: 'x',
        client_id: 'a',
        client_secret: 'b',
      });
    for (let i = 0; i < 3; i++) expect((await grant()).status).toBe(200);
    expect((await tables(idp.url)).refreshTokens).toBe(3);
    const full = await grant();
    expect([full.status, full.body.error]).toEqual([503, 'temporarily_unavailable']);
    expect(full.body.error_description).toMatch(/table is full \(3 entries\).*max_entries/);
    expect(full.headers.get('retry-after')).toBe('60');
    // Past refresh_ttl (8h) on the issuer clock, the sweep a full table runs frees the expired records.
    expect((await control(idp.url, 'POST', '/clock', { advance: '9h' })).status).toBe(200);
    expect((await grant()).status).toBe(200);
    expect((await tables(idp.url)).refreshTokens).toBe(1);
  });

  it('caps revoked token ids, and sweeps them an hour after the token expires', async () => {
    idp = await startTestIdp({ idp: { max_entries: 3 } });
    const mint = async () =>
      String(
        (
          await tokenRequest(idp!.url, {
            grant_type: 'client_credentials',
            client_id: 'a',
            client_secret: 'b',
          })
        ).body.access_token,
      );
    const tokens = [await mint(), await mint(), await mint(), await mint()];
    for (const token of tokens.slice(0, 3)) expect((await revoke(idp.url, token)).status).toBe(200);
    const full = await revoke(idp.url, tokens[3]!);
    expect([full.status, full.body.error]).toEqual([503, 'temporarily_unavailable']);
    expect(full.body.error_description).toMatch(/revoked token table is full/);
    await control(idp.url, 'POST', '/clock', { advance: '2h' });
    const fresh = await mint();
    expect((await revoke(idp.url, fresh)).status).toBe(200);
    expect((await tables(idp.url)).revokedTokens).toBe(1);
    const introspect = await fetch(`${idp.url}/introspect`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic('a', 'b'),
      },
      body: new URLSearchParams({ token: fresh }),
    });
    expect(((await introspect.json()) as { active: boolean }).active).toBe(false);
  });

  it('caps codes, devices, pending claims and clients or users added over the control API', async () => {
    idp = await startTestIdp({ idp: { max_entries: 2 } });
    const device = () =>
      fetch(`${idp!.url}/device_authorization`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'client_id=tv',
      });
    expect((await device()).status).toBe(200);
    expect((await device()).status).toBe(200);
    const refused = await device();
    expect([refused.status, ((await refused.json()) as { error: string }).error]).toEqual([
      503,
      'temporarily_unavailable',
    ]);
    const authorize = new URL(`${idp.url}/authorize`);
    for (const [k, v] of Object.entries({
      client_id: 'web',
      redirect_uri: REDIRECT,
      response_type: 'code',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }))
      authorize.searchParams.set(k, v);
    const codes = [];
    for (let i = 0; i < 3; i++)
      codes.push(new URL((await login(authorize, { username: 'alice' })).location).searchParams);
    expect(codes.map((c) => c.get('error') ?? 'code')).toEqual([
      'code',
      'code',
      'temporarily_unavailable',
    ]);
    for (const path of ['/claims', '/users', '/clients'] as const) {
      const body = (i: number) =>
        path === '/claims'
          ? { client_id: `c${i}`, claims: { x: 1 } }
          : path === '/users'
            ? { name: `u${i}` }
            : { id: `c${i}`, secret: 's' };
      expect((await control(idp.url, 'POST', path, body(1))).status, path).toBe(200);
      expect((await control(idp.url, 'POST', path, body(2))).status, path).toBe(200);
      // Replacing an entry is not growth.
      expect((await control(idp.url, 'POST', path, body(2))).status, path).toBe(200);
      const full = await control(idp.url, 'POST', path, body(3));
      expect([path, full.status, full.body.error]).toEqual([path, 503, 'temporarily_unavailable']);
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIdp, tokenRequest, type TestIdp } from '../idp/helpers.js';
import { payloadOf } from './helpers.js';

const CONFIG = {
  idp: {
    clients: { a: { secret: 'a-secret' }, b: { secret: 'b-secret' } },
    users: { alice: { password: 'pw' } },
  },
};

async function revoke(url: string, token: string, basic: [string, string]) {
  const response = await fetch(`${url}/revoke`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(basic.join(':')).toString('base64')}`,
    },
    body: new URLSearchParams({ token }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function active(url: string, token: string, basic: [string, string]): Promise<boolean> {
  const response = await fetch(`${url}/introspect`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(basic.join(':')).toString('base64')}`,
    },
    body: new URLSearchParams({ token }),
  });
  return ((await response.json()) as { active: boolean }).active;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('security: /revoke verifies the token and its owner (RFC 7009 §2.1)', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp(CONFIG);
  });
  afterAll(() => idp.close());

  it('ignores an unsigned or re-signed JWT carrying client A\u2019s jti (200, nothing revoked)', async () => {
    const issued = await tokenRequest(idp.url, { grant_type: 'client_credentials' }, [
      'a',
      'a-secret',
    ]);
    const token = String(issued.body.access_token);
    const claims = payloadOf(token);
    const [header] = token.split('.');
    const forgeries = [
      `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ jti: claims.jti, client_id: 'b', exp: claims.exp })}.`,
      `${b64({ alg: 'none' })}.${b64({ jti: claims.jti })}.`,
      `${header}.${b64({ ...claims, client_id: 'b' })}.${token.split('.')[2]}`,
    ];
    for (const forged of forgeries) {
      const answer = await revoke(idp.url, forged, ['b', 'b-secret']);
      expect(answer.status).toBe(200);
    }
    expect(await active(idp.url, token, ['a', 'a-secret'])).toBe(true);
  });

  it('refuses a genuine access or refresh token of another client with invalid_grant, and keeps it active', async () => {
    const issued = await tokenRequest(
      idp.url,
      { grant_type: 'password', username: 'alice', password: 'pw' },
      ['a', 'a-secret'],
    );
    for (const token of [String(issued.body.access_token), String(issued.body.refresh_token)]) {
      const answer = await revoke(idp.url, token, ['b', 'b-secret']);
      expect([answer.status, answer.body?.error]).toEqual([400, 'invalid_grant']);
      expect(await active(idp.url, token, ['a', 'a-secret'])).toBe(true);
    }
  });

  it('still revokes a client\u2019s own access token', async () => {
    const issued = await tokenRequest(idp.url, { grant_type: 'client_credentials' }, [
      'a',
      'a-secret',
    ]);
    const token = String(issued.body.access_token);
    expect((await revoke(idp.url, token, ['a', 'a-secret'])).status).toBe(200);
    expect(await active(idp.url, token, ['a', 'a-secret'])).toBe(false);
  });
});

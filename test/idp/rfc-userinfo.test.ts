import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeFlow, discover, startTestIdp, tokenRequest, type TestIdp } from './helpers.js';

const CONFIG = {
  idp: {
    users: {
      alice: {
        sub: 'u-alice',
        tenant: 'acme',
        roles: ['admin'],
        name: 'Alice',
        email: 'alice@example.com',
      },
    },
  },
};

describe('idp: userinfo (OIDC Core §5.3, RFC 6750 §3)', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp(CONFIG);
  });
  afterAll(() => idp.close());

  it('answers a request without a token with a bare Bearer challenge, no error code (RFC 6750 §3.1)', async () => {
    const response = await fetch(`${idp.url}/userinfo`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('refuses an access token without the openid scope: 403 insufficient_scope', async () => {
    const { body } = await tokenRequest(
      idp.url,
      { grant_type: 'client_credentials', scope: 'orders:read' },
      ['ci', 's'],
    );
    const response = await fetch(`${idp.url}/userinfo`, {
      headers: { authorization: `Bearer ${String(body.access_token)}` },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toMatch(
      /^Bearer error="insufficient_scope".*scope="openid"/,
    );
    expect(((await response.json()) as { error: string }).error).toBe('insufficient_scope');
  });

  it("names claims as the tokens do (tid, roles) and gives the id_token's preferred_username", async () => {
    const config = await discover(idp.url, 'spa', undefined);
    const { tokens } = await codeFlow(config, {
      scope: 'openid profile',
      form: { username: 'alice' },
    });
    const idToken = tokens.claims()!;
    const info = await client.fetchUserInfo(config, tokens.access_token, idToken.sub);
    expect(info).toMatchObject({
      sub: 'u-alice',
      tid: 'acme',
      roles: ['admin'],
      name: 'Alice',
      email: 'alice@example.com',
      preferred_username: idToken.preferred_username,
    });
    expect(idToken.preferred_username).toBe('alice');
    expect(info).not.toHaveProperty('tenant');
  });

  it("gives an unconfigured user's name as preferred_username, matching the id_token", async () => {
    const config = await discover(idp.url, 'spa', undefined);
    const { tokens } = await codeFlow(config, {
      scope: 'openid',
      form: { username: 'zoe', tenant: 't-9' },
    });
    const info = await client.fetchUserInfo(config, tokens.access_token, 'zoe');
    expect([info.preferred_username, tokens.claims()!.preferred_username, info.tid]).toEqual([
      'zoe',
      'zoe',
      't-9',
    ]);
  });
});

describe('idp: userinfo follows the layout (okta: scp array, groups, tenant)', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({}, { layout: 'okta' });
  });
  afterAll(() => idp.close());

  it('reads the openid scope from scp and names tenant and groups as the access token does', async () => {
    const config = await discover(idp.url, 'spa', undefined);
    const { tokens } = await codeFlow(config, {
      scope: 'openid',
      form: { username: 'kim', tenant: 'initech', roles: 'ops' },
    });
    const info = await client.fetchUserInfo(config, tokens.access_token, 'kim');
    expect(info).toMatchObject({
      sub: 'kim',
      tenant: 'initech',
      groups: ['ops'],
      preferred_username: 'kim',
    });
  });
});

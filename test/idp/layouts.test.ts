import { Command } from 'commander';
import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flagNamer } from '../../src/cli/fields.js';
import type { IdpLayout } from '../../src/core/idp/config.js';
import type { AuthctlError } from '../../src/core/errors.js';
import { control, discover, startTestIdp, tokenRequest, type TestIdp } from './helpers.js';

const password = async (url: string, clientId = 'app', extra: Record<string, string> = {}) => {
  const response = await tokenRequest(
    url,
    {
      grant_type: 'password',
      username: 'alice',
      password: 'pw',
      scope: 'api.read api.write',
      ...extra,
    },
    [clientId, 'secret'],
  );
  expect(response.status).toBe(200);
  return decodeJwt(String(response.body.access_token));
};

const USERS = { alice: { tenant: 'acme', roles: ['admin', 'viewer'] } };

describe('idp: claim layouts of real IdPs', () => {
  const expected: Record<Exclude<IdpLayout, 'default'>, (c: Record<string, unknown>) => void> = {
    entra: (c) => {
      expect(c).toMatchObject({
        tid: 'acme',
        roles: ['admin', 'viewer'],
        scp: 'api.read api.write',
        azp: 'app',
        ver: '2.0',
      });
      expect(c.oid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(c.scope).toBeUndefined();
    },
    auth0: (c) =>
      expect(c).toMatchObject({
        'https://authctl.dev/tenant': 'acme',
        'https://authctl.dev/roles': ['admin', 'viewer'],
        permissions: ['api.read', 'api.write'],
        scope: 'api.read api.write',
      }),
    okta: (c) =>
      expect(c).toMatchObject({
        groups: ['admin', 'viewer'],
        scp: ['api.read', 'api.write'],
        cid: 'app',
        uid: 'alice',
      }),
    keycloak: (c) =>
      expect(c).toMatchObject({
        realm_access: { roles: ['admin', 'viewer'] },
        resource_access: { app: { roles: ['admin', 'viewer'] } },
        preferred_username: 'alice',
        scope: 'api.read api.write',
      }),
    cognito: (c) =>
      expect(c).toMatchObject({
        'cognito:groups': ['admin', 'viewer'],
        client_id: 'app',
        token_use: 'access',
        'custom:tenant': 'acme',
        username: 'alice',
      }),
  };
  for (const [layout, check] of Object.entries(expected)) {
    it(`--layout ${layout}`, async () => {
      const idp = await startTestIdp(
        { idp: { users: { alice: { password: 'pw', ...USERS.alice } } } },
        { layout },
      );
      try {
        check((await password(idp.url)) as Record<string, unknown>);
      } finally {
        await idp.close();
      }
    });
  }

  it('rejects an unknown layout naming the flag', async () => {
    const error = await startTestIdp({}, { layout: 'ping' }).catch((e: AuthctlError) => e);
    expect(error).toMatchObject({ code: 'ERR_BAD_LAYOUT', field: 'layout' });
    // The CLI names the field as the serve flag.
    const serve = new Command('serve').option('--layout <name>');
    expect((error as AuthctlError).render(flagNamer(serve)).where).toBe('--layout');
  });
});

describe('idp: several issuers on one server', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({
      idp: {
        issuers: {
          contoso: {
            path: '/contoso-tenant/v2.0/',
            layout: 'entra',
            tenant: 'contoso-tenant',
            audience: 'api://contoso',
          },
          'tenant-b': { claims: { region: 'eu' }, ttl: '5m' },
        },
      },
    });
  });
  afterAll(() => idp.close());

  it('serves RFC 8414 metadata at the inserted well-known path of a path issuer too (openid-client oauth2 discovery)', async () => {
    const inserted = await fetch(
      `${idp.url}/.well-known/oauth-authorization-server/contoso-tenant/v2.0`,
    );
    expect(inserted.status).toBe(200);
    expect(((await inserted.json()) as { issuer: string }).issuer).toBe(
      `${idp.url}/contoso-tenant/v2.0`,
    );
    const viaClient = await client.discovery(
      new URL(`${idp.url}/tenant-b`),
      'app',
      'secret',
      undefined,
      { algorithm: 'oauth2', execute: [client.allowInsecureRequests] },
    );
    expect(viaClient.serverMetadata().issuer).toBe(`${idp.url}/tenant-b`);
    expect((await fetch(`${idp.url}/.well-known/oauth-authorization-server/nope`)).status).toBe(
      404,
    );
  });

  it('serves each issuer with its own discovery, exact issuer and claims', async () => {
    const root = await discover(idp.url, 'app', 'secret');
    const entra = await discover(`${idp.url}/contoso-tenant/v2.0`, 'app', 'secret');
    const b = await discover(`${idp.url}/tenant-b`, 'app', 'secret');
    expect(entra.serverMetadata().issuer).toBe(`${idp.url}/contoso-tenant/v2.0`);
    expect(entra.serverMetadata().jwks_uri).toBe(`${idp.url}/contoso-tenant/v2.0/jwks`);
    expect(b.serverMetadata().token_endpoint).toBe(`${idp.url}/tenant-b/token`);
    const e = decodeJwt((await client.clientCredentialsGrant(entra)).access_token);
    expect(e).toMatchObject({
      iss: `${idp.url}/contoso-tenant/v2.0`,
      tid: 'contoso-tenant',
      aud: 'api://contoso',
      ver: '2.0',
    });
    const t = decodeJwt((await client.clientCredentialsGrant(b)).access_token);
    expect(t).toMatchObject({ iss: `${idp.url}/tenant-b`, region: 'eu' });
    expect(t.exp! - t.iat!).toBe(300);
    expect(decodeJwt((await client.clientCredentialsGrant(root)).access_token).iss).toBe(idp.url);
  });

  it('does not accept one issuer\u2019s tokens or refresh tokens at another', async () => {
    const b = await tokenRequest(
      `${idp.url}/tenant-b`,
      { grant_type: 'password', username: 'u', password: 'p' },
      ['app', 'secret'],
    );
    const introspected = await fetch(`${idp.url}/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: String(b.body.access_token),
        client_id: 'app',
        client_secret: 'secret',
      }),
    });
    expect(((await introspected.json()) as { active: boolean }).active).toBe(false);
    const refresh = await tokenRequest(
      idp.url,
      { grant_type: 'refresh_token', refresh_token: String(b.body.refresh_token) },
      ['app', 'secret'],
    );
    expect(refresh.body.error).toBe('invalid_grant');
  });

  it('answers 404 with the list of issuers for unknown paths', async () => {
    const response = await fetch(`${idp.url}/nope/.well-known/openid-configuration`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error_description: string }).error_description).toContain(
      `${idp.url}/tenant-b/.well-known/openid-configuration`,
    );
  });
});

describe('idp: token exchange and device flow', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp();
  });
  afterAll(() => idp.close());

  it('exchanges a user token for one with another audience and an act claim (RFC 8693)', async () => {
    const user = await tokenRequest(
      idp.url,
      { grant_type: 'password', username: 'alice', password: 'x', scope: 'orders:read' },
      ['frontend', 's'],
    );
    const config = await discover(idp.url, 'orders-api', 'secret');
    const exchanged = await client.genericGrantRequest(
      config,
      'urn:ietf:params:oauth:grant-type:token-exchange',
      {
        subject_token: String(user.body.access_token),
        subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        audience: 'api://inventory',
      },
    );
    expect(exchanged.issued_token_type).toBe('urn:ietf:params:oauth:token-type:access_token');
    expect(decodeJwt(exchanged.access_token)).toMatchObject({
      sub: 'alice',
      aud: 'api://inventory',
      act: { sub: 'orders-api' },
      scope: 'orders:read',
    });
    await expect(
      client.genericGrantRequest(config, 'urn:ietf:params:oauth:grant-type:token-exchange', {
        subject_token: 'forged.token.here',
        subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('approves a device after N pending polls when scripted', async () => {
    const config = await discover(idp.url, 'my-cli', undefined);
    await control(idp.url, 'POST', '/device', { outcome: 'approve', after: 2 });
    const auth = await client.initiateDeviceAuthorization(config, { scope: 'openid' });
    expect(auth.verification_uri).toBe(`${idp.url}/device`);
    // Each poll waits the interval on the issuer's clock (a sooner one is slow_down, rfc-device.test.ts).
    const poll = async () => {
      await control(idp.url, 'POST', '/clock', { advance: auth.interval });
      return tokenRequest(idp.url, {
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        device_code: auth.device_code,
        client_id: 'my-cli',
      });
    };
    expect((await poll()).body.error).toBe('authorization_pending');
    expect((await poll()).body.error).toBe('authorization_pending');
    const granted = await poll();
    expect(granted.status).toBe(200);
    expect(granted.body.id_token).toBeTruthy();
    expect((await poll()).body.error).toBe('invalid_grant');
  });

  it('scripts slow_down, expired_token and access_denied (per request or over the control API)', async () => {
    const start = async (outcome?: string) =>
      (await (
        await fetch(`${idp.url}/device_authorization`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            client_id: 'my-cli',
            ...(outcome ? { authctl_outcome: outcome } : {}),
          }),
        })
      ).json()) as { device_code: string; user_code: string };
    const poll = async (code: string) =>
      (
        await tokenRequest(idp.url, {
          grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
          device_code: code,
          client_id: 'my-cli',
        })
      ).body.error;
    expect(await poll((await start('slow_down')).device_code)).toBe('slow_down');
    expect(await poll((await start('expired_token:1')).device_code)).toBe('authorization_pending');
    const expired = await start('expired_token');
    expect(await poll(expired.device_code)).toBe('expired_token');
    await control(idp.url, 'POST', '/device', { outcome: 'access_denied' });
    expect(await poll((await start()).device_code)).toBe('access_denied');
    // One-shot script: the next device is pending until a human decides on the /device page.
    const human = await start();
    expect(await poll(human.device_code)).toBe('authorization_pending');
    const page = await fetch(`${idp.url}/device`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ user_code: human.user_code, username: 'kim', action: 'approve' }),
    });
    expect(page.status).toBe(200);
    await control(idp.url, 'POST', '/clock', { advance: 5 });
    const granted = await tokenRequest(idp.url, {
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      device_code: human.device_code,
      client_id: 'my-cli',
    });
    expect(decodeJwt(String(granted.body.access_token)).sub).toBe('kim');
    expect((await start('approve:x')).device_code).toBeUndefined();
  });
});

describe('idp: an issuer with its own keys', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({ idp: { issuers: { isolated: { keys: 'own' } } } });
  });
  afterAll(() => idp.close());

  it('publishes and signs with a separate keystore; rotating it leaves the shared one alone', async () => {
    const kids = async (url: string) =>
      ((await (await fetch(`${url}/jwks`)).json()) as { keys: { kid: string }[] }).keys.map(
        (k) => k.kid,
      );
    const root = await kids(idp.url);
    const own = await kids(`${idp.url}/isolated`);
    expect(own).toHaveLength(1);
    expect(root).not.toContain(own[0]);
    const token = String(
      (await tokenRequest(`${idp.url}/isolated`, { grant_type: 'client_credentials' }, ['a', 'b']))
        .body.access_token,
    );
    const { createRemoteJWKSet, jwtVerify } = await import('jose');
    await jwtVerify(token, createRemoteJWKSet(new URL(`${idp.url}/isolated/jwks`)), {
      issuer: `${idp.url}/isolated`,
    });
    await expect(
      jwtVerify(token, createRemoteJWKSet(new URL(`${idp.url}/jwks`))),
    ).rejects.toThrow();
    const rotated = await control(idp.url, 'POST', '/rotate', {
      issuer: 'isolated',
      drop_old: true,
    });
    expect(rotated.body).toMatchObject({ issuer: 'isolated', shared: false });
    expect(await kids(`${idp.url}/isolated`)).toEqual([rotated.body.activated.kid]);
    expect(await kids(idp.url)).toEqual(root);
    expect((await control(idp.url, 'POST', '/rotate', { issuer: 'nope' })).status).toBe(400);
  });

  it('refuses an id that cannot be a directory name', async () => {
    await expect(
      startTestIdp({ idp: { issuers: { '../x': { keys: 'own' } } } }),
    ).rejects.toMatchObject({ code: 'ERR_BAD_ISSUER_ID' });
  });
});

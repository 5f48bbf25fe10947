import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createLocalJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { REDIRECT, control, login, seededHome, startTestIdp, type TestIdp } from './helpers.js';

const PUBLISHED = 'https://tenant.auth0.com/';

describe('idp: --issuer-url keeps a trailing slash byte for byte', () => {
  let idp: TestIdp;
  let config: client.Configuration;
  /** The published host is not resolvable here: every request to it goes to the local listener. */
  const local = (url: string) => url.replace('https://tenant.auth0.com', idp.server.listenUrl);
  beforeAll(async () => {
    idp = await startTestIdp(
      { idp: { issuers: { contoso: { path: '/contoso' } } } },
      { issuerUrl: PUBLISHED },
    );
    // openid-client compares the discovered issuer with the one it was given, byte for byte.
    config = await client.discovery(new URL(PUBLISHED), 'spa', undefined, client.None(), {
      [client.customFetch]: (url, options) => fetch(local(url), options as RequestInit),
    });
  });
  afterAll(() => idp.close());

  it('publishes issuer exactly as given and endpoint URLs without a double slash', () => {
    const meta = config.serverMetadata();
    expect(meta.issuer).toBe(PUBLISHED);
    for (const key of [
      'authorization_endpoint',
      'token_endpoint',
      'jwks_uri',
      'userinfo_endpoint',
      'end_session_endpoint',
    ] as const) {
      expect(String(meta[key]), key).toMatch(/^https:\/\/tenant\.auth0\.com\/[a-z_]+$/);
    }
  });

  it('signs tokens whose iss is exactly the published URL, and sends iss= that openid-client accepts (RFC 9207)', async () => {
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const { location } = await login(local(url.toString()), { username: 'alice' });
    expect(new URL(location).searchParams.get('iss')).toBe(PUBLISHED);
    const tokens = await client.authorizationCodeGrant(config, new URL(location), {
      pkceCodeVerifier: verifier,
    });
    expect(tokens.claims()!.iss).toBe(PUBLISHED);
    const jwks = createLocalJWKSet(await (await fetch(`${idp.server.listenUrl}/jwks`)).json());
    const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer: PUBLISHED });
    expect(payload.iss).toBe(PUBLISHED);
  });

  it('joins path issuers without the slash', async () => {
    const { body } = await control(idp.server.listenUrl, 'GET', '/state');
    expect(body.issuers.map((i: { url: string }) => i.url)).toEqual([
      PUBLISHED,
      'https://tenant.auth0.com/contoso',
    ]);
  });
});

describe('authctl idp serve --issuer-url with a trailing slash', () => {
  it('prints the issuer exactly and the endpoint URLs without a double slash', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'idp', 'serve', '--port', '0', '--json', '--no-log', '--issuer-url', PUBLISHED],
      {
        env: { ...process.env, AUTHCTL_HOME: await seededHome() },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`idp serve exited with ${code}`)));
      });
      const info = JSON.parse(line) as Record<string, string>;
      expect([info.issuer, info.discovery, info.jwks, info.token]).toEqual([
        PUBLISHED,
        `${PUBLISHED}.well-known/openid-configuration`,
        `${PUBLISHED}jwks`,
        `${PUBLISHED}token`,
      ]);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});

import { mkdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { jwtVerify, createRemoteJWKSet } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import {
  BROWSER_TEST_TIMEOUT_MS,
  hasChromium,
  SKIP_REASON,
  withChromium,
} from '../helpers/chromium.js';
import { discover, startTestIdp, type TestIdp } from './helpers.js';

const SCREENSHOT = path.join(ROOT, 'test-output', 'idp-login-page.png');

describe('idp: login page in headless Chromium', () => {
  let idp: TestIdp;
  let callback: Server;
  let callbackUrl: string;
  const received: string[] = [];

  beforeAll(async () => {
    callback = createServer((req, res) => {
      received.push(req.url ?? '');
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><title>callback</title><p>signed in</p>');
    });
    await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
    callbackUrl = `http://127.0.0.1:${(callback.address() as { port: number }).port}/callback`;
    idp = await startTestIdp({
      idp: {
        clients: {
          swagger: {
            public: true,
            redirect_uris: [callbackUrl],
            scopes: ['datasets:read', 'datasets:reload'],
          },
        },
        users: {
          alice: { tenant: 'acme', roles: ['admin'], scopes: ['datasets:read'] },
          bob: { tenant: 'globex', roles: ['viewer'] },
        },
      },
    });
  });
  afterAll(async () => {
    await idp?.close();
    await new Promise((resolve) => callback?.close(resolve));
  });

  const title = 'completes a full PKCE round trip by keyboard and keeps a screenshot';
  it.skipIf(!hasChromium)(
    hasChromium ? title : `${title} (SKIPPED: ${SKIP_REASON})`,
    async () => {
      await withChromium(async (browser) => {
        const config = await discover(idp.url, 'swagger', undefined);
        const verifier = client.randomPKCECodeVerifier();
        const state = client.randomState();
        const nonce = client.randomNonce();
        const authUrl = client.buildAuthorizationUrl(config, {
          redirect_uri: callbackUrl,
          scope: 'openid datasets:read',
          state,
          nonce,
          code_challenge: await client.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
        });
        const page = await browser.newPage();
        await page.goto(authUrl.toString());
        // "Fill as bob" link works without JavaScript: it reloads with login_hint.
        await page.getByRole('link', { name: /^bob/ }).click();
        await expect.poll(() => page.getByLabel(/^Tenant/).inputValue()).toBe('globex');
        // Labels are wired to inputs; the user field has focus, and Tab moves through the form.
        await page.getByLabel(/^User/).fill('alice');
        await page.getByLabel(/^Tenant/).fill('acme');
        await page.getByLabel(/^Roles/).fill('admin auditor');
        await page.getByLabel(/^Scopes/).fill('openid datasets:read');
        // The extra-claims box: a JSON object merged into the tokens.
        await page.getByLabel(/^Extra claims/).fill('{"org_id": "42"}');
        mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
        await page.screenshot({ path: SCREENSHOT, fullPage: true });
        await page.getByLabel(/^Extra claims/).focus();
        await page.keyboard.press('Tab');
        expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Sign in');
        await Promise.all([page.waitForURL(`${callbackUrl}?**`), page.keyboard.press('Enter')]);

        const landed = new URL(page.url());
        expect(landed.searchParams.get('state')).toBe(state);
        const tokens = await client.authorizationCodeGrant(config, landed, {
          pkceCodeVerifier: verifier,
          expectedState: state,
          expectedNonce: nonce,
        });
        expect(tokens.claims()).toMatchObject({ sub: 'alice', aud: 'swagger', nonce });
        const { payload } = await jwtVerify(
          tokens.access_token,
          createRemoteJWKSet(new URL(`${idp.url}/jwks`)),
          { issuer: idp.url },
        );
        expect(payload).toMatchObject({
          sub: 'alice',
          tid: 'acme',
          roles: ['admin', 'auditor'],
          scope: 'openid datasets:read',
          org_id: '42',
        });
        expect(received.filter((u) => u.startsWith('/callback?'))).toHaveLength(1);
        expect(statSync(SCREENSHOT).size).toBeGreaterThan(5000);
      });
    },
    BROWSER_TEST_TIMEOUT_MS,
  );
});

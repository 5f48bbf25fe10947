import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthctlConfig } from '../../src/core/config/schema.js';
import { REDIRECT, codeFlow, discover, startTestIdp, type TestIdp } from './helpers.js';

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

async function authorize(idp: TestIdp, clientId: string, redirectUri: string) {
  const query = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
  });
  const response = await fetch(`${idp.url}/authorize?${query}`, { redirect: 'manual' });
  return {
    status: response.status,
    location: response.headers.get('location'),
    page: await response.text(),
  };
}

describe('idp: a redirect_uri with a fragment is refused (RFC 6749 §3.1.2)', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp();
  });
  afterAll(() => idp.close());

  it('shows an error page and never redirects to it', async () => {
    const sent = await authorize(idp, 'spa', `${REDIRECT}#after`);
    expect(sent.status).toBe(400);
    expect(sent.location).toBeNull();
    expect(sent.page).toContain('contains a fragment');
    expect(sent.page).not.toContain('<form');
  });
});

const STRICT: AuthctlConfig = {
  idp: {
    clients: {
      desktop: {
        public: true,
        redirect_uris: [
          'http://127.0.0.1/callback',
          'http://[::1]/callback',
          'http://localhost/cb?x=1',
        ],
      },
      web: {
        public: true,
        redirect_uris: ['https://app.example/callback', 'http://127.0.0.1:8080/callback'],
      },
    },
  },
};

describe('idp (strict): a registered loopback redirect URI accepts any port (RFC 8252 §7.3)', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp(STRICT);
  });
  afterAll(() => idp.close());

  it('runs the code flow with openid-client on an ephemeral loopback port', async () => {
    const config = await discover(idp.url, 'desktop', undefined);
    const { tokens, location } = await codeFlow(config, {
      redirectUri: 'http://127.0.0.1:53682/callback',
      scope: 'openid',
      form: { username: 'alice' },
    });
    expect(new URL(location).port).toBe('53682');
    expect(tokens.claims()?.aud).toBe('desktop');
  });

  it('accepts any port for [::1] and localhost too, and for a registration that has a port', async () => {
    for (const [client, uri] of [
      ['desktop', 'http://[::1]:40001/callback'],
      ['desktop', 'http://localhost:3000/cb?x=1'],
      ['web', 'http://127.0.0.1:9/callback'],
    ] as const) {
      expect((await authorize(idp, client, uri)).status, uri).toBe(200);
    }
  });

  it('still matches scheme, host, path and query exactly, and never relaxes non-loopback URIs', async () => {
    for (const [client, uri] of [
      ['desktop', 'http://127.0.0.1:53682/other'],
      ['desktop', 'http://localhost:3000/cb'],
      ['desktop', 'http://localhost:3000/callback'],
      ['desktop', 'https://127.0.0.1:53682/callback'],
      ['web', 'https://app.example:8443/callback'],
      ['web', 'http://localhost:8080/callback'],
    ] as const) {
      const sent = await authorize(idp, client, uri);
      expect([uri, sent.status, sent.location]).toEqual([uri, 400, null]);
    }
  });
});

// The login page's extra-claims box: a JSON object merged into the access and ID tokens, refused
// (and shown back) when it is not an object or sets a reserved claim. The form is POSTed over HTTP.
import * as jose from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIRECT, discover, login, startTestIdp, type TestIdp } from './helpers.js';

let idp: TestIdp;
let config: client.Configuration;

beforeAll(async () => {
  idp = await startTestIdp({
    idp: {
      clients: { web: { secret: 'web-secret', redirect_uris: [REDIRECT] } },
      users: { alice: { tenant: 'acme' } },
    },
  });
  config = await discover(idp.url, 'web', 'web-secret');
});
afterAll(() => idp.close());

async function authorize(extraClaims: string) {
  const verifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: 'openid',
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const result = await login(url, { username: 'alice', extra_claims: extraClaims });
  return { ...result, verifier, nonce };
}

/** The alert's text and the textarea's content of a login page. */
function shownBack(page: string) {
  const alert = /<p role="alert"><strong>([^<]*)<\/strong>/.exec(page)?.[1];
  const box = /<textarea id="extra_claims"[^>]*>([^<]*)<\/textarea>/.exec(page)?.[1];
  return { alert, box };
}

describe('idp: the login page’s extra claims', () => {
  it('merges a JSON object into the access token and the ID token', async () => {
    const { location, verifier, nonce } = await authorize(
      '{"org_id": "42", "features": ["beta"], "/billing/plan": "gold"}',
    );
    const tokens = await client.authorizationCodeGrant(config, new URL(location), {
      pkceCodeVerifier: verifier,
      expectedNonce: nonce,
    });
    const jwks = jose.createRemoteJWKSet(new URL(`${idp.url}/jwks`));
    const { payload } = await jose.jwtVerify(tokens.access_token, jwks, { issuer: idp.url });
    expect(payload).toMatchObject({
      sub: 'alice',
      tid: 'acme',
      org_id: '42',
      features: ['beta'],
      billing: { plan: 'gold' },
    });
    expect(tokens.claims()).toMatchObject({ sub: 'alice', org_id: '42', aud: 'web' });
  });

  it('an empty box adds nothing', async () => {
    const { location, status } = await authorize('   ');
    expect(status).toBe(302);
    expect(new URL(location).searchParams.get('code')).toBeTruthy();
  });

  it('shows the error and the text back when it is not a JSON object or sets reserved claims', async () => {
    const cases: [string, RegExp][] = [
      ['{"org_id": ', /^Extra claims are not valid JSON/],
      ['["admin"]', /^Extra claims must be a JSON object, e.g. /],
      ['"text"', /^Extra claims must be a JSON object/],
      [
        '{"iss": "https://evil.example", "aud": "x", "org_id": "1"}',
        /^Extra claims may not set iss, aud: the issuer sets these/,
      ],
      ['{"exp": 1, "/cnf/jkt": "x"}', /may not set exp, \/cnf\/jkt/],
      ['{"scope": "admin"}', /may not set scope/],
    ];
    for (const [text, why] of cases) {
      const { status, page, location } = await authorize(text);
      expect(status, text).toBe(400);
      expect(location, text).toBe('');
      const { alert, box } = shownBack(page);
      expect(alert?.replace(/&quot;/g, '"'), text).toMatch(why);
      expect(box?.replace(/&quot;/g, '"'), text).toBe(text);
      expect(page, text).toContain('aria-invalid="true"');
    }
  });
});

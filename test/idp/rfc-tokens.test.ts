import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  codeFlow,
  control,
  discover,
  startTestIdp,
  tokenRequest,
  type TestIdp,
} from './helpers.js';

describe('idp: refreshed id_tokens keep auth_time (OIDC Core §12.2)', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp();
  });
  afterAll(() => idp.close());

  it('keeps the sign-in time through two refreshes an hour apart', async () => {
    await control(idp.url, 'POST', '/clock', { freeze: true });
    try {
      const config = await discover(idp.url, 'spa', undefined);
      const { tokens } = await codeFlow(config, { form: { username: 'alice' } });
      const signedIn = tokens.claims()!.auth_time;
      expect(typeof signedIn).toBe('number');
      await control(idp.url, 'POST', '/clock', { advance: '1h' });
      const first = await client.refreshTokenGrant(config, tokens.refresh_token!);
      await control(idp.url, 'POST', '/clock', { advance: '1h' });
      const second = await client.refreshTokenGrant(config, first.refresh_token!);
      expect(decodeJwt(second.id_token!).iat! - signedIn!).toBe(7200);
      expect([first.claims()!.auth_time, second.claims()!.auth_time]).toEqual([signedIn, signedIn]);
    } finally {
      await control(idp.url, 'POST', '/clock', { reset: true });
    }
  });

  // Documented in the README: with no audience configured the issuer, like `token mint`, sets no
  // aud; express-oauth2-jwt-bearer and most API middleware then refuse the token.
  it('zero-config: no aud unless asked for (audience/resource) or configured', async () => {
    const plain = await tokenRequest(idp.url, { grant_type: 'client_credentials' }, ['ci', 's']);
    expect(decodeJwt(String(plain.body.access_token)).aud).toBeUndefined();
    const asked = await tokenRequest(
      idp.url,
      { grant_type: 'client_credentials', audience: 'api://orders' },
      ['ci', 's'],
    );
    expect(decodeJwt(String(asked.body.access_token)).aud).toBe('api://orders');
  });
});

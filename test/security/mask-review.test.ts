// Masking rules found wanting by review: a masked value must hide most of a secret, secret-named
// headers are masked whatever their vendor name, and the secret-shape scan stays linear.
import { describe, expect, it } from 'vitest';
import { isSecretName, mask, maskHeaderValue, redactSecrets } from '../../src/core/mask.js';

describe('security: masking', () => {
  it('shows at most half of a word-separated secret; real prefixed keys keep their prefix', () => {
    for (const secret of ['correct_horse_battery_staple_x', 'My_Super_Secret_Password_2024!']) {
      const shown = mask(secret).replace('…', '');
      expect(shown.length, mask(secret)).toBeLessThanOrEqual(secret.length / 2);
    }
    expect(mask('sk_live_4eC39HqLyjWDarjtT1zdp7dc')).toBe('sk_live_4eC3…p7dc');
  });

  it('masks vendor secret headers (X-Auth-Key, Ocp-Apim-Subscription-Key, X-Signature) but not plain ones', () => {
    const value = 'abcdefghijklmnopqrstuvwxyz012345';
    for (const name of ['X-Auth-Key', 'Ocp-Apim-Subscription-Key', 'X-Access-Key', 'X-Signature']) {
      expect([name, maskHeaderValue(name, value)]).not.toEqual([name, value]);
    }
    expect(maskHeaderValue('Content-Type', 'application/json')).toBe('application/json');
  });

  it('scans a long run of "eyJ" in linear time and still masks a JWT next to it', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVz';
    // 600 kB: minutes with the quadratic pattern (the test's time-out), milliseconds without it.
    const text = `${'eyJ'.repeat(200_000)} ${jwt}`;
    const out = redactSecrets(text);
    expect(out).not.toContain(jwt);
    expect(out.startsWith('eyJeyJ')).toBe(true);
  });

  it('does not take a key naming how a secret is used for a secret (token_endpoint_auth_method)', () => {
    expect(isSecretName('idp.clients.svc.token_endpoint_auth_method')).toBe(false);
    expect(isSecretName('token_endpoint_auth_method')).toBe(false);
    expect(isSecretName('idp.clients.svc.secret')).toBe(true);
    expect(isSecretName('access_token')).toBe(true);
  });
});

// Masking rules found wanting by review: a masked value must hide most of a secret, secret-named
// headers are masked whatever their vendor name, and the secret-shape scan stays linear.
import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import { apiKeyChecksum, randomBase62 } from '../../src/core/apikey/format.js';
import { isSecretName, mask, maskHeaderValue, redactSecrets } from '../../src/core/mask.js';
import { rng } from '../helpers/rng.js';

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

  // Seen as a flaky probe test (1 CI run in 5): the probe's --json masked the rotated-out key's kid,
  // zhrt_Rcx3udI4CUSK3pPP0KAEiZ9mr5tbXMokr9N9EQ, so the test did not find it at the issuer.
  it('leaves kids alone, API-key-shaped ones too, and still masks keys, mistyped ones included', async () => {
    const kid = 'zhrt_Rcx3udI4CUSK3pPP0KAEiZ9mr5tbXMokr9N9EQ';
    expect(redactSecrets(`rotated from ${kid}`)).toBe(`rotated from ${kid}`);
    // 20,000 random 43-character base64url kids (the old rule masked about 1 in 2,000).
    const random = rng(17);
    const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const kids = Array.from({ length: 20_000 }, () =>
      Array.from({ length: 43 }, () => B64URL[Math.floor(random() * 64)]).join(''),
    );
    const text = kids.join(' ');
    expect(redactSecrets(text)).toBe(text);
    // A real thumbprint kid, as `keys list` prints it.
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const thumbprint = await calculateJwkThumbprint(await exportJWK(publicKey));
    expect(redactSecrets(`kid ${thumbprint}`)).toBe(`kid ${thumbprint}`);

    const key = (prefix: string) => {
      const body = randomBase62(32);
      return `${prefix}_${body}${apiKeyChecksum(prefix, body)}`;
    };
    const typo = (k: string) => `${k.slice(0, 12)}${k[12] === 'x' ? 'y' : 'x'}${k.slice(13)}`;
    for (const prefix of ['ak_test', 'live', 'sk']) {
      const real = key(prefix);
      expect(redactSecrets(`key ${real}`), real).toBe(`key ${mask(real)}`);
      if (prefix !== 'live') {
        const mistyped = typo(real); // 43 characters only with a 4-character prefix
        expect(redactSecrets(`key ${mistyped}`), mistyped).toBe(`key ${mask(mistyped)}`);
      }
    }
    // A 43-character key with its checksum is masked.
    const live = key('live');
    expect(live).toHaveLength(43);
    expect(redactSecrets(live)).toBe(mask(live));
  });
});

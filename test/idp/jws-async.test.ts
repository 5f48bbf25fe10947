import { generateKeyPairSync } from 'node:crypto';
import { compactVerify, importJWK, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { signJws, signJwsAsync } from '../../src/core/token/jws.js';

// The issuer signs with signJwsAsync (threadpool); it must produce the same JWS as signJws.
describe('signJwsAsync (used by the mock issuer)', () => {
  const claims = { sub: 'alice', iat: 1 };
  const cases: [string, ReturnType<typeof generateKeyPairSync>, boolean][] = [
    ['RS256', generateKeyPairSync('rsa', { modulusLength: 2048 }), true],
    ['PS256', generateKeyPairSync('rsa', { modulusLength: 2048 }), false],
    ['ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' }), false],
    ['EdDSA', generateKeyPairSync('ed25519'), true],
  ];
  for (const [alg, pair, deterministic] of cases) {
    it(`${alg}: verifies with jose${deterministic ? ' and equals the synchronous signature' : ''}`, async () => {
      const header = { alg, typ: 'JWT' };
      const token = await signJwsAsync(header, claims, pair.privateKey);
      const publicKey = await importJWK(pair.publicKey.export({ format: 'jwk' }) as JWK, alg);
      const { payload } = await compactVerify(token, publicKey);
      expect(JSON.parse(Buffer.from(payload).toString())).toEqual(claims);
      if (deterministic) expect(token).toBe(signJws(header, claims, pair.privateKey));
    });
  }

  it('HS256 falls back to the synchronous HMAC', async () => {
    const secret = new Uint8Array(32).fill(7);
    expect(await signJwsAsync({ alg: 'HS256' }, claims, secret)).toBe(
      signJws({ alg: 'HS256' }, claims, secret),
    );
  });
});

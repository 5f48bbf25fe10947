import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { getAtPointer, setAtPointer } from '../../src/core/jsonpointer.js';
import { buildClaims } from '../../src/core/token/claims.js';
import { signJws } from '../../src/core/token/jws.js';

// The token hot path remembers parsed pointers and each key's encoded header (issue #17); a
// remembered answer must be the answer, and a refused pointer must be refused the same way each time.
describe('token hot-path caches', () => {
  it('a pointer set twice lands in the same place, and each target gets its own objects', () => {
    const a: Record<string, unknown> = {};
    const b: Record<string, unknown> = {};
    setAtPointer(a, '/org/id', 1);
    setAtPointer(b, '/org/id', 2);
    expect(a).toEqual({ org: { id: 1 } });
    expect(b).toEqual({ org: { id: 2 } });
    expect(getAtPointer(a, '/org/id')).toBe(1);
  });

  it('a refused pointer throws the same error every time, with the caller of that time', () => {
    const attempt = (where: string) => {
      try {
        setAtPointer({}, '/__proto__/x', 1, where);
      } catch (error) {
        return error as Error & { details?: unknown };
      }
      throw new Error('not refused');
    };
    const first = attempt('roles claim');
    const second = attempt('tenant claim');
    expect(second.message).toBe(first.message);
    expect(JSON.stringify(second)).toContain('tenant claim');
  });

  it('plain, slashed and escaped extra-claim names keep their meaning', () => {
    const claims = buildClaims({
      issuer: 'i',
      issuedAt: 1,
      jti: false,
      extra: { client_id: 'c', 'a/b': 1, 'x~y': 2, '/n/m': 3 },
    });
    expect(JSON.stringify(claims)).toBe(
      '{"iss":"i","iat":1,"client_id":"c","a/b":1,"x~y":2,"n":{"m":3}}',
    );
  });

  it('one key, two headers: each token carries its own header', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const header = (typ: string) =>
      JSON.parse(
        Buffer.from(
          signJws({ alg: 'EdDSA', typ }, { a: 1 }, privateKey).split('.')[0]!,
          'base64url',
        ).toString(),
      );
    for (const typ of ['JWT', 'at+jwt', 'JWT', 'at+jwt'])
      expect(header(typ)).toEqual({ alg: 'EdDSA', typ });
  });
});

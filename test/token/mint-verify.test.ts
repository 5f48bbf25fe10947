import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { Keystore } from '../../src/core/keys/keystore.js';
import { JWT_ALGORITHMS } from '../../src/core/keys/algorithms.js';
import { mintToken } from '../../src/core/token/mint.js';
import { DEFECT_KINDS, type DefectKind } from '../../src/core/token/defects.js';
import { getAtPointer } from '../../src/core/jsonpointer.js';
import { tempDir } from '../helpers/cli.js';
import { verifyWithFastJwt, verifyWithJose, type ServicePolicy } from './verifiers.js';

const ISSUER = 'http://127.0.0.1:9400';
const AUDIENCE = 'api://orders';
let dir: string;
let keystore: Keystore;

beforeAll(() => {
  dir = tempDir();
  keystore = new Keystore({ dir });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function policyFor(alg: string, extra: Partial<ServicePolicy> = {}): Promise<ServicePolicy> {
  const jwks = await keystore.jwks();
  let secret: Uint8Array | undefined;
  if (alg.startsWith('HS')) {
    const record = (await keystore.list()).find((k) => k.alg === alg && k.status === 'active')!;
    secret = new Uint8Array(Buffer.from(String(record.privateJwk.k), 'base64url'));
  }
  return { jwks, secret, algorithms: [alg], issuer: ISSUER, audience: AUDIENCE, ...extra };
}

describe('every algorithm verifies with jose and fast-jwt', () => {
  for (const alg of JWT_ALGORITHMS) {
    it(alg, async () => {
      const minted = await mintToken({
        keystore,
        alg,
        issuer: ISSUER,
        subject: 'alice',
        audience: [AUDIENCE],
        roles: ['admin'],
        tenant: 'acme',
        scopes: ['orders:read', 'orders:write'],
      });
      const policy = await policyFor(alg);
      const jose = await verifyWithJose(minted.token, policy);
      const fast = await verifyWithFastJwt(minted.token, policy);
      expect(jose).toMatchObject({ ok: true });
      expect(fast).toMatchObject({ ok: true });
      if (jose.ok) {
        expect(jose.payload).toMatchObject({
          sub: 'alice',
          aud: AUDIENCE,
          tid: 'acme',
          roles: ['admin'],
          scope: 'orders:read orders:write',
        });
      }
      expect(minted.header).toMatchObject({ alg, typ: 'JWT' });
    });
  }

  it('uses one key per algorithm, with an RFC 7638 thumbprint kid', async () => {
    const a = await mintToken({ keystore, alg: 'ES256', issuer: ISSUER });
    const b = await mintToken({ keystore, alg: 'ES256', issuer: ISSUER });
    expect(a.header.kid).toBe(b.header.kid);
    const { calculateJwkThumbprint } = await import('jose');
    const jwk = (await keystore.jwks()).keys.find((k) => k.kid === a.header.kid)!;
    const { kid: _kid, alg: _alg, use: _use, ...bare } = jwk;
    expect(await calculateJwkThumbprint(bare)).toBe(a.header.kid);
  });
});

/** What each defect must be rejected for, by jose and by fast-jwt. A claim-level reason means the check after the library. */
const REASONS: Record<DefectKind, { jose: string | RegExp; fast: string | RegExp }> = {
  expired: { jose: 'ERR_JWT_EXPIRED', fast: 'FAST_JWT_EXPIRED' },
  'not-yet-valid': { jose: 'ERR_JWT_CLAIM_VALIDATION_FAILED:nbf', fast: 'FAST_JWT_INACTIVE' },
  'wrong-issuer': {
    jose: 'ERR_JWT_CLAIM_VALIDATION_FAILED:iss',
    fast: 'FAST_JWT_INVALID_CLAIM_VALUE',
  },
  'wrong-audience': {
    jose: 'ERR_JWT_CLAIM_VALIDATION_FAILED:aud',
    fast: 'FAST_JWT_INVALID_CLAIM_VALUE',
  },
  'bad-signature': {
    jose: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    fast: 'FAST_JWT_INVALID_SIGNATURE',
  },
  'alg-none': {
    jose: 'ERR_JOSE_ALG_NOT_ALLOWED',
    fast: /FAST_JWT_(INVALID_ALGORITHM|MISSING_SIGNATURE)/,
  },
  'unknown-kid': { jose: 'ERR_JWKS_NO_MATCHING_KEY', fast: 'FAST_JWT_KEY_FETCHING_ERROR' },
  'hs-confusion': { jose: 'ERR_JOSE_ALG_NOT_ALLOWED', fast: 'FAST_JWT_INVALID_ALGORITHM' },
  'missing-tenant': {
    jose: 'ERR_JWT_CLAIM_VALIDATION_FAILED:tid',
    fast: 'FAST_JWT_MISSING_REQUIRED_CLAIM',
  },
  'wrong-tenant': { jose: 'TENANT_MISMATCH', fast: 'TENANT_MISMATCH' },
  'missing-scope': {
    jose: 'ERR_JWT_CLAIM_VALIDATION_FAILED:scope',
    fast: 'FAST_JWT_MISSING_REQUIRED_CLAIM',
  },
  'no-exp': {
    jose: 'ERR_JWT_CLAIM_VALIDATION_FAILED:exp',
    fast: 'FAST_JWT_MISSING_REQUIRED_CLAIM',
  },
  'null-signature': {
    jose: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    fast: 'FAST_JWT_MISSING_SIGNATURE',
  },
  'alg-none-case': {
    jose: 'ERR_JOSE_ALG_NOT_ALLOWED',
    fast: /FAST_JWT_(INVALID_ALGORITHM|MISSING_SIGNATURE)/,
  },
  'blank-secret': { jose: 'ERR_JOSE_ALG_NOT_ALLOWED', fast: 'FAST_JWT_INVALID_ALGORITHM' },
  // Its kid names the keystore's ES256 key, which fast-jwt finds and refuses for an RS256-only service.
  'psychic-signature': {
    jose: 'ERR_JOSE_ALG_NOT_ALLOWED',
    fast: /FAST_JWT_INVALID_(ALGORITHM|KEY)/,
  },
  'embedded-jwk': { jose: 'ERR_JWKS_NO_MATCHING_KEY', fast: 'FAST_JWT_KEY_FETCHING_ERROR' },
  jku: { jose: 'ERR_JWKS_NO_MATCHING_KEY', fast: 'FAST_JWT_KEY_FETCHING_ERROR' },
  'kid-injection': {
    jose: 'ERR_JOSE_ALG_NOT_ALLOWED',
    fast: /FAST_JWT_(INVALID_ALGORITHM|KEY_FETCHING_ERROR)/,
  },
};

function reason(outcome: Awaited<ReturnType<typeof verifyWithJose>>, tenant: string): string {
  if (!outcome.ok)
    return outcome.detail && outcome.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED'
      ? `${outcome.code}:${outcome.detail}`
      : outcome.code;
  // The library accepted it: the service's own tenant check is the last line, as in the seeds.
  return getAtPointer(outcome.payload, '/tid') === tenant ? 'ACCEPTED' : 'TENANT_MISMATCH';
}

describe('every defect is rejected by both verifiers, for its reason (RS256 service)', () => {
  for (const kind of DEFECT_KINDS) {
    it(kind, async () => {
      const minted = await mintToken({
        keystore,
        alg: 'RS256',
        issuer: ISSUER,
        audience: [AUDIENCE],
        subject: 'alice',
        tenant: 'acme',
        scopes: ['orders:read'],
        defect: { kind },
        jkuUrl: 'http://127.0.0.1:1/attacker/jwks.json',
      });
      const policy = await policyFor('RS256', { requiredClaims: ['tid', 'scope'] });
      const expected = REASONS[kind];
      const jose = reason(await verifyWithJose(minted.token, policy), 'acme');
      const fast = reason(await verifyWithFastJwt(minted.token, policy), 'acme');
      expect(jose).toMatch(expected.jose);
      expect(fast).toMatch(expected.fast);
    });
  }

  it('without a defect the same token is accepted by both (the tests above can fail)', async () => {
    const minted = await mintToken({
      keystore,
      alg: 'RS256',
      issuer: ISSUER,
      audience: [AUDIENCE],
      tenant: 'acme',
      scopes: ['orders:read'],
    });
    const policy = await policyFor('RS256', { requiredClaims: ['tid', 'scope'] });
    expect(reason(await verifyWithJose(minted.token, policy), 'acme')).toBe('ACCEPTED');
    expect(reason(await verifyWithFastJwt(minted.token, policy), 'acme')).toBe('ACCEPTED');
  });
});

describe('forgeries against services that allow the forged algorithm still fail on the signature', () => {
  it('psychic ES256 signature (r = s = 0) against an ES256 service', async () => {
    const minted = await mintToken({
      keystore,
      alg: 'ES256',
      issuer: ISSUER,
      audience: [AUDIENCE],
      defect: { kind: 'psychic-signature' },
    });
    const policy = await policyFor('ES256');
    expect(minted.token.split('.')[2]).toMatch(/^A+$/);
    expect(reason(await verifyWithJose(minted.token, policy), '')).toBe(
      'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    );
    expect(reason(await verifyWithFastJwt(minted.token, policy), '')).toMatch(
      /FAST_JWT_INVALID_SIGNATURE/,
    );
  });

  for (const kind of ['blank-secret', 'kid-injection'] as const) {
    it(`${kind} against an HS256 service`, async () => {
      await mintToken({ keystore, alg: 'HS256', issuer: ISSUER });
      const minted = await mintToken({
        keystore,
        alg: 'HS256',
        issuer: ISSUER,
        audience: [AUDIENCE],
        defect: { kind },
      });
      const policy = await policyFor('HS256');
      expect(reason(await verifyWithJose(minted.token, policy), '')).toBe(
        'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
      );
      expect(reason(await verifyWithFastJwt(minted.token, policy), '')).toBe(
        'FAST_JWT_INVALID_SIGNATURE',
      );
    });
  }

  it('alg-none-case variants are exactly the case forms', async () => {
    for (const variant of ['None', 'NONE', 'nOnE']) {
      const minted = await mintToken({
        keystore,
        issuer: ISSUER,
        defect: { kind: 'alg-none-case', variant },
      });
      expect(minted.header.alg).toBe(variant);
      expect(minted.token.endsWith('.')).toBe(true);
    }
  });

  it('jku carries the URL and returns the attacker JWKS to serve; embedded-jwk carries only public parts', async () => {
    const jku = await mintToken({
      keystore,
      issuer: ISSUER,
      defect: { kind: 'jku' },
      jkuUrl: 'http://127.0.0.1:5555/jwks.json',
    });
    expect(jku.header.jku).toBe('http://127.0.0.1:5555/jwks.json');
    expect(jku.attackerJwks?.keys[0]?.kid).toBe(jku.header.kid);
    const embedded = await mintToken({
      keystore,
      issuer: ISSUER,
      defect: { kind: 'embedded-jwk' },
    });
    const jwk = embedded.header.jwk as Record<string, unknown>;
    expect(jwk.kty).toBe('RSA');
    expect(jwk.d).toBeUndefined();
  });
});

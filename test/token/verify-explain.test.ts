import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { Keystore } from '../../src/core/keys/keystore.js';
import { mintToken } from '../../src/core/token/mint.js';
import { verifyToken } from '../../src/core/token/verify.js';
import { keysFromKeystore } from '../../src/core/token/keysource.js';
import { DEFECT_KINDS, DEFECTS } from '../../src/core/token/defects.js';
import { decodeToken } from '../../src/core/token/decode.js';
import { tempDir } from '../helpers/cli.js';

const NOW = Date.parse('2026-01-15T12:00:00Z');
const clock = () => NOW;
let dir: string;
let keystore: Keystore;
beforeAll(() => {
  dir = tempDir();
  keystore = new Keystore({ dir, clock });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('verifyToken explains every failed check at once', () => {
  it('reports issuer, audience and expiry together, in words', async () => {
    const { token } = await mintToken({
      keystore,
      clock,
      issuer: 'http://127.0.0.1:9400/',
      audience: ['api://other'],
      ttlSeconds: 60,
    });
    const later = () => NOW + 102_000; // 42 s after exp
    const result = await verifyToken({
      token,
      keys: await keysFromKeystore(keystore),
      issuer: 'http://127.0.0.1:9400',
      audience: ['api://datapress'],
      clock: later,
    });
    expect(result.valid).toBe(false);
    const failed = Object.fromEntries(
      result.checks.filter((c) => c.status === 'fail').map((c) => [c.check, c.message]),
    );
    expect(failed.issuer).toContain('trailing slash');
    expect(failed.audience).toBe(
      'audience mismatch: expected api://datapress, token has api://other',
    );
    expect(failed.expiry).toBe('expired 42 s ago (leeway 0 s)');
    expect(result.checks.find((c) => c.check === 'signature')?.status).toBe('pass');
  });

  it('leeway accepts a token that expired within it', async () => {
    const { token } = await mintToken({ keystore, clock, ttlSeconds: 60 });
    const result = await verifyToken({
      token,
      keys: await keysFromKeystore(keystore),
      leewaySeconds: 60,
      clock: () => NOW + 90_000,
    });
    expect(result.valid).toBe(true);
  });

  it('names the allow-list when the algorithm is not allowed, and a rotated-away kid', async () => {
    const { token } = await mintToken({ keystore, clock, alg: 'RS256' });
    const disallowed = await verifyToken({
      token,
      keys: await keysFromKeystore(keystore),
      algorithms: ['ES256'],
      clock,
    });
    expect(disallowed.checks[0]!.message).toBe('algorithm RS256 is not allowed (allowed: ES256)');
    await keystore.rotate({ alg: 'RS256', dropOld: true });
    const rotated = await verifyToken({ token, keys: await keysFromKeystore(keystore), clock });
    const signature = rotated.checks.find((c) => c.check === 'signature')!;
    expect(signature.status).toBe('fail');
    expect(signature.message).toMatch(/kid .* is not published — was the issuer's key rotated/);
  });

  it('a grace-period key still verifies tokens signed before the rotation, until the grace ends', async () => {
    let now = NOW;
    const ks = new Keystore({ dir: tempDir(), clock: () => now });
    const { token } = await mintToken({ keystore: ks, clock: () => now, ttlSeconds: 86400 });
    await ks.rotate({ alg: 'RS256', graceSeconds: 3600 });
    expect(
      (await verifyToken({ token, keys: await keysFromKeystore(ks), clock: () => now })).valid,
    ).toBe(true);
    now += 3601_000;
    expect(
      (await verifyToken({ token, keys: await keysFromKeystore(ks), clock: () => now })).valid,
    ).toBe(false);
  });

  it('a published (staged, not yet active) HMAC secret verifies like a published public key', async () => {
    const ks = new Keystore({ dir: tempDir(), clock });
    await mintToken({ keystore: ks, clock, alg: 'HS256' });
    const { published } = await ks.rotate({ alg: 'HS256', stage: 'publish' });
    const token = (await mintToken({ keystore: ks, clock, alg: 'HS256', kid: published!.kid }))
      .token;
    const result = await verifyToken({ token, keys: await keysFromKeystore(ks), clock });
    expect(result.verifiedWith).toBe(published!.kid);
    expect(result.valid).toBe(true);
  });

  it('rejects every defect (authctl agrees with the independent verifiers)', async () => {
    for (const kind of DEFECT_KINDS) {
      const minted = await mintToken({
        keystore,
        clock,
        audience: ['api://orders'],
        tenant: 'acme',
        scopes: ['read'],
        defect: { kind },
        jkuUrl: 'http://127.0.0.1:1/j',
      });
      const result = await verifyToken({
        token: minted.token,
        keys: await keysFromKeystore(keystore),
        audience: ['api://orders'],
        issuer: 'http://127.0.0.1:9400',
        tenant: 'acme',
        requireScopes: ['read'],
        clock,
      });
      expect(result.valid, `${kind}: ${DEFECTS[kind].verifier}`).toBe(false);
    }
  });
});

describe('verifyToken names the likely cause', () => {
  it('an empty key source, an HS token against public keys, a kid published for another algorithm, a psychic signature', async () => {
    const empty = await verifyToken({
      token: (await mintToken({ keystore, clock })).token,
      keys: { jwks: [], secrets: [], source: 'the local keystore (x)' },
      clock,
    });
    expect(empty.checks[0]!.message).toBe(
      'algorithm RS256 cannot be checked: the local keystore (x) has no keys — wrong --home, or verify with --jwks, --discover or --secret',
    );

    const keys = await keysFromKeystore(keystore);
    const confusion = await mintToken({ keystore, clock, defect: { kind: 'hs-confusion' } });
    const hs = await verifyToken({ token: confusion.token, keys: { ...keys, secrets: [] }, clock });
    expect(hs.checks[0]!.message).toMatch(
      /^algorithm HS256 is not allowed \(allowed: .*RS256.*\); an HMAC token checked against public keys is the algorithm-confusion forgery/,
    );

    // With an HMAC secret in the keystore too, HS256 is allowed: the signature check names the forgery.
    await mintToken({ keystore, clock, alg: 'HS256' });
    const withSecret = await verifyToken({
      token: confusion.token,
      keys: await keysFromKeystore(keystore),
      clock,
    });
    expect(withSecret.checks.find((c) => c.check === 'signature')!.message).toContain(
      `its kid ${String(confusion.header.kid)} names a public key: an HMAC keyed with a public key is the algorithm-confusion forgery`,
    );

    const es = await mintToken({ keystore, clock, alg: 'ES256' });
    const relabelled = await mintToken({
      keystore,
      clock,
      alg: 'RS256',
      header: { kid: es.header.kid },
    });
    const wrongAlg = await verifyToken({
      token: relabelled.token,
      keys: await keysFromKeystore(keystore),
      clock,
    });
    expect(wrongAlg.checks.find((c) => c.check === 'signature')!.message).toMatch(
      new RegExp(
        `^key ${String(es.header.kid)} in the local keystore .* is for ES256, but the token says RS256`,
      ),
    );

    const psychic = await mintToken({
      keystore,
      clock,
      alg: 'ES256',
      defect: { kind: 'psychic-signature' },
    });
    const zeros = await verifyToken({
      token: psychic.token,
      keys: await keysFromKeystore(keystore),
      clock,
    });
    expect(zeros.checks.find((c) => c.check === 'signature')!.message).toContain(
      'all zeros (r = s = 0)',
    );
    expect(zeros.valid).toBe(false);
  });

  it('HS forgeries against an HS service: an empty-key signature and an injected kid are named', async () => {
    const secret = new TextEncoder().encode('a-service-secret-of-thirty-two-bytes');
    const keys = { jwks: [], secrets: [{ secret }], source: '--secret-env JWT_SECRET' };
    for (const variant of ['path', 'sql']) {
      const forged = await mintToken({
        keystore,
        clock,
        defect: { kind: 'kid-injection', variant },
      });
      const signature = (await verifyToken({ token: forged.token, keys, clock })).checks.find(
        (c) => c.check === 'signature',
      )!;
      expect(signature.status).toBe('fail');
      expect(signature.message).toMatch(
        /^the HS256 signature was made with an EMPTY key: a forgery, never valid; its kid .* looks like a path or SQL \(kid injection\)/,
      );
    }
    const real = await mintToken({ keystore, clock, alg: 'HS256', secret });
    expect((await verifyToken({ token: `Bearer ${real.token}`, keys, clock })).valid).toBe(true);
    const wrongSecret = await verifyToken({
      token: real.token,
      keys: { ...keys, secrets: [{ secret: new Uint8Array(32) }] },
      clock,
    });
    expect(wrongSecret.checks.find((c) => c.check === 'signature')!.message).toBe(
      "HS256 signature does not verify with the secret from --secret-env JWT_SECRET — does the secret (and its encoding) match the issuer's?",
    );
  });
});

describe('decodeToken', () => {
  it('shows times relative to now and refuses malformed input with a hint', async () => {
    const { token } = await mintToken({ keystore, clock, ttlSeconds: 840 });
    expect(decodeToken(token, NOW).times.exp!.relative).toBe('expires in 14m');
    expect(decodeToken(`Bearer ${token}`, NOW + (840 + 3 * 3600) * 1000).times.exp!.relative).toBe(
      'expired 3h ago',
    );
    expect(() => decodeToken('abc.def')).toThrow(/three dot-separated parts/);
    expect(() => decodeToken('!!!.e30.x')).toThrow(/header is not base64url-encoded JSON/);
  });
});

// Two issuers on one Redis store and one keystore (replicas behind a load balancer): single-use
// assertion and DPoP jtis are shared, and DPoP nonces and opaque tokens of one replica are good at
// the other (both keyed by the shared signing key, nothing stored). Requests go to each replica
// directly; the URL they publish (htu, aud) is the load balancer's.
import { randomUUID } from 'node:crypto';
import * as jose from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthctlConfig } from '../../src/core/config/schema.js';
import { redisMissing, startRedis, type RedisServer } from '../helpers/redis.js';
import { startTestIdp, tokenRequest, type TestIdp } from './helpers.js';

const missing = redisMissing();
if (missing) console.warn(missing);

const PUBLISHED = 'http://127.0.0.1:9999';

describe.skipIf(missing)('idp replicas: JWT client auth, DPoP and opaque tokens', () => {
  let redis: RedisServer;
  let a: TestIdp;
  let b: TestIdp;
  let keys: CryptoKeyPair;

  beforeAll(async () => {
    redis = await startRedis();
    keys = await jose.generateKeyPair('ES256');
    const config: AuthctlConfig = {
      idp: {
        dpop_nonce: true,
        clients: {
          signer: { jwks: { keys: [{ ...(await jose.exportJWK(keys.publicKey)), kid: 'k1' }] } },
          ref: { secret: 'ref-secret', access_token_format: 'opaque' },
        },
      },
    };
    // Each test issuer's home is a copy of the same seeded keystore: one signing key, as replicas share.
    [a, b] = await Promise.all(
      [1, 2].map(() => startTestIdp(config, { store: redis.url, issuerUrl: PUBLISHED })),
    );
  }, 120_000);
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await redis?.stop();
  });

  const listen = (idp: TestIdp) => idp.server.listenUrl;

  const assertion = (jti: string) =>
    new jose.SignJWT({ iss: 'signer', sub: 'signer', aud: PUBLISHED, jti })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(keys.privateKey);

  async function signedToken(idp: TestIdp, clientAssertion: string, dpop?: string) {
    const response = await fetch(`${listen(idp)}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(dpop ? { dpop } : {}),
      },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: clientAssertion,
      }),
    });
    return {
      status: response.status,
      nonce: response.headers.get('dpop-nonce'),
      body: (await response.json()) as Record<string, string>,
    };
  }

  it('a client assertion used at A is a replay at B', async () => {
    const jwt = await assertion(randomUUID());
    const nonce = (await signedToken(a, await assertion(randomUUID()))).nonce!;
    const first = await signedToken(a, jwt, await dpopProof(nonce));
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const replay = await signedToken(b, jwt, await dpopProof(nonce));
    expect(replay.status).toBe(401);
    expect(replay.body.error_description).toMatch(/already used/);
  });

  it('a DPoP nonce handed out by A is good at B; a proof used at A is a replay at B', async () => {
    const first = await signedToken(a, await assertion(randomUUID()), await dpopProof());
    expect(first.body.error).toBe('use_dpop_nonce');
    const once = await dpopProof(first.nonce!);
    const atB = await signedToken(b, await assertion(randomUUID()), once);
    expect(atB.status, JSON.stringify(atB.body)).toBe(200);
    expect(atB.body.token_type).toBe('DPoP');
    const replay = await signedToken(a, await assertion(randomUUID()), once);
    expect(replay.body.error).toBe('invalid_dpop_proof');
    expect(replay.body.error_description).toMatch(/already used/);
  });

  it('an opaque token issued by A introspects at B, and revoked at B is inactive at A', async () => {
    const issued = await tokenRequest(listen(a), { grant_type: 'client_credentials' }, [
      'ref',
      'ref-secret',
    ]);
    const token = String(issued.body.access_token);
    expect(token).not.toContain('.');
    const introspect = async (idp: TestIdp) => {
      const response = await fetch(`${listen(idp)}/introspect`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from('ref:ref-secret').toString('base64')}`,
        },
        body: new URLSearchParams({ token }),
      });
      return (await response.json()) as { active: boolean; sub?: string };
    };
    expect(await introspect(b)).toMatchObject({ active: true, sub: 'ref' });
    const revoked = await fetch(`${listen(b)}/revoke`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('ref:ref-secret').toString('base64')}`,
      },
      body: new URLSearchParams({ token }),
    });
    expect(revoked.status).toBe(200);
    expect((await introspect(a)).active).toBe(false);
  });

  /** A DPoP proof by the client's key for a token request to the published URL. */
  async function dpopProof(nonce?: string): Promise<string> {
    const jwk = await jose.exportJWK(keys.publicKey);
    return new jose.SignJWT({
      htm: 'POST',
      htu: `${PUBLISHED}/token`,
      jti: randomUUID(),
      ...(nonce ? { nonce } : {}),
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
      .setIssuedAt()
      .sign(keys.privateKey);
  }
});

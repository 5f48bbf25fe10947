import { describe, expect, it } from 'vitest';
import { Keystore } from '../../src/core/keys/keystore.js';
import { mintToken } from '../../src/core/token/mint.js';
import { verifyToken } from '../../src/core/token/verify.js';
import { keysFromDiscovery, keysFromJwksUrl } from '../../src/core/token/keysource.js';
import { tempDir } from '../helpers/cli.js';

const ISSUER = 'http://issuer.test';

/** A fetch that serves one discovery document and one JWKS, without a port. */
function fakeIssuer(jwks: unknown, issuer = ISSUER): typeof fetch {
  const documents: Record<string, unknown> = {
    [`${ISSUER}/.well-known/openid-configuration`]: { issuer, jwks_uri: `${ISSUER}/jwks` },
    [`${ISSUER}/jwks`]: jwks,
  };
  return (async (url: string | URL) => {
    const body = documents[String(url)];
    return body === undefined ? new Response('not found', { status: 404 }) : Response.json(body);
  }) as typeof fetch;
}

describe('key sources over HTTP (injected fetch)', () => {
  it('--discover finds the JWKS and expects the discovered issuer', async () => {
    const keystore = new Keystore({ dir: tempDir() });
    const good = await mintToken({ keystore, alg: 'ES256', issuer: ISSUER });
    const fetch = fakeIssuer(await keystore.jwks());
    const keys = await keysFromDiscovery(ISSUER, { fetch });
    expect(keys).toMatchObject({
      discoveredIssuer: ISSUER,
      source: `${ISSUER}/jwks (from ${ISSUER}/.well-known/openid-configuration)`,
    });
    expect((await verifyToken({ token: good.token, keys })).valid).toBe(true);
    const other = await mintToken({ keystore, alg: 'ES256', issuer: 'http://other.test' });
    const rejected = await verifyToken({ token: other.token, keys });
    expect(rejected.checks.find((c) => c.check === 'issuer')).toMatchObject({
      status: 'fail',
      message: `issuer mismatch: expected ${ISSUER}, token has "http://other.test"`,
    });
  });

  it('HTTP errors and documents without keys are environment errors naming the URL', async () => {
    const fetch = fakeIssuer({ nokeys: true });
    await expect(keysFromJwksUrl(`${ISSUER}/missing`, { fetch })).rejects.toMatchObject({
      code: 'ERR_FETCH_STATUS',
      kind: 'environment',
      where: `${ISSUER}/missing`,
    });
    await expect(keysFromJwksUrl(`${ISSUER}/jwks`, { fetch })).rejects.toMatchObject({
      code: 'ERR_JWKS_INVALID',
      where: `${ISSUER}/jwks`,
    });
    const refused = (async () => {
      throw Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      });
    }) as typeof fetch;
    await expect(keysFromDiscovery(ISSUER, { fetch: refused })).rejects.toMatchObject({
      code: 'ERR_FETCH_FAILED',
      message: 'cannot fetch the discovery document: ECONNREFUSED',
    });
  });
});

// private_key_jwt and client_secret_jwt (RFC 7523 §2.2, OIDC Core §9) and the jwt-bearer grant
// (RFC 7523 §2.1), driven by openid-client over real HTTP; tokens checked with jose.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as jose from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveIdpSettings } from '../../src/core/idp/settings.js';
import type { AuthctlConfig } from '../../src/core/config/schema.js';
import { control, discover, startTestIdp, tokenRequest, type TestIdp } from './helpers.js';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const HMAC_SECRET = 'an-hmac-secret-of-at-least-thirty-two-bytes!';

let idp: TestIdp;
let keys: CryptoKeyPair;
let otherKeys: CryptoKeyPair;
let remoteKeys: CryptoKeyPair;
let jwksServer: Server;
let jwksUri: string;

async function publicJwk(pair: CryptoKeyPair, kid: string): Promise<jose.JWK> {
  return { ...(await jose.exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' };
}

beforeAll(async () => {
  keys = await jose.generateKeyPair('ES256');
  otherKeys = await jose.generateKeyPair('ES256');
  remoteKeys = await jose.generateKeyPair('ES256');
  const remoteJwks = JSON.stringify({ keys: [await publicJwk(remoteKeys, 'remote-1')] });
  jwksServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(remoteJwks);
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  jwksUri = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
  idp = await startTestIdp({
    idp: {
      client_auth_methods: ['client_secret_jwt'],
      users: { alice: { tenant: 'acme', roles: ['admin'] } },
      clients: {
        signer: {
          jwks: { keys: [await publicJwk(keys, 'k1')] },
          token_endpoint_auth_method: 'private_key_jwt',
        },
        remote: { jwks_uri: jwksUri },
        hmac: { secret: HMAC_SECRET, token_endpoint_auth_method: 'client_secret_jwt' },
        plain: { secret: 'plain-secret' },
      },
    },
  });
});
afterAll(async () => {
  await idp.close();
  await new Promise((resolve) => jwksServer.close(resolve));
});

const signerConfig = (options?: client.ModifyAssertionOptions, key = keys.privateKey) =>
  discover(idp.url, 'signer', undefined, client.PrivateKeyJwt({ key, kid: 'k1' }, options));

async function verifyAccessToken(token: string) {
  const jwks = jose.createRemoteJWKSet(new URL(`${idp.url}/jwks`));
  return (await jose.jwtVerify(token, jwks, { issuer: idp.url })).payload;
}

async function refusal(promise: Promise<unknown>): Promise<{ error: string; description: string }> {
  const error = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as client.ResponseBodyError | undefined;
  expect(error, 'the request should have been refused').toBeInstanceOf(client.ResponseBodyError);
  return { error: error!.error, description: error!.error_description ?? '' };
}

describe('idp: JWT client authentication', () => {
  it('advertises private_key_jwt, client_secret_jwt, their algorithms and the jwt-bearer grant', async () => {
    const config = await discover(idp.url, 'plain', 'plain-secret');
    const metadata = config.serverMetadata();
    for (const key of [
      'token_endpoint_auth_methods_supported',
      'introspection_endpoint_auth_methods_supported',
      'revocation_endpoint_auth_methods_supported',
    ] as const)
      expect(metadata[key]).toEqual([
        'client_secret_basic',
        'client_secret_post',
        'client_secret_jwt',
        'private_key_jwt',
        'none',
      ]);
    expect(metadata.token_endpoint_auth_signing_alg_values_supported).toContain('ES256');
    expect(metadata.token_endpoint_auth_signing_alg_values_supported).toContain('HS256');
    expect(metadata.grant_types_supported).toContain(JWT_BEARER);
    expect(metadata.dpop_signing_alg_values_supported).toBeUndefined();
  });

  it('private_key_jwt: openid-client signs the assertion, the token names the client', async () => {
    const config = await signerConfig();
    const tokens = await client.clientCredentialsGrant(config, { scope: 'api' });
    const claims = await verifyAccessToken(tokens.access_token);
    expect(claims).toMatchObject({ sub: 'signer', client_id: 'signer', scope: 'api' });
  });

  it('private_key_jwt with the keys at the client jwks_uri', async () => {
    const auth = client.PrivateKeyJwt({ key: remoteKeys.privateKey, kid: 'remote-1' });
    const config = await discover(idp.url, 'remote', undefined, auth);
    const tokens = await client.clientCredentialsGrant(config);
    expect((await verifyAccessToken(tokens.access_token)).sub).toBe('remote');
  });

  it('client_secret_jwt: an HS256 assertion keyed by the client secret', async () => {
    const config = await discover(idp.url, 'hmac', undefined, client.ClientSecretJwt(HMAC_SECRET));
    const tokens = await client.clientCredentialsGrant(config);
    expect((await verifyAccessToken(tokens.access_token)).sub).toBe('hmac');
    const wrong = await discover(
      idp.url,
      'hmac',
      undefined,
      client.ClientSecretJwt(`${HMAC_SECRET}x`),
    );
    const refused = await refusal(client.clientCredentialsGrant(wrong));
    expect(refused.error).toBe('invalid_client');
    expect(refused.description).toMatch(/signature/);
  });

  it('refuses a replayed jti: each assertion is single-use', async () => {
    const jti = `fixed-${Date.now()}`;
    const config = await signerConfig({
      [client.modifyAssertion]: (_header, payload) => {
        payload.jti = jti;
      },
    });
    await client.clientCredentialsGrant(config);
    const refused = await refusal(client.clientCredentialsGrant(config));
    expect(refused).toEqual({
      error: 'invalid_client',
      description: `client_assertion refused: jti "${jti}" was already used (each assertion is single-use)`,
    });
  });

  it('refuses a wrong aud, an expired assertion, another key and a missing jti', async () => {
    const cases: [string, client.ModifyAssertionOptions, CryptoKey | undefined, RegExp][] = [
      ['wrong aud', mod((p) => (p.aud = 'https://other.example')), undefined, /aud must name/],
      ['expired', mod((p) => ((p.exp = 1000), (p.iat = 900))), undefined, /expired/],
      ['no jti', mod((p) => delete p.jti), undefined, /jti/],
      ['another key', {}, otherKeys.privateKey, /signature/],
    ];
    for (const [name, options, key, why] of cases) {
      const refused = await refusal(
        client.clientCredentialsGrant(await signerConfig(options, key)),
      );
      expect(refused.error, name).toBe('invalid_client');
      expect(refused.description, name).toMatch(why);
    }
    // The token endpoint URL is an accepted audience too (OIDC Core §9).
    const tokenAud = mod((p) => (p.aud = `${idp.url}/token`));
    await client.clientCredentialsGrant(await signerConfig(tokenAud));
  });

  it('holds a client to its token_endpoint_auth_method', async () => {
    const hmacByBasic = await tokenRequest(idp.url, { grant_type: 'client_credentials' }, [
      'hmac',
      HMAC_SECRET,
    ]);
    expect(hmacByBasic.status).toBe(401);
    expect(hmacByBasic.body.error_description).toBe(
      'client "hmac" authenticates with client_secret_jwt only, not client_secret_basic',
    );
    // Without token_endpoint_auth_method, any enabled method the client can prove is accepted.
    const plain = await discover(
      idp.url,
      'plain',
      undefined,
      client.ClientSecretJwt('plain-secret'),
    );
    await client.clientCredentialsGrant(plain);
  });
});

describe('idp: the jwt-bearer grant (RFC 7523 §2.1)', () => {
  async function assertion(claims: jose.JWTPayload, key = keys.privateKey): Promise<string> {
    return new jose.SignJWT({ iss: 'signer', aud: idp.url, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuedAt()
      .setExpirationTime('2m')
      .sign(key);
  }

  it('issues a token for the asserted subject, with a configured user’s claims', async () => {
    const config = await signerConfig();
    const jwt = await assertion({ sub: 'alice', jti: `a-${Date.now()}` });
    await control(idp.url, 'DELETE', '/requests');
    const tokens = await client.genericGrantRequest(config, JWT_BEARER, {
      assertion: jwt,
      scope: 'api',
    });
    // Both JWTs are credentials: the request capture masks them.
    const [captured] = (await control(idp.url, 'GET', '/requests?path=/token')).body.requests;
    expect(captured.body.grant_type).toBe(JWT_BEARER);
    expect(JSON.stringify(captured)).not.toContain(jwt);
    expect(captured.body.client_assertion).not.toMatch(/^eyJ[^.]*\.eyJ[^.]*\.[^.]+$/);
    expect(tokens.refresh_token).toBeUndefined();
    const claims = await verifyAccessToken(tokens.access_token);
    expect(claims).toMatchObject({
      sub: 'alice',
      tid: 'acme',
      roles: ['admin'],
      client_id: 'signer',
    });
  });

  it('refuses a replayed assertion, a wrong aud, another issuer and another key', async () => {
    const config = await signerConfig();
    const once = await assertion({ sub: 'alice', jti: `b-${Date.now()}` });
    await client.genericGrantRequest(config, JWT_BEARER, { assertion: once });
    const cases: [string, Promise<string>, RegExp][] = [
      ['replayed', Promise.resolve(once), /already used/],
      ['wrong aud', assertion({ sub: 'alice', aud: 'https://other.example' }), /aud must name/],
      ['another issuer', assertion({ sub: 'alice', iss: 'someone-else' }), /iss/],
      ['another key', assertion({ sub: 'alice' }, otherKeys.privateKey), /signature/],
      ['no sub', assertion({}), /no sub/],
    ];
    for (const [name, jwt, why] of cases) {
      const refused = await refusal(
        client.genericGrantRequest(config, JWT_BEARER, { assertion: await jwt }),
      );
      expect(refused.error, name).toBe('invalid_grant');
      expect(refused.description, name).toMatch(why);
    }
  });
});

describe('idp: JWT client authentication off', () => {
  it('is neither advertised nor accepted when nothing enables it', async () => {
    const plainIdp = await startTestIdp({
      idp: { clients: { plain: { secret: 'plain-secret' } } },
    });
    try {
      const metadata = (await discover(plainIdp.url, 'plain', 'plain-secret')).serverMetadata();
      expect(metadata.token_endpoint_auth_methods_supported).toEqual([
        'client_secret_basic',
        'client_secret_post',
        'none',
      ]);
      expect(metadata.token_endpoint_auth_signing_alg_values_supported).toBeUndefined();
      expect(metadata.grant_types_supported).not.toContain(JWT_BEARER);
      const config = await discover(
        plainIdp.url,
        'plain',
        undefined,
        client.ClientSecretJwt('plain-secret'),
      );
      const refused = await refusal(client.clientCredentialsGrant(config));
      expect(refused.description).toMatch(/client_secret_jwt is not enabled.*client_auth_methods/);
      const grant = await tokenRequest(plainIdp.url, { grant_type: JWT_BEARER, assertion: 'x' }, [
        'plain',
        'plain-secret',
      ]);
      expect(grant.body.error).toBe('unsupported_grant_type');
    } finally {
      await plainIdp.close();
    }
  });
});

describe('idp: client keys in config', () => {
  const settings = (clients: NonNullable<AuthctlConfig['idp']>['clients']) => () =>
    resolveIdpSettings({ idp: { clients } }, { baseUrl: 'http://127.0.0.1:9400' });

  it('refuses a private key, both jwks and jwks_uri, and a method without what it needs', async () => {
    const priv = await jose.exportJWK(
      (await jose.generateKeyPair('ES256', { extractable: true })).privateKey,
    );
    expect(settings({ c: { jwks: { keys: [priv] } } })).toThrow(
      expect.objectContaining({
        code: 'ERR_IDP_CLIENT_KEYS',
        message: 'idp.clients.c.jwks.keys[0] is not a public JWK (it has private members: d)',
      }),
    );
    expect(settings({ c: { jwks: { keys: [] }, jwks_uri: 'http://127.0.0.1/j' } })).toThrow(
      expect.objectContaining({ code: 'ERR_IDP_CLIENT_KEYS' }),
    );
    expect(settings({ c: { token_endpoint_auth_method: 'private_key_jwt' } })).toThrow(
      expect.objectContaining({
        code: 'ERR_IDP_CLIENT_AUTH',
        message:
          'idp.clients.c authenticates with private_key_jwt (token_endpoint_auth_method) but has no jwks or jwks_uri',
      }),
    );
    expect(settings({ c: { token_endpoint_auth_method: 'client_secret_jwt' } })).toThrow(
      expect.objectContaining({ code: 'ERR_IDP_CLIENT_AUTH' }),
    );
    // A client added at run time is checked the same way.
    const added = await control(idp.url, 'POST', '/clients', { id: 'c', jwks: { keys: [priv] } });
    expect(added.status).toBe(400);
    expect(added.body.error_description).toMatch(
      /is not a public JWK \(it has private members: d\)/,
    );
  });
});

function mod(change: (payload: Record<string, unknown>) => unknown): client.ModifyAssertionOptions {
  return {
    [client.modifyAssertion]: (_header, payload) => {
      change(payload as Record<string, unknown>);
    },
  };
}

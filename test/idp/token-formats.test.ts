// Opaque (reference) access tokens, valid only through /introspect and /userinfo, and RFC 9068
// `at+jwt` access tokens; driven by openid-client, the JWTs checked with jose.
import * as jose from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeFlow, discover, startTestIdp, tokenRequest, type TestIdp } from './helpers.js';

let idp: TestIdp;

beforeAll(async () => {
  idp = await startTestIdp({
    idp: {
      audience: 'https://api.example',
      clients: {
        ref: {
          secret: 'ref-secret',
          access_token_format: 'opaque',
          redirect_uris: ['http://127.0.0.1:8080/callback'],
        },
        typed: { secret: 'typed-secret', access_token_format: 'at+jwt' },
        plain: { secret: 'plain-secret' },
      },
    },
  });
});
afterAll(() => idp.close());

const jwks = () => jose.createRemoteJWKSet(new URL(`${idp.url}/jwks`));

describe('idp: opaque access tokens', () => {
  it('is not a JWT, introspects active with its claims, and serves userinfo', async () => {
    const config = await discover(idp.url, 'ref', 'ref-secret');
    const { tokens } = await codeFlow(config, {
      scope: 'openid offline_access',
      form: { username: 'alice' },
    });
    const opaque = tokens.access_token;
    expect(opaque.split('.')).toHaveLength(1);
    expect(() => jose.decodeJwt(opaque)).toThrow();
    // The ID token stays a JWT.
    expect(jose.decodeJwt(tokens.id_token!).sub).toBe('alice');
    const introspection = await client.tokenIntrospection(config, opaque);
    expect(introspection).toMatchObject({
      active: true,
      sub: 'alice',
      client_id: 'ref',
      iss: idp.url,
      aud: 'https://api.example',
      scope: 'openid offline_access',
    });
    expect(typeof introspection.exp).toBe('number');
    const info = await client.fetchUserInfo(config, opaque, 'alice');
    expect(info.sub).toBe('alice');
  });

  it('is inactive once revoked, and unknown strings are inactive', async () => {
    const config = await discover(idp.url, 'ref', 'ref-secret');
    const tokens = await client.clientCredentialsGrant(config);
    await client.tokenRevocation(config, tokens.access_token);
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    expect((await client.tokenIntrospection(config, 'not-a-token-of-this-issuer')).active).toBe(
      false,
    );
  });
});

describe('idp: at+jwt access tokens (RFC 9068)', () => {
  it('has typ at+jwt, client_id, jti and iat, and verifies with jose requiring the typ', async () => {
    const config = await discover(idp.url, 'typed', 'typed-secret');
    const tokens = await client.clientCredentialsGrant(config, { scope: 'api' });
    const { payload, protectedHeader } = await jose.jwtVerify(tokens.access_token, jwks(), {
      issuer: idp.url,
      audience: 'https://api.example',
      typ: 'at+jwt',
      requiredClaims: ['client_id', 'jti', 'iat', 'exp', 'sub'],
    });
    expect(protectedHeader.typ).toBe('at+jwt');
    expect(payload).toMatchObject({ client_id: 'typed', sub: 'typed', scope: 'api' });
  });

  it('leaves other clients with typ JWT, which a verifier requiring at+jwt refuses', async () => {
    const { body } = await tokenRequest(idp.url, { grant_type: 'client_credentials' }, [
      'plain',
      'plain-secret',
    ]);
    await expect(
      jose.jwtVerify(body.access_token as string, jwks(), { issuer: idp.url, typ: 'at+jwt' }),
    ).rejects.toThrow(/typ/);
  });

  it('is the default of every client with [idp] access_token_format', async () => {
    const typedIdp = await startTestIdp({ idp: { access_token_format: 'at+jwt' } });
    try {
      const { body } = await tokenRequest(typedIdp.url, { grant_type: 'client_credentials' }, [
        'any',
        'secret',
      ]);
      expect(jose.decodeProtectedHeader(body.access_token as string).typ).toBe('at+jwt');
    } finally {
      await typedIdp.close();
    }
  });
});

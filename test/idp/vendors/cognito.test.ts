import { CognitoJwtVerifier, JwtRsaVerifier } from 'aws-jwt-verify';
import { SimpleFetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeFlow, discover } from '../helpers.js';
import { httpsClientCredentials, httpsRequest, startHttpsIdp, type HttpsIdp } from './helpers.js';
import { CLIENT, vendorBasics, vendorConfig } from './suite.js';

const POOL_ID = 'us-east-1_AbCdEf123';
const pool = (origin: string) => `${origin}/${POOL_ID}`;
const COGNITO = { vendor: 'cognito', path: `/${POOL_ID}` } as const;

const { idp } = vendorBasics({
  vendor: 'cognito',
  id: 'pool',
  issuer: { path: COGNITO.path },
  issuerUrl: pool,
  endpoints: (origin) => ({
    jwks_uri: `${pool(origin)}/.well-known/jwks.json`,
    // The user pool domain's endpoints, at the server's root.
    authorization_endpoint: `${origin}/oauth2/authorize`,
    token_endpoint: `${origin}/oauth2/token`,
    userinfo_endpoint: `${origin}/oauth2/userInfo`,
    revocation_endpoint: `${origin}/oauth2/revoke`,
    end_session_endpoint: `${origin}/logout`,
  }),
  absent: ['introspection_endpoint', 'device_authorization_endpoint'],
  accessToken: (header, claims) => {
    expect(Object.keys(header).sort()).toEqual(['alg', 'kid']);
    expect(claims).toMatchObject({
      token_use: 'access',
      client_id: CLIENT.id,
      scope: 'orders.read',
      'cognito:groups': ['orders.admin'],
      version: 2,
    });
    expect(claims.aud).toBeUndefined();
  },
  errorBody: (body, headers) => {
    expect(body).toEqual({ error: 'invalid_client' });
    // The mock's explanation is still there for the developer, outside the vendor's body.
    expect(headers.get('x-authctl-error-description')).toMatch(/client authentication failed/);
  },
});

describe('vendor cognito: aws-jwt-verify', () => {
  let tls: HttpsIdp;
  let aws: HttpsIdp;
  const token = async (idp: HttpsIdp) =>
    String(
      (
        await httpsClientCredentials(`${idp.origin}/oauth2/token`, idp.ca, {
          client_id: CLIENT.id,
          client_secret: CLIENT.secret,
          scope: 'orders.read',
        })
      ).body.access_token,
    );
  beforeAll(async () => {
    tls = await startHttpsIdp(vendorConfig('pool', COGNITO));
    // The published issuer is Cognito's own host, as a service in a container sees it with a
    // hosts entry (or DNS override) for cognito-idp.us-east-1.amazonaws.com pointing at the mock.
    aws = await startHttpsIdp(vendorConfig('pool', COGNITO), {
      issuerUrl: 'https://cognito-idp.us-east-1.amazonaws.com',
    });
  });
  afterAll(async () => {
    await tls.close();
    await aws.close();
  });

  it('the ID token of a code flow is a Cognito ID token (token_use "id", aud = client)', async () => {
    const origin = new URL(idp().url).origin;
    const config = await discover(pool(origin), CLIENT.id, CLIENT.secret);
    const { tokens } = await codeFlow(config, {
      scope: 'openid email',
      form: { username: 'alice' },
    });
    const verifier = JwtRsaVerifier.create({
      issuer: pool(origin),
      audience: CLIENT.id,
      customJwtCheck: ({ payload }) => {
        if (payload.token_use !== 'id') throw new Error('not an ID token');
      },
    });
    // The pool's JWKS, fetched here (aws-jwt-verify fetches over https only; this server is http).
    verifier.cacheJwks(
      (await (await fetch(`${pool(origin)}/.well-known/jwks.json`)).json()) as Parameters<
        typeof verifier.cacheJwks
      >[0],
    );
    const payload = await verifier.verify(tokens.id_token!);
    expect(payload).toMatchObject({ token_use: 'id', 'cognito:username': 'alice' });
  });

  it('JwtRsaVerifier with the mock pool as issuer and its JWKS over https', async () => {
    const verifier = JwtRsaVerifier.create(
      {
        issuer: pool(tls.origin),
        audience: null,
        jwksUri: `${pool(tls.origin)}/.well-known/jwks.json`,
        customJwtCheck: ({ payload }) => {
          if (payload.token_use !== 'access' || payload.client_id !== CLIENT.id)
            throw new Error('not an access token of this client');
        },
      },
      {
        jwksCache: new SimpleJwksCache({
          fetcher: new SimpleFetcher({ defaultRequestOptions: { ca: tls.ca } }),
        }),
      },
    );
    const payload = await verifier.verify(await token(tls));
    expect(payload).toMatchObject({ iss: pool(tls.origin), token_use: 'access' });
  });

  it("CognitoJwtVerifier (Cognito's issuer format, fixed to amazonaws.com) accepts the mock's token", async () => {
    const cognitoHost = 'https://cognito-idp.us-east-1.amazonaws.com';
    const jwksCache = new SimpleJwksCache({
      // The "hosts entry": Cognito's host is answered by the mock's listener.
      fetcher: {
        fetch: async (uri: string) => {
          const body = (await httpsRequest(uri.replace(cognitoHost, aws.origin), aws.ca)).body;
          const bytes = Buffer.from(body);
          return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
        },
      },
    });
    const verifier = (clientId: string) =>
      CognitoJwtVerifier.create(
        { userPoolId: POOL_ID, tokenUse: 'access', clientId, scope: 'orders.read' },
        { jwksCache },
      );
    const payload = await verifier(CLIENT.id).verify(await token(aws));
    expect(payload.iss).toBe(`${cognitoHost}/${POOL_ID}`);
    await expect(verifier('another-client').verify(await token(aws))).rejects.toThrow(/client id/i);
  });
});

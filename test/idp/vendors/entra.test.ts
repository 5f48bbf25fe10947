import { ConfidentialClientApplication, type INetworkModule } from '@azure/msal-node';
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpsRequest, startHttpsIdp, type HttpsIdp } from './helpers.js';
import { CLIENT, vendorBasics, vendorConfig } from './suite.js';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const tenant = (origin: string) => `${origin}/${TENANT}`;

vendorBasics({
  vendor: 'entra',
  id: 'contoso',
  issuer: { path: `/${TENANT}` },
  issuerUrl: (origin) => `${tenant(origin)}/v2.0`,
  endpoints: (origin) => ({
    authorization_endpoint: `${tenant(origin)}/oauth2/v2.0/authorize`,
    token_endpoint: `${tenant(origin)}/oauth2/v2.0/token`,
    jwks_uri: `${tenant(origin)}/discovery/v2.0/keys`,
    end_session_endpoint: `${tenant(origin)}/oauth2/v2.0/logout`,
    device_authorization_endpoint: `${tenant(origin)}/oauth2/v2.0/devicecode`,
    userinfo_endpoint: `${tenant(origin)}/oidc/userinfo`,
  }),
  absent: ['introspection_endpoint', 'revocation_endpoint'],
  accessToken: (header, claims) => {
    expect(header.typ).toBe('JWT');
    expect(claims).toMatchObject({
      ver: '2.0',
      tid: TENANT,
      azp: CLIENT.id,
      roles: ['orders.admin'],
      scp: 'orders.read',
      idtyp: 'app',
    });
    expect(claims.oid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  },
  errorBody: (body) => {
    expect(body).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    expect(body.error_description).toMatch(
      /^AADSTS7000215: .+\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/s,
    );
    expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    expect(body.trace_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.correlation_id).toMatch(/^[0-9a-f-]{36}$/);
  },
});

/** MSAL's network hook, over HTTPS trusting only the test certificate. */
function networkClient(ca: string): INetworkModule {
  const send = async <T>(
    method: string,
    url: string,
    headers?: Record<string, string>,
    body?: string,
  ) => {
    const response = await httpsRequest(url, ca, { method, headers, body });
    return {
      status: response.status,
      headers: response.headers,
      body: JSON.parse(response.body) as T,
    };
  };
  return {
    sendGetRequestAsync: (url, options) => send('GET', url, options?.headers),
    sendPostRequestAsync: (url, options) => send('POST', url, options?.headers, options?.body),
  };
}

describe('vendor entra: @azure/msal-node against the mock tenant', () => {
  let idp: HttpsIdp;
  let msal: (secret: string) => ConfidentialClientApplication;
  beforeAll(async () => {
    idp = await startHttpsIdp(vendorConfig('contoso', { vendor: 'entra', path: `/${TENANT}` }));
    // authority = the tenant URL with only the host changed; knownAuthorities skips Microsoft's instance discovery.
    msal = (secret) =>
      new ConfidentialClientApplication({
        auth: {
          clientId: CLIENT.id,
          clientSecret: secret,
          authority: tenant(idp.origin),
          knownAuthorities: [new URL(idp.origin).host],
        },
        system: { networkClient: networkClient(idp.ca) },
      });
  });
  afterAll(() => idp.close());

  it('acquireTokenByClientCredential gets a v2.0 token for the .default resource', async () => {
    const result = await msal(CLIENT.secret).acquireTokenByClientCredential({
      scopes: ['api://orders/.default'],
    });
    expect(result?.accessToken).toBeTruthy();
    const keys = await httpsRequest(`${tenant(idp.origin)}/discovery/v2.0/keys`, idp.ca);
    const jwks = createLocalJWKSet(JSON.parse(keys.body) as JSONWebKeySet);
    const { payload } = await jwtVerify(result!.accessToken, jwks, {
      issuer: `${tenant(idp.origin)}/v2.0`,
      audience: 'api://orders',
    });
    expect(payload).toMatchObject({
      tid: TENANT,
      ver: '2.0',
      roles: ['orders.admin'],
      idtyp: 'app',
    });
    expect(result!.tenantId === TENANT || decodeJwt(result!.accessToken).tid === TENANT).toBe(true);
  });

  it('reads the AADSTS error of a wrong secret as Entra sends it', async () => {
    const error = (await msal('wrong')
      .acquireTokenByClientCredential({ scopes: ['api://orders/.default'] })
      .catch((e: unknown) => e)) as { errorCode?: string; errorMessage?: string; errorNo?: string };
    expect(error.errorCode).toBe('invalid_client');
    // MSAL composes its message from error_codes, timestamp, error_description, trace and correlation ids.
    expect(error.errorMessage).toMatch(
      /^Error\(s\): 7000215 - Timestamp: .+ - Description: AADSTS7000215: .+ - Correlation ID: [0-9a-f-]{36} - Trace ID: [0-9a-f-]{36}$/s,
    );
    expect(String(error.errorNo)).toBe('7000215');
  });
});

import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { discover } from '../helpers.js';
import { CLIENT, vendorBasics } from './suite.js';

/**
 * Keycloak. There is no maintained Keycloak verifier for Node (keycloak-connect is deprecated), so a
 * service verifies Keycloak tokens with a generic OIDC stack: openid-client for discovery and the
 * grant, jose for the token, as here.
 */
const realm = (origin: string) => `${origin}/realms/k3`;
const { idp } = vendorBasics({
  vendor: 'keycloak',
  id: 'k3',
  issuerUrl: realm,
  endpoints: (origin) => ({
    authorization_endpoint: `${realm(origin)}/protocol/openid-connect/auth`,
    token_endpoint: `${realm(origin)}/protocol/openid-connect/token`,
    jwks_uri: `${realm(origin)}/protocol/openid-connect/certs`,
    userinfo_endpoint: `${realm(origin)}/protocol/openid-connect/userinfo`,
    end_session_endpoint: `${realm(origin)}/protocol/openid-connect/logout`,
    introspection_endpoint: `${realm(origin)}/protocol/openid-connect/token/introspect`,
    revocation_endpoint: `${realm(origin)}/protocol/openid-connect/revoke`,
    device_authorization_endpoint: `${realm(origin)}/protocol/openid-connect/auth/device`,
  }),
  absent: [],
  accessToken: (header, claims) => {
    expect(header.typ).toBe('JWT');
    expect(claims).toMatchObject({
      typ: 'Bearer',
      azp: CLIENT.id,
      preferred_username: `service-account-${CLIENT.id}`,
      scope: 'orders.read',
      realm_access: { roles: ['orders.admin'] },
      resource_access: { [CLIENT.id]: { roles: ['orders.admin'] } },
    });
  },
  errorBody: (body) => {
    expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
    expect(body.error).toBe('invalid_client');
  },
});

describe('vendor keycloak: a service verifying with openid-client + jose', () => {
  it('introspects at the Keycloak path and verifies the token by the realm certs', async () => {
    const origin = new URL(idp().url).origin;
    const config = await discover(realm(origin), CLIENT.id, CLIENT.secret);
    const tokens = await client.clientCredentialsGrant(config, {});
    const intro = await client.tokenIntrospection(config, tokens.access_token);
    expect(intro).toMatchObject({ active: true, iss: realm(origin) });
    const jwks = createRemoteJWKSet(new URL(`${realm(origin)}/protocol/openid-connect/certs`));
    await expect(
      jwtVerify(tokens.access_token, jwks, { issuer: realm(origin) }),
    ).resolves.toBeTruthy();
    // The RFC 8414 document too, in both of its URL forms.
    for (const url of [
      `${realm(origin)}/.well-known/oauth-authorization-server`,
      `${origin}/.well-known/oauth-authorization-server/realms/k3`,
    ]) {
      const doc = (await (await fetch(url)).json()) as { issuer: string };
      expect(doc.issuer, url).toBe(realm(origin));
    }
  });
});

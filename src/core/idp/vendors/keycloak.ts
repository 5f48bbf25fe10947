import type { VendorSpec } from './types.js';

/**
 * Keycloak. A realm's endpoints (https://www.keycloak.org/securing-apps/oidc-layers, "Available
 * endpoints"): discovery `/realms/{realm}/.well-known/openid-configuration`, and under
 * `/realms/{realm}/protocol/openid-connect/`: `auth`, `token`, `certs`, `userinfo`, `logout`,
 * `token/introspect`, `revoke`, `auth/device`. The issuer is `{base}/realms/{realm}` (no slash).
 * RFC 8414 metadata at `{issuer}/.well-known/oauth-authorization-server`
 * (https://github.com/keycloak/keycloak/pull/29628) and, since 26.4, at
 * `/.well-known/oauth-authorization-server/realms/{realm}` (https://github.com/keycloak/keycloak/pull/41440).
 * Errors are `{ error, error_description }`.
 */
export const keycloak = {
  docs: [
    'https://www.keycloak.org/securing-apps/oidc-layers',
    'https://docs.redhat.com/en/documentation/red_hat_build_of_keycloak/24.0/html/securing_applications_and_services_guide/oidc',
  ],
  layout: 'keycloak',
  defaultPath: (id) => `/realms/${id}`,
  issuerSuffix: '',
  endpoints: {
    openidConfiguration: '/.well-known/openid-configuration',
    oauthMetadata: '/.well-known/oauth-authorization-server',
    authorize: '/protocol/openid-connect/auth',
    token: '/protocol/openid-connect/token',
    jwks: '/protocol/openid-connect/certs',
    userinfo: '/protocol/openid-connect/userinfo',
    endSession: '/protocol/openid-connect/logout',
    introspect: '/protocol/openid-connect/token/introspect',
    revoke: '/protocol/openid-connect/revoke',
    deviceAuthorization: '/protocol/openid-connect/auth/device',
    device: '/device',
  },
  accessTokenTyp: 'JWT',
} as const satisfies VendorSpec;

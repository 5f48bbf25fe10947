import type { VendorSpec } from './types.js';

/**
 * Auth0. Endpoints of the Authentication API (https://auth0.com/docs/api/authentication,
 * https://auth0.com/docs/oas/authentication/authentication-api-oas.json): `/authorize`, `/oauth/token`,
 * `/userinfo`, `/oauth/revoke`, `/oauth/device/code`, `/oidc/logout`; JWKS at `/.well-known/jwks.json`
 * (https://auth0.com/docs/secure/tokens/json-web-tokens/locate-json-web-key-sets). The issuer is
 * `https://{yourDomain}/` WITH its trailing slash (the `iss` of every Auth0 token; frameworks that
 * strip it fail issuer validation: https://github.com/spring-projects/spring-boot/issues/15324).
 * No introspection endpoint. Errors are `{ error, error_description }`.
 */
export const auth0 = {
  docs: [
    'https://auth0.com/docs/api/authentication',
    'https://auth0.com/docs/secure/tokens/json-web-tokens/locate-json-web-key-sets',
    'https://auth0.com/docs/secure/tokens/access-tokens/access-token-profiles',
  ],
  layout: 'auth0',
  defaultPath: (id) => `/${id}`,
  rootPath: '',
  issuerSuffix: '/',
  endpoints: {
    openidConfiguration: '/.well-known/openid-configuration',
    jwks: '/.well-known/jwks.json',
    authorize: '/authorize',
    token: '/oauth/token',
    userinfo: '/userinfo',
    revoke: '/oauth/revoke',
    endSession: '/oidc/logout',
    deviceAuthorization: '/oauth/device/code',
    device: '/activate',
  },
  accessTokenTyp: 'JWT',
  // Auth0's docs post a form (https://auth0.com/docs/get-started/authentication-and-authorization-flow/client-credentials-flow/call-your-api-using-the-client-credentials-flow);
  // /oauth/token takes a JSON body as well, which many Auth0 samples and SDKs send.
  jsonTokenRequests: true,
} as const satisfies VendorSpec;

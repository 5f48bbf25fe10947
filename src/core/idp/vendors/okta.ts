import type { VendorSpec } from './types.js';

/**
 * Okta, a custom authorization server (`default` or your own id):
 * https://developer.okta.com/docs/api/openapi/okta-oauth/oauth/tag/CustomAS —
 * `/oauth2/{authorizationServerId}/v1/{authorize,token,keys,userinfo,introspect,revoke,logout,device/authorize}`,
 * discovery `/oauth2/{id}/.well-known/openid-configuration` and `.../oauth-authorization-server`
 * (also the RFC 8414 form `/.well-known/oauth-authorization-server/oauth2/{id}`). The issuer is
 * `https://{yourOktaDomain}/oauth2/{id}`. Access tokens have a header of `kid` and `alg` only (no
 * `typ`), `ver: 1`, `cid`, `uid` (a user's) and `scp` as an array, as Okta's token reference and
 * real tokens show (https://developer.okta.com/docs/guides/customize-tokens-returned-from-okta/-/overview/).
 */
export const okta = {
  docs: [
    'https://developer.okta.com/docs/api/openapi/okta-oauth/oauth/tag/CustomAS',
    'https://developer.okta.com/docs/reference/api/authorization-servers/',
    'https://www.npmjs.com/package/@okta/jwt-verifier',
  ],
  layout: 'okta',
  defaultPath: (id) => `/oauth2/${id}`,
  issuerSuffix: '',
  endpoints: {
    openidConfiguration: '/.well-known/openid-configuration',
    oauthMetadata: '/.well-known/oauth-authorization-server',
    authorize: '/v1/authorize',
    token: '/v1/token',
    jwks: '/v1/keys',
    userinfo: '/v1/userinfo',
    introspect: '/v1/introspect',
    revoke: '/v1/revoke',
    endSession: '/v1/logout',
    deviceAuthorization: '/v1/device/authorize',
    device: '/v1/device/activate',
  },
  accessTokenTyp: undefined,
  // The default authorization server's audience is api://default; other servers' are configured.
  defaultAudience: (path) => (path === '/oauth2/default' ? ['api://default'] : undefined),
} as const satisfies VendorSpec;

import type { VendorSpec } from './types.js';

/** authctl's own issuer: short paths at the issuer URL, claims from the `[token]` mapping. */
export const authctl = {
  docs: ['https://openid.net/specs/openid-connect-discovery-1_0.html', 'RFC 8414'],
  layout: 'default',
  defaultPath: (id) => `/${id}`,
  rootPath: '',
  issuerSuffix: '',
  endpoints: {
    openidConfiguration: '/.well-known/openid-configuration',
    oauthMetadata: '/.well-known/oauth-authorization-server',
    jwks: '/jwks',
    token: '/token',
    authorize: '/authorize',
    userinfo: '/userinfo',
    introspect: '/introspect',
    revoke: '/revoke',
    endSession: '/end_session',
    deviceAuthorization: '/device_authorization',
    device: '/device',
  },
  accessTokenTyp: 'JWT',
} as const satisfies VendorSpec;

/** Plain constants of the issuer, kept free of zod/jose so the server starts fast. */
export const IDP_LAYOUTS = ['default', 'entra', 'auth0', 'okta', 'keycloak', 'cognito'] as const;
export type IdpLayout = (typeof IDP_LAYOUTS)[number];

/** Real IdPs whose paths, issuer format, token shape and errors the mock imitates (src/core/idp/vendors/). */
export const IDP_VENDORS = ['default', 'entra', 'auth0', 'okta', 'keycloak', 'cognito'] as const;
export type IdpVendor = (typeof IDP_VENDORS)[number];

export const IDP_GRANTS = [
  'client_credentials',
  'password',
  'authorization_code',
  'refresh_token',
  'urn:ietf:params:oauth:grant-type:token-exchange',
  'urn:ietf:params:oauth:grant-type:device_code',
] as const;
export type IdpGrant = (typeof IDP_GRANTS)[number];

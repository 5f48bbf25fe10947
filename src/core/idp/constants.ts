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
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
] as const;
export type IdpGrant = (typeof IDP_GRANTS)[number];

/** Client authentication at the token, introspection and revocation endpoints (OIDC Core §9, RFC 7523 §2.2). */
export const CLIENT_AUTH_METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
  'none',
] as const;
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number];

/** The JWT assertion methods: accepted (and advertised) only when enabled. */
export const ASSERTION_AUTH_METHODS = ['private_key_jwt', 'client_secret_jwt'] as const;
export type AssertionAuthMethod = (typeof ASSERTION_AUTH_METHODS)[number];

/** Access tokens: a JWT (`typ: JWT`), an RFC 9068 `at+jwt`, or an opaque reference (introspection only). */
export const ACCESS_TOKEN_FORMATS = ['jwt', 'at+jwt', 'opaque'] as const;
export type AccessTokenFormat = (typeof ACCESS_TOKEN_FORMATS)[number];

import {
  DPOP_ALGS,
  NO_AUTH_FEATURES,
  authMethodsSupported,
  authSigningAlgs,
  type AuthFeatures,
} from './auth-features.js';
import { enabledGrantTypes } from './grants/index.js';
import { PROMPT_VALUES } from './authorize-request.js';
import { RESPONSE_MODES } from './form-post.js';
import { issuerEndpointUrl, type EndpointName } from './paths.js';
import type { IssuerContext } from './types.js';
import { VENDORS } from './vendors/index.js';

/** Discovery's endpoint fields and the endpoints they name (absent when the issuer's vendor has none). */
const ENDPOINT_FIELDS: ReadonlyArray<[string, EndpointName]> = [
  ['authorization_endpoint', 'authorize'],
  ['token_endpoint', 'token'],
  ['jwks_uri', 'jwks'],
  ['userinfo_endpoint', 'userinfo'],
  ['introspection_endpoint', 'introspect'],
  ['revocation_endpoint', 'revoke'],
  ['end_session_endpoint', 'endSession'],
  ['device_authorization_endpoint', 'deviceAuthorization'],
];

/**
 * OpenID Provider Metadata (OIDC Discovery 1.0) and RFC 8414 metadata, from the issuer's vendor
 * endpoint map; JWT client authentication, jwt-bearer and DPoP appear only when `features` enable them.
 */
export function discoveryDocument(
  issuer: IssuerContext,
  kind: 'openid' | 'oauth',
  features: AuthFeatures = NO_AUTH_FEATURES,
): Record<string, unknown> {
  const endpoints: Record<string, string> = {};
  for (const [field, name] of ENDPOINT_FIELDS) {
    const url = issuerEndpointUrl(issuer, name);
    if (url !== undefined) endpoints[field] = url;
  }
  const doc: Record<string, unknown> = {
    issuer: issuer.url,
    ...endpoints,
    ...fixedMetadata(issuer, features),
    ...clientAuthMetadata(features),
  };
  // No device grant without a device authorization endpoint (Cognito has none).
  if (!endpoints.device_authorization_endpoint)
    doc.grant_types_supported = enabledGrantTypes(features).filter(
      (g) => !g.endsWith(':device_code'),
    );
  // The auth methods of an endpoint the vendor does not have are not advertised either.
  for (const field of ['introspection_endpoint', 'revocation_endpoint']) {
    if (endpoints[field]) continue;
    delete doc[`${field}_auth_methods_supported`];
    delete doc[`${field}_auth_signing_alg_values_supported`];
  }
  Object.assign(doc, VENDORS[issuer.vendor].discoveryExtras?.(issuer));
  if (kind === 'oauth') {
    delete doc.userinfo_endpoint;
    delete doc.subject_types_supported;
  }
  return doc;
}

/** What every issuer states the same way (its signing alg aside). */
function fixedMetadata(issuer: IssuerContext, features: AuthFeatures): Record<string, unknown> {
  return {
    response_types_supported: ['code'],
    response_modes_supported: [...RESPONSE_MODES],
    // Stated, not left out: absent, request_uri_parameter_supported defaults to true (OIDC Discovery §3).
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    prompt_values_supported: [...PROMPT_VALUES],
    grant_types_supported: enabledGrantTypes(features),
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [issuer.alg],
    code_challenge_methods_supported: ['S256'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'nonce',
      'name',
      'email',
      'auth_time',
      'preferred_username',
    ],
    authorization_response_iss_parameter_supported: true,
  };
}

/** Client authentication at the token, introspection and revocation endpoints, and DPoP. */
function clientAuthMetadata(features: AuthFeatures): Record<string, unknown> {
  const authMethods = authMethodsSupported(features);
  const authAlgs = authSigningAlgs(features);
  return {
    token_endpoint_auth_methods_supported: authMethods,
    introspection_endpoint_auth_methods_supported: authMethods,
    revocation_endpoint_auth_methods_supported: authMethods,
    ...(authAlgs
      ? {
          token_endpoint_auth_signing_alg_values_supported: authAlgs,
          introspection_endpoint_auth_signing_alg_values_supported: authAlgs,
          revocation_endpoint_auth_signing_alg_values_supported: authAlgs,
        }
      : {}),
    ...(features.dpop ? { dpop_signing_alg_values_supported: [...DPOP_ALGS] } : {}),
  };
}

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
import { endpointUrl } from './paths.js';
import type { IssuerContext } from './types.js';

/**
 * OpenID Provider Metadata (OIDC Discovery 1.0) and RFC 8414 metadata, from the endpoint map; JWT
 * client authentication, jwt-bearer and DPoP appear only when `features` enable them.
 */
export function discoveryDocument(
  issuer: IssuerContext,
  kind: 'openid' | 'oauth',
  features: AuthFeatures = NO_AUTH_FEATURES,
): Record<string, unknown> {
  const url = issuer.url;
  const authMethods = authMethodsSupported(features);
  const authAlgs = authSigningAlgs(features);
  const doc: Record<string, unknown> = {
    issuer: url,
    authorization_endpoint: endpointUrl(url, 'authorize'),
    token_endpoint: endpointUrl(url, 'token'),
    jwks_uri: endpointUrl(url, 'jwks'),
    userinfo_endpoint: endpointUrl(url, 'userinfo'),
    introspection_endpoint: endpointUrl(url, 'introspect'),
    revocation_endpoint: endpointUrl(url, 'revoke'),
    end_session_endpoint: endpointUrl(url, 'endSession'),
    device_authorization_endpoint: endpointUrl(url, 'deviceAuthorization'),
    response_types_supported: ['code'],
    response_modes_supported: [...RESPONSE_MODES],
    // Stated, not left out: absent, request_uri_parameter_supported defaults to true (OIDC Discovery §3).
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    prompt_values_supported: [...PROMPT_VALUES],
    grant_types_supported: enabledGrantTypes(features),
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [issuer.alg],
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
  if (kind === 'oauth') {
    delete doc.userinfo_endpoint;
    delete doc.subject_types_supported;
  }
  return doc;
}

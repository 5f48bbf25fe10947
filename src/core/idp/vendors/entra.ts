import { randomUUID } from 'node:crypto';
import { stableUuid } from '../layouts.js';
import type { OAuthErrorBody, VendorSpec } from './types.js';

/**
 * Microsoft Entra ID (v2.0 endpoints). Paths and issuer:
 * https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc
 * (https://raw.githubusercontent.com/MicrosoftDocs/entra-docs/main/docs/identity-platform/v2-protocols-oidc.md):
 * discovery `/{tenant}/v2.0/.well-known/openid-configuration`, `/{tenant}/oauth2/v2.0/{authorize,token,logout,devicecode}`,
 * keys `/{tenant}/discovery/v2.0/keys`, issuer `https://login.microsoftonline.com/{tid}/v2.0`.
 * Entra publishes UserInfo on another host (https://graph.microsoft.com/oidc/userinfo); the mock
 * serves it under the tenant, at `/{tenant}/oidc/userinfo`. No introspection or revocation endpoint.
 * Error bodies (AADSTS code in error_description, error_codes, trace and correlation ids):
 * https://learn.microsoft.com/en-us/previous-versions/azure/dn645548(v=azure.100) and
 * https://learn.microsoft.com/en-us/javascript/api/@azure/identity/errorresponse
 */
export const entra = {
  docs: [
    'https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc',
    'https://learn.microsoft.com/en-us/entra/identity-platform/access-token-claims-reference',
    'https://learn.microsoft.com/en-us/previous-versions/azure/dn645548(v=azure.100)',
  ],
  layout: 'entra',
  // The tenant segment is the tenant id (a GUID) the issuer names: `tenant`, else a stable one per issuer id.
  defaultPath: (id, tenant) => `/${tenant ?? stableUuid(`entra:${id}`)}`,
  defaultTenant: (_id, path) => path.split('/').filter(Boolean).at(-1),
  issuerSuffix: '/v2.0',
  endpoints: {
    openidConfiguration: '/v2.0/.well-known/openid-configuration',
    jwks: '/discovery/v2.0/keys',
    authorize: '/oauth2/v2.0/authorize',
    token: '/oauth2/v2.0/token',
    endSession: '/oauth2/v2.0/logout',
    deviceAuthorization: '/oauth2/v2.0/devicecode',
    device: '/oauth2/v2.0/deviceauth',
    userinfo: '/oidc/userinfo',
  },
  accessTokenTyp: 'JWT',
  // v2.0: a client asks for a resource's scopes (`api://orders/.default`, `api://orders/read`); the token's aud is the resource.
  audienceFromScopes: (scopes) => {
    const resources = scopes.filter((s) => s.includes('/')).map((s) => s.replace(/\/[^/]*$/, ''));
    return resources.length ? [...new Set(resources)] : undefined;
  },
  errorBody: (body, now) => entraError(body, now),
  discoveryExtras: () => ({
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    tenant_region_scope: 'NA',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
  }),
} as const satisfies VendorSpec;

/** The AADSTS code Entra answers each OAuth error with (the commonest one of each). */
const AADSTS: Record<string, number> = {
  invalid_request: 900144,
  invalid_client: 7000215,
  invalid_grant: 70000,
  unauthorized_client: 700016,
  unsupported_grant_type: 70003,
  invalid_scope: 70011,
  access_denied: 65004,
  login_required: 50058,
  interaction_required: 50076,
  authorization_pending: 70016,
  slow_down: 70016,
  expired_token: 70020,
};

/** Entra's shape: `AADSTS{code}: {text}\r\nTrace ID: …\r\nCorrelation ID: …\r\nTimestamp: …` plus the same as fields. */
function entraError(body: OAuthErrorBody, now: Date): Record<string, unknown> {
  const code = AADSTS[body.error] ?? 50000;
  const timestamp = now
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const { error, error_description: description, ...rest } = body;
  return {
    ...rest,
    error,
    error_description: `AADSTS${code}: ${description ?? error}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  };
}

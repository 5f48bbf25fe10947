import { createHash } from 'node:crypto';
import type { IdpLayout } from './config.js';
import type { ClaimsMapping } from '../token/claims.js';

/**
 * Real IdPs' access-token shapes, so a service tested against the mock sees production's claims.
 * `default` uses the `[token]` mapping of the config (the same as `authctl token mint`).
 */
export const LAYOUT_MAPPINGS: Record<Exclude<IdpLayout, 'default'>, ClaimsMapping> = {
  entra: { tenantClaim: '/tid', rolesClaim: '/roles', scopeClaim: 'scp', scopeFormat: 'string' },
  auth0: {
    tenantClaim: '/https:~1~1authctl.dev~1tenant',
    rolesClaim: '/https:~1~1authctl.dev~1roles',
    scopeClaim: 'scope',
    scopeFormat: 'string',
  },
  okta: { tenantClaim: '/tenant', rolesClaim: '/groups', scopeClaim: 'scp', scopeFormat: 'array' },
  keycloak: {
    tenantClaim: '/tenant',
    rolesClaim: '/realm_access/roles',
    scopeClaim: 'scope',
    scopeFormat: 'string',
  },
  cognito: {
    tenantClaim: '/custom:tenant',
    rolesClaim: '/cognito:groups',
    scopeClaim: 'scope',
    scopeFormat: 'string',
  },
};

export interface LayoutInput {
  clientId: string;
  subject: string;
  user?: string;
  scopes: string[];
  roles: string[];
}

/** A stable UUID derived from a subject (Entra's `oid` is a GUID). */
export function stableUuid(value: string): string {
  const hex = createHash('sha256').update(value).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Extra claims each layout adds beyond tenant, roles and scope (keys are claim names). */
export function layoutClaims(layout: IdpLayout, input: LayoutInput): Record<string, unknown> {
  switch (layout) {
    case 'entra':
      // An app-only token (no user) says so: idtyp "app" (Entra access token claims reference).
      return {
        oid: stableUuid(input.subject),
        azp: input.clientId,
        ver: '2.0',
        ...(input.user ? {} : { idtyp: 'app' }),
      };
    case 'auth0':
      return { azp: input.clientId, permissions: [...input.scopes] };
    case 'okta':
      // uid is the user's id: a client_credentials token has none (its sub is the client id).
      return { cid: input.clientId, ...(input.user ? { uid: input.subject } : {}), ver: 1 };
    case 'keycloak':
      return {
        azp: input.clientId,
        typ: 'Bearer',
        // A client's own token is its service account's (Keycloak: service-account-<client>).
        preferred_username: input.user ?? `service-account-${input.clientId}`,
        resource_access: { [input.clientId]: { roles: [...input.roles] } },
      };
    case 'cognito':
      return {
        client_id: input.clientId,
        token_use: 'access',
        version: 2,
        ...(input.user ? { username: input.user } : {}),
      };
    default:
      return {};
  }
}

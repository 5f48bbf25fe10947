import type { AuthenticatedClient } from '../clients.js';
import type { AuthFeatures } from '../auth-features.js';
import type { IdpDeps, IdpRequest, IssuerContext } from '../types.js';

export interface GrantContext {
  req: IdpRequest;
  issuer: IssuerContext;
  deps: IdpDeps;
  client: AuthenticatedClient;
  /** Dev-only claims from `authctl_claims` (JSON object). */
  requestClaims?: Record<string, unknown>;
  /** `audience` / `resource` parameters. */
  audience?: string[];
  /** RFC 9449: the DPoP key the access token is bound to (`cnf.jkt`), and the refresh token of a public client (§5). */
  confirmation?: { jkt: string; bindRefresh?: boolean };
}

/** A grant handler returns the token endpoint's JSON body; errors are thrown as OAuthError. */
export type GrantHandler = (ctx: GrantContext) => Promise<Record<string, unknown>>;

/** A grant type the token endpoint serves: its `grant_type` value and its handler. */
export interface Grant<T extends string = string> {
  grantType: T;
  handle: GrantHandler;
  /** Served (and advertised) only when the issuer's features allow it; always when absent. */
  enabled?: (features: AuthFeatures) => boolean;
}

/** Declares a grant; list it in grants/index.ts to register it (the token endpoint, config and discovery derive from that list). */
export function defineGrant<const T extends string>(
  grantType: T,
  handle: GrantHandler,
  enabled?: (features: AuthFeatures) => boolean,
): Grant<T> {
  return { grantType, handle, ...(enabled ? { enabled } : {}) };
}

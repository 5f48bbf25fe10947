import type { AuthenticatedClient } from '../clients.js';
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
}

/** A grant handler returns the token endpoint's JSON body; errors are thrown as OAuthError. */
export type GrantHandler = (ctx: GrantContext) => Promise<Record<string, unknown>>;

/** A grant type the token endpoint serves: its `grant_type` value and its handler. */
export interface Grant<T extends string = string> {
  grantType: T;
  handle: GrantHandler;
}

/** Declares a grant; list it in grants/index.ts to register it (the token endpoint, config and discovery derive from that list). */
export function defineGrant<const T extends string>(grantType: T, handle: GrantHandler): Grant<T> {
  return { grantType, handle };
}

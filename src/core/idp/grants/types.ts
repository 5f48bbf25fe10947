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

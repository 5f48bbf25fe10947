// Opaque (reference) access tokens: a random string whose claims stay in the issuer, readable only
// through /introspect (RFC 7662) and /userinfo, as with Auth0's or Okta's opaque tokens.
import { randomToken } from './store.js';
import type { IdpDeps, IssuerContext } from './types.js';

/** Keeps the claims of a minted token and hands out a reference to them instead. */
export function issueOpaqueToken(
  deps: IdpDeps,
  issuer: IssuerContext,
  claims: Record<string, unknown>,
): string {
  const token = randomToken(32);
  const exp = typeof claims.exp === 'number' ? claims.exp * 1000 : deps.clock.now();
  deps.store.auth.opaqueTokens.set(token, { issuerId: issuer.id, claims, expiresAt: exp });
  return token;
}

/** The claims of an opaque token of this issuer, unless it is unknown, expired or revoked. */
export function opaqueClaims(
  deps: IdpDeps,
  issuer: IssuerContext,
  token: string,
): Record<string, unknown> | undefined {
  const record = deps.store.auth.opaqueTokens.get(token);
  if (!record || record.issuerId !== issuer.id || deps.clock.now() >= record.expiresAt)
    return undefined;
  const jti = record.claims.jti;
  if (typeof jti === 'string' && deps.store.revokedJtis.has(jti)) return undefined;
  return { ...record.claims };
}

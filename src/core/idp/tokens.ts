import type { JWTVerifyGetKey } from 'jose';
import type { JwksCache } from './keys.js';
import { keysOf } from './keys-of.js';
import type { IdpDeps, IssuerContext } from './types.js';

// jose loads on the first verification, not at start-up; one key set per JWKS version.
const keySets = new WeakMap<JwksCache, JWTVerifyGetKey>();

/**
 * Checks a token this issuer minted, on the issuer's clock: signature against the published keys,
 * `iss`, `exp`/`nbf`, and revocation. Undefined when it is not (or no longer) valid.
 */
export async function verifyIssuedToken(deps: IdpDeps, issuer: IssuerContext, token: string): Promise<Record<string, unknown> | undefined> {
  if (token.split('.').length !== 3) return undefined;
  const current = await keysOf(deps, issuer).current();
  const { createLocalJWKSet, jwtVerify } = await import('jose');
  let getKey = keySets.get(current);
  if (!getKey) {
    getKey = createLocalJWKSet(current.jwks);
    keySets.set(current, getKey);
  }
  try {
    const { payload } = await jwtVerify(token, getKey, { issuer: issuer.url, currentDate: new Date(deps.clock.now()), algorithms: [issuer.alg] });
    if (typeof payload.jti === 'string' && deps.store.revokedJtis.has(payload.jti)) return undefined;
    return payload as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The claims of a JWT without checking it (revocation only needs the jti); undefined if unreadable. */
export function readClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    return claims && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `Authorization: Bearer <token>` (case-insensitive scheme). */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

import type { JWTVerifyGetKey } from 'jose';
import type { JwksCache } from './keys.js';
import { keysOf } from './keys-of.js';
import { opaqueClaims } from './opaque.js';
import type { IdpDeps, IssuerContext } from './types.js';

// jose loads on the first verification, not at start-up; one key set per JWKS version.
const keySets = new WeakMap<JwksCache, JWTVerifyGetKey>();

/**
 * Checks a token this issuer minted, on the issuer's clock: signature against the published keys,
 * `iss`, `exp`/`nbf`, and revocation; an opaque access token by its record. Undefined when it is
 * not (or no longer) valid.
 */
export async function verifyIssuedToken(
  deps: IdpDeps,
  issuer: IssuerContext,
  token: string,
): Promise<Record<string, unknown> | undefined> {
  if (token.split('.').length !== 3) return opaqueClaims(deps, issuer, token);
  const current = await keysOf(deps, issuer).current();
  const { createLocalJWKSet, jwtVerify } = await import('jose');
  let getKey = keySets.get(current);
  if (!getKey) {
    getKey = createLocalJWKSet(current.jwks);
    keySets.set(current, getKey);
  }
  try {
    const { payload } = await jwtVerify(token, getKey, {
      issuer: issuer.url,
      currentDate: new Date(deps.clock.now()),
      algorithms: [issuer.alg],
    });
    if (typeof payload.jti === 'string' && (await deps.store.isJtiRevoked(payload.jti)))
      return undefined;
    return payload as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** `Authorization: DPoP <token>` (RFC 9449 §7.1; case-insensitive scheme). */
export function dpopToken(header: string | undefined): string | undefined {
  const match = /^dpop\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

/** `Authorization: Bearer <token>` (case-insensitive scheme). */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

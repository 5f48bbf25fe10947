import { AuthctlError } from '../errors.js';
import { parsePointer } from '../jsonpointer.js';
import { claimPointer } from '../token/claims.js';
import { checkJsonNesting } from './body.js';
import { zeroConfig } from './clients.js';
import { invalidRequest } from './http.js';
import { fromDisallowedSite } from './origin.js';
import type { IdpDeps, IdpRequest, IssuerContext } from './types.js';

/**
 * Checks every key of a claims object the issuer will apply as a JSON pointer (`/__proto__/roles`
 * and friends are refused), before anything is stored or minted. Throws a usage error naming `where`.
 */
export function checkClaimKeys(claims: Record<string, unknown> | undefined, where: string): void {
  for (const key of Object.keys(claims ?? {})) {
    try {
      parsePointer(claimPointer(key), where);
    } catch (error) {
      if (!(error instanceof AuthctlError)) throw error;
      throw new AuthctlError(`${where}: ${error.message}`, {
        code: error.code,
        where,
        hint: error.hint,
      });
    }
  }
}

/** A copy without a prototype: the keys come from a request. */
export function nullPrototype(claims: Record<string, unknown>): Record<string, unknown> {
  // setPrototypeOf({}, null), not Object.create(null): the same null prototype (so a "__proto__"
  // key is an own property), but a fast object, not a dictionary, for the token's claim loop.
  return Object.assign(Object.setPrototypeOf({}, null) as Record<string, unknown>, claims);
}

/**
 * Dev-only: `authctl_claims={"org_id":"42"}` on a token (or authorize) request adds claims to the
 * issued access token, so tests can set claims without restarting the issuer.
 */
export function requestClaims(value: string | undefined): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  checkJsonNesting(value, 'authctl_claims');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw invalidRequest('authctl_claims must be a JSON object, e.g. {"org_id":"42"}');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw invalidRequest('authctl_claims must be a JSON object');
  try {
    checkClaimKeys(parsed as Record<string, unknown>, 'authctl_claims');
  } catch (error) {
    if (error instanceof AuthctlError) throw invalidRequest(`${error.message} (${error.hint})`);
    throw error;
  }
  return nullPrototype(parsed as Record<string, unknown>);
}

/**
 * Claims that say who issued the token, to whom, for what and for how long. In strict mode (clients
 * configured) they come from config only: a request may add tenant, roles and custom claims, never these.
 */
export const PROTECTED_CLAIMS: ReadonlySet<string> = new Set([
  'iss',
  'sub',
  'aud',
  'exp',
  'nbf',
  'iat',
  'jti',
  'scope',
  'scp',
  'azp',
  'client_id',
  'cid',
  'cnf',
  'act',
  'may_act',
  'auth_time',
  'nonce',
  'acr',
  'amr',
  'sid',
  'at_hash',
  'c_hash',
  'typ',
  'token_use',
]);

/**
 * `authctl_claims` of a token or authorize request, after the checks that make it safe to honour:
 * never from a web page of a site that is not allowed (a cross-site token mint), and in strict mode
 * never a protected claim (nor the issuer's scope claim).
 */
export function claimsFromRequest(
  value: string | undefined,
  req: IdpRequest,
  deps: IdpDeps,
  issuer: IssuerContext,
): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (fromDisallowedSite(req.headers, deps.settings)) {
    throw invalidRequest(
      'authctl_claims is refused from web pages of other sites; send it from a test, curl or the CLI, or allow the page with --cors-origin',
    );
  }
  const claims = requestClaims(value)!;
  if (zeroConfig(deps)) return claims;
  const scopeClaim = issuer.mapping.scopeClaim ?? 'scope';
  const refused = Object.keys(claims).filter((key) => {
    const first = parsePointer(claimPointer(key), 'authctl_claims')[0]!;
    return PROTECTED_CLAIMS.has(first) || first === scopeClaim;
  });
  if (refused.length) {
    throw invalidRequest(
      `authctl_claims may not set ${refused.join(', ')} in strict mode (clients are configured): these come from the client, user and issuer config`,
    );
  }
  return claims;
}

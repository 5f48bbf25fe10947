import { AuthctlError, usageError } from '../errors.js';
import { parsePointer } from '../jsonpointer.js';
import { claimPointer } from '../token/claims.js';
import { invalidRequest } from './http.js';

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
      throw usageError(error.code, `${where}: ${error.message}`, { where, hint: error.hint });
    }
  }
}

/** A copy without a prototype: the keys come from a request. */
export function nullPrototype(claims: Record<string, unknown>): Record<string, unknown> {
  return Object.assign(Object.create(null) as Record<string, unknown>, claims);
}

/**
 * Dev-only: `authctl_claims={"org_id":"42"}` on a token (or authorize) request adds claims to the
 * issued access token, so tests can set claims without restarting the issuer.
 */
export function requestClaims(value: string | undefined): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw invalidRequest('authctl_claims must be a JSON object, e.g. {"org_id":"42"}');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidRequest('authctl_claims must be a JSON object');
  try {
    checkClaimKeys(parsed as Record<string, unknown>, 'authctl_claims');
  } catch (error) {
    if (error instanceof AuthctlError) throw invalidRequest(`${error.message} (${error.hint})`);
    throw error;
  }
  return nullPrototype(parsed as Record<string, unknown>);
}

import type { IdpKeys } from './keys.js';
import type { IdpDeps, IssuerContext } from './types.js';

/** The keys an issuer signs and publishes with: its own keystore, or the shared one. */
export function keysOf(deps: IdpDeps, issuer: IssuerContext): IdpKeys {
  return deps.issuerKeys.get(issuer.id) ?? deps.keys;
}

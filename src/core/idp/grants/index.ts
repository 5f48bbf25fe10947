import { IDP_GRANTS, type IdpGrant } from '../constants.js';
import { authorizationCode } from './authorization-code.js';
import { clientCredentials } from './client-credentials.js';
import { deviceCode } from './device-code.js';
import { jwtBearer } from './jwt-bearer.js';
import { password } from './password.js';
import { refreshToken } from './refresh-token.js';
import { tokenExchange } from './token-exchange.js';
import { NO_AUTH_FEATURES, type AuthFeatures } from '../auth-features.js';
import type { Grant, GrantHandler } from './types.js';

/**
 * The grant types the issuer serves, each declared with its grant_type in its own file (defineGrant).
 * The token endpoint (GRANTS) and discovery's grant_types_supported derive from this list, in this
 * order. The config's `grants` enum is IDP_GRANTS in constants.ts: the config schema must not import
 * the handlers (they import its types: a cycle, and zod-free start-up), so the compiler checks below
 * that the two name the same grants — a grant listed in one and not the other does not compile.
 */
export const GRANT_LIST = [
  authorizationCode,
  clientCredentials,
  password,
  refreshToken,
  tokenExchange,
  deviceCode,
  jwtBearer,
] as const;

type Registered = (typeof GRANT_LIST)[number]['grantType'];
const everyConfigGrantHasAHandler: Record<IdpGrant, true> = {} as Record<Registered, true>;
const everyHandlerIsAConfigGrant: Record<Registered, true> = {} as Record<IdpGrant, true>;
void everyConfigGrantHasAHandler;
void everyHandlerIsAConfigGrant;

/** The grant_type values, for discovery (and the error listing what is supported). */
export const GRANT_TYPES: readonly IdpGrant[] = GRANT_LIST.map((g) => g.grantType);

/** The grant_type values served with these features, for discovery (a grant may need one enabled). */
export function enabledGrantTypes(features: AuthFeatures = NO_AUTH_FEATURES): IdpGrant[] {
  return GRANT_LIST.filter((g: Grant) => !g.enabled || g.enabled(features)).map((g) => g.grantType);
}

/**
 * One handler per grant type, in the config's order (the order the token endpoint's error lists them).
 * A Map: `grant_type=constructor` must not find Object.prototype.constructor.
 */
export const GRANTS: ReadonlyMap<string, GrantHandler> = new Map(
  IDP_GRANTS.map((name) => [name, GRANT_LIST.find((g) => g.grantType === name)!.handle]),
);

const BY_TYPE: ReadonlyMap<string, Grant> = new Map(GRANT_LIST.map((g: Grant) => [g.grantType, g]));

/** Whether this issuer serves `grantType` (registered, and enabled by its features). */
export function grantServed(grantType: string, features: AuthFeatures = NO_AUTH_FEATURES): boolean {
  const grant = BY_TYPE.get(grantType);
  return grant !== undefined && (!grant.enabled || grant.enabled(features));
}

/** The served grant types in the config's order, for the unsupported_grant_type message. */
export function servedGrantTypes(features: AuthFeatures = NO_AUTH_FEATURES): string[] {
  return IDP_GRANTS.filter((name) => grantServed(name, features));
}

export { IDP_GRANTS };

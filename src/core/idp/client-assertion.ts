// JWTs a client signs: client assertions (private_key_jwt, client_secret_jwt: RFC 7523 §2.2 and §3,
// OIDC Core §9) and the assertions of the jwt-bearer grant (RFC 7523 §2.1). jose loads on first use.
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { ASSERTION_ALGS, NO_AUTH_FEATURES } from './auth-features.js';
import type { IdpClientConfig } from './config.js';
import type { AssertionAuthMethod } from './constants.js';
import { OAuthError } from './http.js';
import { endpointUrl } from './paths.js';
import type { IdpDeps, IdpRequest, IssuerContext } from './types.js';

export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Leeway for clocks (seconds): the client's and the issuer's may differ a little. */
const CLOCK_TOLERANCE = 30;

// One remote key set per jwks_uri (jose caches and refreshes it); one local set per jwks object.
const remoteSets = new Map<string, JWTVerifyGetKey>();
const localSets = new WeakMap<object, JWTVerifyGetKey>();

export interface AssertionCheck {
  /** What is checked, for the messages: "client_assertion" or "assertion". */
  field: string;
  clientId: string;
  config: IdpClientConfig;
  /** sub must equal this (client authentication: the client itself). */
  subject?: string;
  /** A jti is required (client assertions), else only checked for replay when present. */
  requireJti: boolean;
  /** The error to throw: invalid_client (authentication) or invalid_grant (the grant). */
  fail: (description: string) => OAuthError;
}

/** The method a JWT's alg implies: an HMAC is client_secret_jwt, a signature private_key_jwt. */
export function methodOfAlg(alg: unknown): AssertionAuthMethod {
  return typeof alg === 'string' && alg.startsWith('HS') ? 'client_secret_jwt' : 'private_key_jwt';
}

/**
 * Verifies a client-signed JWT on the issuer's clock: alg of an enabled method, signature by the
 * client's keys (or its secret), iss = the client, aud = the issuer or the endpoint, exp, single-use
 * jti. Returns the claims and the method; throws `check.fail(...)` naming what is wrong.
 */
export async function verifyClientJwt(
  req: IdpRequest,
  issuer: IssuerContext,
  deps: IdpDeps,
  jwt: string,
  check: AssertionCheck,
): Promise<{ payload: JWTPayload; method: AssertionAuthMethod }> {
  const jose = await import('jose');
  let alg: unknown;
  try {
    alg = jose.decodeProtectedHeader(jwt).alg;
  } catch {
    throw check.fail(`${check.field} is not a JWT`);
  }
  const method = methodOfAlg(alg);
  const features = deps.settings.auth ?? NO_AUTH_FEATURES;
  if (!features.assertionMethods.has(method))
    throw check.fail(
      `${method} is not enabled on this issuer (alg ${String(alg)}); list it in [idp] client_auth_methods`,
    );
  const key = await keyFor(method, check, jose);
  const audience = [issuer.url, endpointUrl(issuer.url, 'token'), endpointHere(req, issuer)];
  let payload: JWTPayload;
  try {
    ({ payload } = await jose.jwtVerify(jwt, key as JWTVerifyGetKey, {
      algorithms: [...ASSERTION_ALGS[method]],
      issuer: check.clientId,
      audience,
      ...(check.subject !== undefined ? { subject: check.subject } : {}),
      requiredClaims: ['exp', ...(check.requireJti ? ['jti'] : [])],
      currentDate: new Date(deps.clock.now()),
      clockTolerance: CLOCK_TOLERANCE,
    }));
  } catch (error) {
    throw check.fail(`${check.field} refused: ${reason(error, audience)}`);
  }
  if (typeof payload.jti === 'string') {
    const key = `${issuer.id}:${check.clientId}:${payload.jti}`;
    const expiresAt = (payload.exp! + CLOCK_TOLERANCE) * 1000;
    if (!(await deps.store.useOnce(check.field, key, expiresAt)))
      throw check.fail(
        `${check.field} refused: jti "${payload.jti}" was already used (each assertion is single-use)`,
      );
  }
  return { payload, method };
}

/** The URL this request was sent to, as the client saw it (the published issuer URL + the path). */
export function endpointHere(req: IdpRequest, issuer: IssuerContext): string {
  return `${issuer.url.replace(/\/+$/, '')}${req.path}`;
}

type Jose = typeof import('jose');

async function keyFor(
  method: AssertionAuthMethod,
  { config, clientId, fail, field }: AssertionCheck,
  jose: Jose,
): Promise<JWTVerifyGetKey | Uint8Array> {
  if (method === 'client_secret_jwt') {
    if (config.secret === undefined)
      throw fail(`${field} is signed with an HMAC but client "${clientId}" has no secret`);
    return new TextEncoder().encode(config.secret);
  }
  if (config.jwks) {
    let set = localSets.get(config.jwks);
    if (!set) localSets.set(config.jwks, (set = jose.createLocalJWKSet(config.jwks as never)));
    return set;
  }
  if (config.jwks_uri) {
    let set = remoteSets.get(config.jwks_uri);
    if (!set)
      remoteSets.set(config.jwks_uri, (set = jose.createRemoteJWKSet(new URL(config.jwks_uri))));
    return set;
  }
  throw fail(
    `client "${clientId}" has no public keys for ${field}: set [idp.clients.${clientId}] jwks or jwks_uri`,
  );
}

/** jose's reason, in terms of the request: which claim, what was expected. */
function reason(error: unknown, audience: string[]): string {
  const e = error as { code?: string; claim?: string; message?: string };
  if (e.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && e.claim === 'aud')
    return `aud must name this issuer: ${[...new Set(audience)].join(' or ')}`;
  if (e.code === 'ERR_JWT_EXPIRED') return 'it has expired (exp)';
  if (e.code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' || e.code === 'ERR_JWKS_NO_MATCHING_KEY')
    return "the signature does not verify with the client's keys";
  return e.message ?? String(error);
}

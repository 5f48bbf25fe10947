// DPoP (RFC 9449): the `DPoP` header's proof is checked (typ dpop+jwt, an embedded public jwk, htm,
// htu, iat window, single-use jti, ath at resource endpoints, server nonces when required), and the
// access token is bound to the key's thumbprint (`cnf.jkt`).
import { createHash } from 'node:crypto';
import { DPOP_ALGS, NO_AUTH_FEATURES } from './auth-features.js';
import { endpointHere } from './client-assertion.js';
import { OAuthError, json } from './http.js';
import { currentNonce, nonceValid } from './dpop-nonce.js';
import type { IdpDeps, IdpRequest, IdpResponse, IssuerContext } from './types.js';

/** How old a proof may be (its iat), and how far ahead of the issuer's clock (seconds). */
export const PROOF_MAX_AGE = 300;
const PROOF_FUTURE_LEEWAY = 60;

/** A refused proof: `use_dpop_nonce` (with the nonce to use) or `invalid_dpop_proof` (RFC 9449 §7.1, §8). */
export class DpopError extends Error {
  constructor(
    readonly error: 'invalid_dpop_proof' | 'use_dpop_nonce' | 'invalid_request',
    readonly description: string,
    readonly nonce?: string,
  ) {
    super(description);
  }

  /** The token endpoint's answer: 400 with the error in the body (§5.2 via RFC 6749 §5.2). */
  forTokenEndpoint(): OAuthError {
    return new OAuthError(
      400,
      this.error,
      this.description,
      this.nonce ? nonceHeader(this.nonce) : {},
    );
  }
}

const nonceHeader = (nonce: string) => ({ 'dpop-nonce': nonce });

/** Whether DPoP is on, and whether nonces are required. */
export function dpopFeature(deps: IdpDeps): { nonce: boolean } | undefined {
  return (deps.settings.auth ?? NO_AUTH_FEATURES).dpop;
}

/** The DPoP-Nonce header to send with an answer, when nonces are required. */
export async function dpopNonceHeaders(
  deps: IdpDeps,
  issuer: IssuerContext,
): Promise<Record<string, string>> {
  if (!dpopFeature(deps)?.nonce) return {};
  return nonceHeader(await currentNonce(deps, issuer));
}

/** RFC 9449 §4.2 ath: base64url SHA-256 of the access token. */
export const accessTokenHash = (token: string) =>
  createHash('sha256').update(token).digest('base64url');

/**
 * Checks the request's DPoP proof and returns the key's thumbprint; undefined when DPoP is off or
 * no proof was sent. `accessToken` (resource endpoints) requires a matching `ath`.
 */
export async function checkDpopProof(
  req: IdpRequest,
  issuer: IssuerContext,
  deps: IdpDeps,
  accessToken?: string,
): Promise<{ jkt: string } | undefined> {
  const feature = dpopFeature(deps);
  const header = req.headers.dpop;
  if (!feature || header === undefined) return undefined;
  if (Array.isArray(header) || header.includes(','))
    throw new DpopError('invalid_dpop_proof', 'send exactly one DPoP header (RFC 9449 §4.3)');
  const jose = await import('jose');
  const now = deps.clock.now();
  let verified: Awaited<ReturnType<typeof jose.jwtVerify>>;
  try {
    verified = await jose.jwtVerify(header, jose.EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: [...DPOP_ALGS],
      requiredClaims: ['jti', 'htm', 'htu', 'iat'],
      currentDate: new Date(now),
      maxTokenAge: PROOF_MAX_AGE,
      clockTolerance: PROOF_FUTURE_LEEWAY,
    });
  } catch (error) {
    throw new DpopError('invalid_dpop_proof', `DPoP proof refused: ${(error as Error).message}`);
  }
  const { payload, protectedHeader } = verified;
  const refuse = (why: string) => new DpopError('invalid_dpop_proof', `DPoP proof refused: ${why}`);
  if (payload.htm !== req.method) throw refuse(`htm must be ${req.method}`);
  const expected = endpointHere(req, issuer);
  if (typeof payload.htu !== 'string' || !sameHtu(payload.htu, expected))
    throw refuse(`htu must be ${expected} (no query or fragment)`);
  if (accessToken !== undefined && payload.ath !== accessTokenHash(accessToken))
    throw refuse('ath must be the base64url SHA-256 of the access token');
  if (feature.nonce) await checkNonce(deps, issuer, payload.nonce);
  const jkt = await jose.calculateJwkThumbprint(protectedHeader.jwk!, 'sha256');
  const expiresAt = ((payload.iat ?? 0) + PROOF_MAX_AGE + PROOF_FUTURE_LEEWAY) * 1000;
  if (!(await deps.store.useOnce('dpop-proof', `${jkt}:${String(payload.jti)}`, expiresAt)))
    throw refuse(`jti "${String(payload.jti)}" was already used (each proof is single-use)`);
  return { jkt };
}

/** RFC 9449 §8: a nonce this issuer handed out, else use_dpop_nonce with the one to use. */
async function checkNonce(deps: IdpDeps, issuer: IssuerContext, nonce: unknown): Promise<void> {
  if (typeof nonce === 'string' && (await nonceValid(deps, issuer, nonce))) return;
  throw new DpopError(
    'use_dpop_nonce',
    nonce === undefined
      ? 'this issuer requires a DPoP nonce: use the DPoP-Nonce header of this answer'
      : 'the DPoP nonce is unknown or stale: use the DPoP-Nonce header of this answer',
    await currentNonce(deps, issuer),
  );
}

/** htu compared without query and fragment, scheme and host case-insensitively (RFC 9449 §4.3). */
function sameHtu(htu: string, expected: string): boolean {
  try {
    const [a, b] = [new URL(htu), new URL(expected)];
    return a.origin === b.origin && a.pathname === b.pathname;
  } catch {
    return false;
  }
}

/** RFC 9449 §7.1: a resource server's challenge, with the algorithms it accepts. */
export function dpopChallenge(error?: string, description?: string): string {
  const parts = [
    ...(error ? [`error="${error}"`] : []),
    ...(description ? [`error_description="${description.replace(/["\\]/g, "'")}"`] : []),
    `algs="${DPOP_ALGS.join(' ')}"`,
  ];
  return `DPoP ${parts.join(', ')}`;
}

/**
 * A resource endpoint's DPoP rules (RFC 9449 §7): a bound token (`cnf.jkt`) comes with the `DPoP`
 * scheme and a proof by its key over this request and the token (`ath`); an unbound one as Bearer.
 * Returns the 401 to answer, or undefined when the request may go on.
 */
export async function boundTokenRefusal(
  req: IdpRequest,
  issuer: IssuerContext,
  deps: IdpDeps,
  token: { value: string; scheme: 'DPoP' | 'Bearer'; claims: Record<string, unknown> },
): Promise<IdpResponse | undefined> {
  const cnf = token.claims.cnf as { jkt?: unknown } | undefined;
  const jkt = typeof cnf?.jkt === 'string' ? cnf.jkt : undefined;
  if (!jkt)
    return token.scheme === 'DPoP'
      ? dpopUnauthorized('invalid_token', 'the access token is not DPoP-bound: send it as Bearer')
      : undefined;
  if (token.scheme !== 'DPoP')
    return dpopUnauthorized(
      'invalid_token',
      'the access token is DPoP-bound: send Authorization: DPoP <token> with a DPoP proof',
    );
  try {
    const proof = await checkDpopProof(req, issuer, deps, token.value);
    if (!proof) return dpopUnauthorized('invalid_dpop_proof', 'a DPoP proof is required');
    if (proof.jkt !== jkt)
      return dpopUnauthorized(
        'invalid_dpop_proof',
        'the proof is signed by another key than the one the token is bound to (cnf.jkt)',
      );
    return undefined;
  } catch (error) {
    if (!(error instanceof DpopError)) throw error;
    return dpopUnauthorized(error.error, error.description, error.nonce);
  }
}

function dpopUnauthorized(error: string, description: string, nonce?: string): IdpResponse {
  return json(
    401,
    { error, error_description: description },
    { 'www-authenticate': dpopChallenge(error, description), ...(nonce ? nonceHeader(nonce) : {}) },
  );
}

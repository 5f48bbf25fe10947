import { authenticateClient } from './clients.js';
import { invalidGrant, invalidRequest, json } from './http.js';
import { verifyIssuedToken } from './tokens.js';
import type { IdpDeps, IdpRequest, IdpResponse, IssuerContext } from './types.js';

/** The client a verified access token was issued to, by layout: client_id (default, Cognito), azp, cid (Okta); else its subject (client_credentials). */
function ownerOf(claims: Record<string, unknown>): unknown {
  return claims.client_id ?? claims.azp ?? claims.cid ?? claims.sub;
}

const anotherClients = () =>
  invalidGrant(
    'the token was issued to another client; a client may revoke only its own tokens (RFC 7009 §2.1)',
  );

/**
 * RFC 7009: revoke a refresh token (and its family) or an access token (by jti). A token this issuer
 * did not sign, or that is expired or unknown, is ignored with 200 (§2.2: the client cannot act on
 * that error); a valid token of another client is refused (§2.1) with invalid_grant, RFC 6749
 * §5.2's error for a grant "issued to another client".
 */
export async function revokeEndpoint(
  req: IdpRequest,
  issuer: IssuerContext,
  deps: IdpDeps,
): Promise<IdpResponse> {
  if (req.method !== 'POST')
    return json(405, { error: 'invalid_request', error_description: 'use POST' });
  const client = await authenticateClient(req, deps, issuer);
  const token = req.body.token;
  if (!token) throw invalidRequest('token is required');
  const refresh = await deps.store.getRefreshToken(token);
  if (refresh && refresh.issuerId === issuer.id) {
    if (refresh.clientId !== client.clientId) throw anotherClients();
    await deps.store.revokeFamily(refresh.family);
  } else if (!refresh) {
    // Verified with the issuer's published keys: an unsigned or forged JWT naming someone's jti revokes nothing.
    const claims = await verifyIssuedToken(deps, issuer, token);
    if (claims && typeof claims.jti === 'string') {
      if (ownerOf(claims) !== client.clientId) throw anotherClients();
      await deps.store.revokeJti(
        claims.jti,
        typeof claims.exp === 'number' ? claims.exp * 1000 : deps.clock.now(),
      );
    }
  }
  return {
    status: 200,
    headers: { 'cache-control': 'no-store' },
    body: '',
    clientId: client.clientId,
  };
}

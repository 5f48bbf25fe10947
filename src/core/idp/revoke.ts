import { authenticateClient } from './clients.js';
import { invalidRequest, json } from './http.js';
import { readClaims } from './tokens.js';
import type { IdpDeps, IdpRequest, IdpResponse, IssuerContext } from './types.js';

/** RFC 7009: revoke a refresh token (and its family) or an access token (by jti). Always 200 for unknown tokens. */
export async function revokeEndpoint(req: IdpRequest, issuer: IssuerContext, deps: IdpDeps): Promise<IdpResponse> {
  if (req.method !== 'POST') return json(405, { error: 'invalid_request', error_description: 'use POST' });
  const client = authenticateClient(req, deps);
  const token = req.body.token;
  if (!token) throw invalidRequest('token is required');
  const refresh = deps.store.refreshTokens.get(token);
  if (refresh) {
    // A client may revoke only its own tokens (RFC 7009 §2.1), at their issuer; others are ignored silently.
    if (refresh.clientId === client.clientId && refresh.issuerId === issuer.id) deps.store.revokeFamily(refresh.family);
  } else {
    // Not a JWT we can read: nothing to revoke (RFC 7009 §2.2 still answers 200).
    const claims = readClaims(token);
    const owner = (claims?.client_id ?? claims?.azp ?? claims?.cid) as string | undefined;
    if (claims && typeof claims.jti === 'string' && (!owner || owner === client.clientId || claims.sub === client.clientId)) {
      deps.store.revokedJtis.set(claims.jti, (typeof claims.exp === 'number' ? claims.exp : 0) * 1000);
    }
  }
  return { status: 200, headers: { 'cache-control': 'no-store' }, body: '', clientId: client.clientId };
}

import { authenticateClient } from './clients.js';
import { invalidRequest, json } from './http.js';
import { verifyIssuedToken } from './tokens.js';
import type { IdpDeps, IdpRequest, IdpResponse, IssuerContext } from './types.js';

/** RFC 7662: active tokens return their claims; anything else is just `{ "active": false }`. */
export async function introspectEndpoint(
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
  if (
    refresh &&
    refresh.issuerId === issuer.id &&
    deps.clock.now() < refresh.expiresAt &&
    !(await deps.store.isFamilyRevoked(refresh.family))
  ) {
    return {
      ...json(200, {
        active: true,
        token_type: 'refresh_token',
        client_id: refresh.clientId,
        sub: refresh.principal.sub,
        scope: refresh.principal.scopes.join(' '),
        exp: Math.floor(refresh.expiresAt / 1000),
        iss: issuer.url,
      }),
      clientId: client.clientId,
    };
  }
  const claims = await verifyIssuedToken(deps, issuer, token);
  if (!claims) return { ...json(200, { active: false }), clientId: client.clientId };
  const scope =
    typeof claims.scope === 'string'
      ? claims.scope
      : Array.isArray(claims.scp)
        ? claims.scp.join(' ')
        : claims.scp;
  return {
    ...json(200, {
      active: true,
      // RFC 9449 §6.2: a bound token's introspection says DPoP and carries its cnf.
      token_type: (claims.cnf as { jkt?: unknown } | undefined)?.jkt ? 'DPoP' : 'Bearer',
      ...claims,
      ...(scope !== undefined ? { scope } : {}),
    }),
    clientId: client.clientId,
  };
}

import { authenticateClient, checkGrantAllowed } from './clients.js';
import { DpopError, checkDpopProof, dpopFeature, dpopNonceHeaders } from './dpop.js';
import { GRANTS, grantServed, servedGrantTypes } from './grants/index.js';
import { claimsFromRequest } from './request-claims.js';
import { requestedAudience } from './resource.js';
import { OAuthError, invalidRequest, json } from './http.js';
import type { IdpDeps, IdpRequest, IdpResponse, IssuerContext } from './types.js';

export { GRANTS } from './grants/index.js';

/** RFC 6749 §5.1: a token response is never cached (json() copies it into each answer's headers). */
const NO_CACHE: Readonly<Record<string, string>> = Object.freeze({ pragma: 'no-cache' });

export async function tokenEndpoint(
  req: IdpRequest,
  issuer: IssuerContext,
  deps: IdpDeps,
): Promise<IdpResponse> {
  let clientId: string | undefined;
  try {
    if (req.method !== 'POST')
      return json(
        405,
        { error: 'invalid_request', error_description: 'use POST' },
        { allow: 'POST' },
      );
    const fault = deps.faults.active().token;
    if (fault)
      return json(fault, {
        error: 'server_error',
        error_description: `injected fault: token endpoint answers ${fault}`,
      });
    const grantType = req.body.grant_type;
    if (!grantType) throw invalidRequest('grant_type is required');
    const client = await authenticateClient(req, deps, issuer);
    clientId = client.clientId;
    const handler = GRANTS.get(grantType);
    if (!handler || !grantServed(grantType, deps.settings.auth))
      throw new OAuthError(
        400,
        'unsupported_grant_type',
        `grant_type "${grantType}" is not supported (supported: ${servedGrantTypes(deps.settings.auth).join(', ')})`,
      );
    checkGrantAllowed(client, grantType);
    // No DPoP header and none required: no proof to check, and no await for it.
    const confirmation =
      req.headers.dpop === undefined && !client.config?.dpop_bound_access_tokens
        ? undefined
        : await proofOf(req, issuer, deps, client);
    const body = await handler({
      req,
      issuer,
      deps,
      client,
      requestClaims: claimsFromRequest(req.body.authctl_claims, req, deps, issuer),
      audience: requestedAudience(req.lists),
      confirmation,
    });
    const nonce = dpopFeature(deps)?.nonce ? await dpopNonceHeaders(deps, issuer) : undefined;
    const response = json(200, body, nonce ? { ...NO_CACHE, ...nonce } : NO_CACHE);
    response.clientId = clientId;
    return response;
  } catch (error) {
    if (error instanceof DpopError) return { ...error.forTokenEndpoint().response(), clientId };
    if (error instanceof OAuthError) return { ...error.response(), clientId };
    throw error;
  }
}

/** The DPoP key to bind the tokens to (RFC 9449 §5); a client with dpop_bound_access_tokens must send one. */
async function proofOf(
  req: IdpRequest,
  issuer: IssuerContext,
  deps: IdpDeps,
  client: Awaited<ReturnType<typeof authenticateClient>>,
): Promise<{ jkt: string; bindRefresh: boolean } | undefined> {
  const proof = await checkDpopProof(req, issuer, deps);
  if (!proof && client.config?.dpop_bound_access_tokens)
    throw new DpopError(
      'invalid_dpop_proof',
      `client "${client.clientId}" must send a DPoP proof (dpop_bound_access_tokens, RFC 9449 §5.2)`,
    );
  // RFC 9449 §5: a public client's refresh tokens are bound too (a confidential client's are bound by its secret).
  return proof && { ...proof, bindRefresh: !client.confidential };
}

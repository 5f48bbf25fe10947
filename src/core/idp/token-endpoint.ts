import { authenticateClient, checkGrantAllowed } from './clients.js';
import { GRANTS } from './grants/index.js';
import { claimsFromRequest } from './request-claims.js';
import { requestedAudience } from './resource.js';
import { OAuthError, invalidRequest, json } from './http.js';
import type { IdpDeps, IdpRequest, IdpResponse, IssuerContext } from './types.js';

export { GRANTS } from './grants/index.js';

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
    const client = authenticateClient(req, deps);
    clientId = client.clientId;
    const handler = GRANTS.get(grantType);
    if (!handler)
      throw new OAuthError(
        400,
        'unsupported_grant_type',
        `grant_type "${grantType}" is not supported (supported: ${[...GRANTS.keys()].join(', ')})`,
      );
    checkGrantAllowed(client, grantType);
    const body = await handler({
      req,
      issuer,
      deps,
      client,
      requestClaims: claimsFromRequest(req.body.authctl_claims, req, deps, issuer),
      audience: requestedAudience(req.lists),
    });
    return { ...json(200, body, { pragma: 'no-cache' }), clientId };
  } catch (error) {
    if (error instanceof OAuthError) return { ...error.response(), clientId };
    throw error;
  }
}

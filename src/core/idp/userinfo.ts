import { getAtPointer } from '../jsonpointer.js';
import { DEFAULT_CLAIMS_MAPPING } from '../token/claims.js';
import { json } from './http.js';
import { bearerToken, verifyIssuedToken } from './tokens.js';
import type { IdpDeps, IdpRequest, IdpResponse, IssuerContext } from './types.js';

function unauthorized(error: string, description: string): IdpResponse {
  return json(401, { error, error_description: description }, { 'www-authenticate': `Bearer error="${error}", error_description="${description}"` });
}

/** OIDC UserInfo: the bearer token is checked on the issuer's clock, revocation included. */
export async function userinfoEndpoint(req: IdpRequest, issuer: IssuerContext, deps: IdpDeps): Promise<IdpResponse> {
  const token = bearerToken(req.headers.authorization) ?? (req.method === 'POST' ? req.body.access_token : undefined);
  if (!token) return unauthorized('invalid_request', 'no bearer token');
  const claims = await verifyIssuedToken(deps, issuer, token);
  if (!claims) return unauthorized('invalid_token', 'the access token is invalid, expired or revoked');
  const mapping = { ...DEFAULT_CLAIMS_MAPPING, ...issuer.mapping };
  const username = typeof claims.preferred_username === 'string' ? claims.preferred_username : String(claims.sub);
  const user = deps.settings.users.get(username) ?? [...deps.settings.users.entries()].find(([, u]) => u.sub === claims.sub)?.[1];
  const info: Record<string, unknown> = { sub: claims.sub };
  if (user?.name) info.name = user.name;
  if (user?.email) info.email = user.email;
  const tenant = getAtPointer(claims, mapping.tenantClaim);
  if (tenant !== undefined) info.tenant = tenant;
  const roles = getAtPointer(claims, mapping.rolesClaim);
  if (roles !== undefined) info.roles = roles;
  return { ...json(200, info), clientId: typeof claims.client_id === 'string' ? claims.client_id : undefined };
}

import { getAtPointer, setAtPointer } from '../jsonpointer.js';
import { DEFAULT_CLAIMS_MAPPING } from '../token/claims.js';
import { json } from './http.js';
import { boundTokenRefusal, dpopChallenge, dpopFeature } from './dpop.js';
import { bearerToken, dpopToken, verifyIssuedToken } from './tokens.js';
import type { IdpDeps, IdpRequest, IdpResponse, IssuerContext } from './types.js';

function unauthorized(error: string, description: string): IdpResponse {
  return json(
    401,
    { error, error_description: description },
    { 'www-authenticate': `Bearer error="${error}", error_description="${description}"` },
  );
}

/** The scopes of an access token, wherever the issuer's mapping writes them (`scope` string, `scp` array). */
function scopesOf(claims: Record<string, unknown>, scopeClaim: string): string[] {
  const value = claims[scopeClaim];
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' ? value.split(' ').filter(Boolean) : [];
}

/** The access token: `Authorization: DPoP ...` or `Bearer ...`, or a POSTed access_token (RFC 6750 §2.2). */
function presentedToken(req: IdpRequest): { value: string; scheme: 'DPoP' | 'Bearer' } | undefined {
  const dpop = dpopToken(req.headers.authorization);
  if (dpop) return { value: dpop, scheme: 'DPoP' };
  const value =
    bearerToken(req.headers.authorization) ??
    (req.method === 'POST' ? req.body.access_token : undefined);
  return value ? { value, scheme: 'Bearer' } : undefined;
}

/**
 * OIDC UserInfo: the bearer token is checked on the issuer's clock, revocation included. Claims
 * have the names the tokens use (tenant and roles where the mapping puts them) and
 * `preferred_username` is the id_token's: the signed-in user's name.
 */
export async function userinfoEndpoint(
  req: IdpRequest,
  issuer: IssuerContext,
  deps: IdpDeps,
): Promise<IdpResponse> {
  const token = presentedToken(req);
  // RFC 6750 §3.1: a request without any authentication gets the challenge, and no error code.
  if (!token)
    return {
      status: 401,
      headers: {
        'www-authenticate': dpopFeature(deps) ? `Bearer, ${dpopChallenge()}` : 'Bearer',
        'cache-control': 'no-store',
      },
      body: '',
    };
  const claims = await verifyIssuedToken(deps, issuer, token.value);
  if (!claims)
    return unauthorized('invalid_token', 'the access token is invalid, expired or revoked');
  const refused = await boundTokenRefusal(req, issuer, deps, { ...token, claims });
  if (refused) return refused;
  const mapping = { ...DEFAULT_CLAIMS_MAPPING, ...issuer.mapping };
  const clientId = typeof claims.client_id === 'string' ? claims.client_id : undefined;
  // OIDC Core §5.3: UserInfo serves tokens of an OpenID request, i.e. with the openid scope.
  if (!scopesOf(claims, mapping.scopeClaim).includes('openid')) {
    const description = 'the access token lacks the openid scope';
    return {
      ...json(
        403,
        { error: 'insufficient_scope', error_description: description },
        {
          'www-authenticate': `Bearer error="insufficient_scope", error_description="${description}", scope="openid"`,
        },
      ),
      clientId,
    };
  }
  const info: Record<string, unknown> = { sub: claims.sub };
  const users = deps.settings.users;
  const name =
    typeof claims.preferred_username === 'string' ? claims.preferred_username : String(claims.sub);
  const [username, user] = users.has(name)
    ? [name, users.get(name)]
    : ([...users.entries()].find(([, u]) => u.sub === claims.sub) ?? []);
  if (user?.name) info.name = user.name;
  if (user?.email) info.email = user.email;
  // The id_token's preferred_username is the sign-in name: a configured user's key, else the sub
  // (an unconfigured name is its own sub). A client's own token (sub = its client id) has no user.
  const ownToken = [claims.client_id, claims.azp, claims.cid].includes(claims.sub);
  const preferred = username ?? (ownToken ? undefined : name);
  if (preferred !== undefined) info.preferred_username = preferred;
  for (const pointer of [mapping.tenantClaim, mapping.rolesClaim]) {
    const value = getAtPointer(claims, pointer);
    if (value !== undefined) setAtPointer(info, pointer, value);
  }
  return { ...json(200, info), clientId };
}

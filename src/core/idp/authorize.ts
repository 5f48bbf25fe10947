import { checkRedirectUri, checkScopes, lookupClient } from './clients.js';
import { LOGIN_REQUIRED, oidcRequestError, pkceError, promptsOf } from './authorize-request.js';
import { authorizationResponse, responseModeOf } from './form-post.js';
import {
  OAuthError,
  escapeHtml,
  fromAnotherSite,
  html,
  invalidRequest,
  splitScopes,
} from './http.js';
import { dpopFeature } from './dpop.js';
import { CARRIED_PARAMS, loginPage, parseExtraClaims } from './login-page.js';
import { layoutPage } from './page.js';
import { repeatedParamsMessage } from './params.js';
import { randomToken } from './store.js';
import { claimsFromRequest } from './request-claims.js';
import { requestedAudience } from './resource.js';
import type { IdpDeps, IdpRequest, IdpResponse, IssuerContext } from './types.js';
import { userPrincipal } from './users.js';

function errorPage(status: number, message: string): IdpResponse {
  return html(
    status,
    layoutPage(
      'Cannot sign in',
      `<p role="alert">${escapeHtml(message)}</p><p>This error is shown here instead of being sent to the client because the redirect URI could not be trusted.</p>`,
    ),
  );
}

type Params = Record<string, string>;
type Client = ReturnType<typeof lookupClient>;
/** An error for the client, sent to its redirect URI: `[error, error_description]`. */
type Refusal = readonly [string, string];

/** One authorization request whose redirect URI is trusted, for the stages below. */
interface Authorization {
  req: IdpRequest;
  issuer: IssuerContext;
  deps: IdpDeps;
  params: Params;
  clientId: string;
  client: Client;
  redirectUri: string;
  mode: NonNullable<ReturnType<typeof responseModeOf>>;
}

/**
 * Authorization endpoint (code flow + PKCE). GET shows the login page; POST (the form) issues
 * the code and redirects. Errors before the redirect URI is trusted are shown, never redirected.
 */
export async function authorizeEndpoint(
  req: IdpRequest,
  issuer: IssuerContext,
  deps: IdpDeps,
): Promise<IdpResponse> {
  const params: Params =
    req.method === 'POST' ? req.body : Object.fromEntries(req.url.searchParams);
  const clientId = params.client_id;
  let client: Client;
  let redirectUri: string;
  try {
    // A repeated client_id or redirect_uri leaves no redirect URI to trust: show the error (RFC 6749 §4.1.2.1).
    const untrusted = req.repeated.filter(
      (name) => name === 'client_id' || name === 'redirect_uri',
    );
    if (untrusted.length) throw invalidRequest(repeatedParamsMessage(untrusted));
    client = lookupClient(clientId, deps);
    redirectUri = checkRedirectUri(client, clientId!, params.redirect_uri);
  } catch (error) {
    if (error instanceof OAuthError) return { ...errorPage(400, error.description), clientId };
    throw error;
  }
  // An unsupported response_mode is itself reported the default way (query).
  const mode = responseModeOf(params.response_mode) ?? 'query';
  const auth: Authorization = {
    ...{ req, issuer, deps, params, client, redirectUri, mode },
    clientId: clientId!,
  };
  try {
    const refusal = requestRefusal(auth);
    return refusal ? refuse(auth, refusal) : await signIn(auth);
  } catch (error) {
    if (error instanceof OAuthError) return refuse(auth, [error.error, error.description]);
    throw error;
  }
}

function refuse({ redirectUri, params, issuer, mode, clientId }: Authorization, r: Refusal) {
  const response = { error: r[0], error_description: r[1], state: params.state, iss: issuer.url };
  return { ...authorizationResponse(redirectUri, response, mode), clientId };
}

/** What is wrong with the request itself (parameters, response type, grant, PKCE), if anything. */
function requestRefusal({ req, params, client, clientId }: Authorization): Refusal | undefined {
  if (req.repeated.length) return ['invalid_request', repeatedParamsMessage(req.repeated)];
  const oidcError = oidcRequestError(params);
  if (oidcError) return oidcError;
  if (params.response_type !== 'code')
    return ['unsupported_response_type', 'only response_type=code is supported'];
  if (client?.grants && !client.grants.includes('authorization_code'))
    return ['unauthorized_client', `client "${clientId}" may not use the authorization_code grant`];
  return pkceError(params, Boolean(client?.pkce_plain));
}

/**
 * The login page, or the signed-in user's code. Only the login form on this page can sign in. A
 * POST from another site is an authorization request (OIDC allows POST) or a login CSRF: either
 * way it gets the page, never a code.
 */
async function signIn(auth: Authorization): Promise<IdpResponse> {
  const { req, issuer, deps, params, client, clientId } = auth;
  const requested = splitScopes(params.scope);
  checkScopes(client, clientId, requested);
  const claims = claimsFromRequest(params.authctl_claims, req, deps, issuer);
  const audience = requestedAudience(req.lists);
  if (req.method !== 'POST' || fromAnotherSite(req.headers, issuer.url)) {
    if (promptsOf(params).includes('none')) return refuse(auth, LOGIN_REQUIRED);
    return showLogin(auth, 200, {
      selected: params.login_hint ?? [...deps.settings.users.keys()][0],
    });
  }
  if (params.action === 'deny')
    return refuse(auth, ['access_denied', 'the user denied the request']);
  const username = (params.username ?? '').trim();
  if (!username) return showLogin(auth, 400, { error: 'Enter a user name.' });
  const extra = parseExtraClaims(params.extra_claims, issuer.mapping.scopeClaim ?? 'scope');
  if (extra.error)
    return showLogin(auth, 400, {
      selected: username,
      error: extra.error,
      extraClaims: params.extra_claims,
    });
  const granted =
    params.scope_granted !== undefined ? splitScopes(params.scope_granted) : requested;
  checkScopes(client, clientId, granted);
  const principal = userPrincipal(username, deps.settings.users.get(username), granted, {
    tenant: params.tenant !== undefined ? params.tenant.trim() || undefined : undefined,
    roles: params.roles !== undefined ? splitScopes(params.roles) : undefined,
    claims: { ...claims, ...extra.claims },
  });
  if (extra.claims) principal.loginClaims = extra.claims;
  // openid must survive even if the form dropped it: the client asked for an ID token.
  if (requested.includes('openid') && !principal.scopes.includes('openid'))
    principal.scopes.unshift('openid');
  return issueCode(auth, principal, audience);
}

function showLogin(
  { req, issuer, deps, params, clientId }: Authorization,
  status: number,
  extra: { selected?: string; error?: string; extraClaims?: string },
): IdpResponse {
  const page = loginPage({
    params: pick(params),
    lists: req.lists,
    users: deps.settings.users,
    issuerUrl: issuer.url,
    pageUrl: loginPageUrl(req.url, params, req.lists),
    ...extra,
  });
  return { ...html(status, page), clientId };
}

/** Stores a single-use code bound to client, redirect URI and PKCE, and redirects with it. */
async function issueCode(
  auth: Authorization,
  principal: ReturnType<typeof userPrincipal>,
  audience: string[] | undefined,
): Promise<IdpResponse> {
  const { issuer, deps, params, clientId, redirectUri, mode } = auth;
  const code = randomToken();
  const now = deps.clock.now();
  await deps.store.putCode(code, {
    clientId,
    issuerId: issuer.id,
    redirectUri,
    principal,
    nonce: params.nonce,
    codeChallenge: params.code_challenge!,
    codeChallengeMethod: (params.code_challenge_method ?? 'plain') as 'S256' | 'plain',
    expiresAt: now + deps.settings.codeTtlSeconds * 1000,
    authTime: now,
    family: randomToken(12),
    audience,
    // RFC 9449 §10: the code is for the key the client named (ignored while DPoP is off).
    ...(params.dpop_jkt && dpopFeature(deps) ? { dpopJkt: params.dpop_jkt } : {}),
  });
  return {
    ...authorizationResponse(redirectUri, { code, state: params.state, iss: issuer.url }, mode),
    clientId,
  };
}

/** The authorize URL with the carried parameters (a POST has them in its body), for the "fill as" links. */
function loginPageUrl(
  requestUrl: URL,
  params: Record<string, string>,
  lists: Record<string, string[]>,
): URL {
  const url = new URL(requestUrl);
  for (const [name, value] of Object.entries(pick(params))) url.searchParams.set(name, value);
  for (const [name, values] of Object.entries(lists)) {
    url.searchParams.delete(name);
    for (const value of values) url.searchParams.append(name, value);
  }
  url.searchParams.delete('login_hint');
  // prompt is not carried: the login form was shown, so its own links are interactive by definition.
  url.searchParams.delete('prompt');
  return url;
}

function pick(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of CARRIED_PARAMS) if (params[name] !== undefined) out[name] = params[name]!;
  return out;
}

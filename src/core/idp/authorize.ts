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
import { CARRIED_PARAMS, loginPage } from './login-page.js';
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

/**
 * Authorization endpoint (code flow + PKCE). GET shows the login page; POST (the form) issues
 * the code and redirects. Errors before the redirect URI is trusted are shown, never redirected.
 */
export async function authorizeEndpoint(
  req: IdpRequest,
  issuer: IssuerContext,
  deps: IdpDeps,
): Promise<IdpResponse> {
  const params: Record<string, string> =
    req.method === 'POST' ? req.body : Object.fromEntries(req.url.searchParams);
  const clientId = params.client_id;
  let client;
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
  const fail = (error: string, description: string) => ({
    ...authorizationResponse(
      redirectUri,
      { error, error_description: description, state: params.state, iss: issuer.url },
      mode,
    ),
    clientId,
  });
  try {
    if (req.repeated.length) return fail('invalid_request', repeatedParamsMessage(req.repeated));
    const oidcError = oidcRequestError(params);
    if (oidcError) return fail(...oidcError);
    if (params.response_type !== 'code')
      return fail('unsupported_response_type', 'only response_type=code is supported');
    if (client?.grants && !client.grants.includes('authorization_code'))
      return fail(
        'unauthorized_client',
        `client "${clientId}" may not use the authorization_code grant`,
      );
    const pkce = pkceError(params, Boolean(client?.pkce_plain));
    if (pkce) return fail(...pkce);
    const method = (params.code_challenge_method ?? 'plain') as 'S256' | 'plain';
    const requested = splitScopes(params.scope);
    checkScopes(client, clientId!, requested);
    const claims = claimsFromRequest(params.authctl_claims, req, deps, issuer);
    const audience = requestedAudience(req.lists);

    // Only the login form on this page can sign in. A POST from another site is an authorization
    // request (OIDC allows POST) or a login CSRF: either way it gets the page, never a code.
    const pageUrl = loginPageUrl(req.url, params, req.lists);
    if (req.method !== 'POST' || fromAnotherSite(req.headers, issuer.url)) {
      if (promptsOf(params).includes('none')) return fail(...LOGIN_REQUIRED);
      const hint = params.login_hint ?? [...deps.settings.users.keys()][0];
      return {
        ...html(
          200,
          loginPage({
            params: pick(params),
            lists: req.lists,
            users: deps.settings.users,
            selected: hint,
            issuerUrl: issuer.url,
            pageUrl,
          }),
        ),
        clientId,
      };
    }
    if (params.action === 'deny') return fail('access_denied', 'the user denied the request');
    const username = (params.username ?? '').trim();
    if (!username)
      return {
        ...html(
          400,
          loginPage({
            params: pick(params),
            lists: req.lists,
            users: deps.settings.users,
            issuerUrl: issuer.url,
            pageUrl,
            error: 'Enter a user name.',
          }),
        ),
        clientId,
      };
    const granted =
      params.scope_granted !== undefined ? splitScopes(params.scope_granted) : requested;
    checkScopes(client, clientId!, granted);
    const user = deps.settings.users.get(username);
    const principal = userPrincipal(username, user, granted, {
      tenant: params.tenant !== undefined ? params.tenant.trim() || undefined : undefined,
      roles: params.roles !== undefined ? splitScopes(params.roles) : undefined,
      claims: claims ?? {},
    });
    // openid must survive even if the form dropped it: the client asked for an ID token.
    if (requested.includes('openid') && !principal.scopes.includes('openid'))
      principal.scopes.unshift('openid');
    const code = randomToken();
    const now = deps.clock.now();
    deps.store.codes.set(code, {
      clientId: clientId!,
      issuerId: issuer.id,
      redirectUri,
      principal,
      nonce: params.nonce,
      codeChallenge: params.code_challenge!,
      codeChallengeMethod: method,
      expiresAt: now + deps.settings.codeTtlSeconds * 1000,
      authTime: now,
      family: randomToken(12),
      audience,
    });
    return {
      ...authorizationResponse(redirectUri, { code, state: params.state, iss: issuer.url }, mode),
      clientId,
    };
  } catch (error) {
    if (error instanceof OAuthError) return fail(error.error, error.description);
    throw error;
  }
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

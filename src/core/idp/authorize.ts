import { checkRedirectUri, checkScopes, lookupClient } from './clients.js';
import { OAuthError, escapeHtml, fromAnotherSite, html, redirect, splitScopes } from './http.js';
import { CARRIED_PARAMS, loginPage } from './login-page.js';
import { layoutPage } from './page.js';
import { randomToken } from './store.js';
import { claimsFromRequest } from './request-claims.js';
import type { IdpDeps, IdpRequest, IdpResponse, IssuerContext } from './types.js';
import { userPrincipal } from './users.js';

function errorPage(status: number, message: string): IdpResponse {
  return html(status, layoutPage('Cannot sign in', `<p role="alert">${escapeHtml(message)}</p><p>This error is shown here instead of being sent to the client because the redirect URI could not be trusted.</p>`));
}

function redirectWithError(redirectUri: string, error: string, description: string, state: string | undefined, issuer: string): IdpResponse {
  const url = new URL(redirectUri);
  url.searchParams.set('error', error);
  url.searchParams.set('error_description', description);
  if (state !== undefined) url.searchParams.set('state', state);
  url.searchParams.set('iss', issuer);
  return redirect(url.toString());
}

/**
 * Authorization endpoint (code flow + PKCE). GET shows the login page; POST (the form) issues
 * the code and redirects. Errors before the redirect URI is trusted are shown, never redirected.
 */
export async function authorizeEndpoint(req: IdpRequest, issuer: IssuerContext, deps: IdpDeps): Promise<IdpResponse> {
  const params: Record<string, string> = req.method === 'POST' ? req.body : Object.fromEntries(req.url.searchParams);
  const clientId = params.client_id;
  let client;
  let redirectUri: string;
  try {
    client = lookupClient(clientId, deps);
    redirectUri = checkRedirectUri(client, clientId!, params.redirect_uri);
  } catch (error) {
    if (error instanceof OAuthError) return { ...errorPage(400, error.description), clientId };
    throw error;
  }
  const fail = (error: string, description: string) => ({ ...redirectWithError(redirectUri, error, description, params.state, issuer.url), clientId });
  try {
    if (params.response_type !== 'code') return fail('unsupported_response_type', 'only response_type=code is supported');
    if (client?.grants && !client.grants.includes('authorization_code')) return fail('unauthorized_client', `client "${clientId}" may not use the authorization_code grant`);
    if (!params.code_challenge) return fail('invalid_request', 'PKCE is required: send code_challenge and code_challenge_method=S256');
    const method = params.code_challenge_method ?? 'plain';
    if (method !== 'S256' && method !== 'plain') return fail('invalid_request', `unknown code_challenge_method "${method}"`);
    if (method === 'plain' && !client?.pkce_plain) return fail('invalid_request', 'code_challenge_method=plain is refused; use S256 (or set pkce_plain = true for this client)');
    // RFC 7636 §4.2: a padded or hex challenge could never match any verifier; say so now.
    if (method === 'S256' && !/^[A-Za-z0-9_-]{43}$/.test(params.code_challenge)) return fail('invalid_request', 'code_challenge for S256 must be 43 characters of base64url without padding: BASE64URL(SHA256(code_verifier))');
    if (method === 'plain' && !/^[A-Za-z0-9._~-]{43,128}$/.test(params.code_challenge)) return fail('invalid_request', 'a plain code_challenge must be 43-128 characters of [A-Za-z0-9._~-]');
    const requested = splitScopes(params.scope);
    checkScopes(client, clientId!, requested);
    const claims = claimsFromRequest(params.authctl_claims, req, deps, issuer);

    // Only the login form on this page can sign in. A POST from another site is an authorization
    // request (OIDC allows POST) or a login CSRF: either way it gets the page, never a code.
    const pageUrl = loginPageUrl(req.url, params);
    if (req.method !== 'POST' || fromAnotherSite(req.headers, issuer.url)) {
      const hint = params.login_hint ?? [...deps.settings.users.keys()][0];
      return { ...html(200, loginPage({ params: pick(params), users: deps.settings.users, selected: hint, issuerUrl: issuer.url, pageUrl })), clientId };
    }
    if (params.action === 'deny') return fail('access_denied', 'the user denied the request');
    const username = (params.username ?? '').trim();
    if (!username) return { ...html(400, loginPage({ params: pick(params), users: deps.settings.users, issuerUrl: issuer.url, pageUrl, error: 'Enter a user name.' })), clientId };
    const granted = params.scope_granted !== undefined ? splitScopes(params.scope_granted) : requested;
    checkScopes(client, clientId!, granted);
    const user = deps.settings.users.get(username);
    const principal = userPrincipal(username, user, granted, {
      tenant: params.tenant !== undefined ? params.tenant.trim() || undefined : undefined,
      roles: params.roles !== undefined ? splitScopes(params.roles) : undefined,
      claims: claims ?? {},
    });
    // openid must survive even if the form dropped it: the client asked for an ID token.
    if (requested.includes('openid') && !principal.scopes.includes('openid')) principal.scopes.unshift('openid');
    const code = randomToken();
    const now = deps.clock.now();
    deps.store.codes.set(code, {
      clientId: clientId!, issuerId: issuer.id, redirectUri, principal, nonce: params.nonce,
      codeChallenge: params.code_challenge, codeChallengeMethod: method, expiresAt: now + deps.settings.codeTtlSeconds * 1000,
      authTime: now, family: randomToken(12),
    });
    const url = new URL(redirectUri);
    url.searchParams.set('code', code);
    if (params.state !== undefined) url.searchParams.set('state', params.state);
    url.searchParams.set('iss', issuer.url);
    return { ...redirect(url.toString()), clientId };
  } catch (error) {
    if (error instanceof OAuthError) return fail(error.error, error.description);
    throw error;
  }
}

/** The authorize URL with the carried parameters (a POST has them in its body), for the "fill as" links. */
function loginPageUrl(requestUrl: URL, params: Record<string, string>): URL {
  const url = new URL(requestUrl);
  for (const [name, value] of Object.entries(pick(params))) url.searchParams.set(name, value);
  url.searchParams.delete('login_hint');
  return url;
}

function pick(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of CARRIED_PARAMS) if (params[name] !== undefined) out[name] = params[name]!;
  return out;
}

import { isLoopbackUri } from './clients.js';
import { escapeHtml, html, redirect } from './http.js';
import { layoutPage } from './page.js';
import type { IdpDeps, IdpRequest, IdpResponse, IssuerContext } from './types.js';

/** RP-initiated logout: redirect to a registered (or, zero-config, loopback) post_logout_redirect_uri. */
export function endSessionEndpoint(
  req: IdpRequest,
  _issuer: IssuerContext,
  deps: IdpDeps,
): IdpResponse {
  const params: Record<string, string> =
    req.method === 'POST' ? req.body : Object.fromEntries(req.url.searchParams);
  const target = params.post_logout_redirect_uri;
  if (!target)
    return html(200, layoutPage('Signed out', '<p>You are signed out of the mock issuer.</p>'));
  const clientId = params.client_id;
  const clients = deps.settings.clients;
  const allowed =
    clients.size === 0
      ? isLoopbackUri(target)
      : [...clients.entries()].some(
          ([id, c]) =>
            (!clientId || id === clientId) &&
            [...(c.post_logout_redirect_uris ?? []), ...(c.redirect_uris ?? [])].includes(target),
        );
  if (!allowed)
    return html(
      400,
      layoutPage(
        'Cannot sign out',
        `<p role="alert">post_logout_redirect_uri <code>${escapeHtml(target)}</code> is not registered.</p>`,
      ),
    );
  const url = new URL(target);
  if (params.state !== undefined) url.searchParams.set('state', params.state);
  return { ...redirect(url.toString()), clientId };
}

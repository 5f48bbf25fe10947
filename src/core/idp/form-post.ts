import { createHash } from 'node:crypto';
import { PAGE_CSP, escapeHtml, html, redirect } from './http.js';
import { layoutPage } from './page.js';
import type { IdpResponse } from './types.js';

/** How the authorization response reaches the client: `query` (default for code) or OAuth 2.0 Form Post. */
export type ResponseMode = 'query' | 'form_post';
export const RESPONSE_MODES: readonly ResponseMode[] = ['query', 'form_post'];

/**
 * The only script any page of the issuer runs. The CSP allows exactly this text by its hash
 * (no nonce to thread through, no 'unsafe-inline'); without JavaScript the button submits.
 */
const SUBMIT_SCRIPT = 'document.forms[0].submit();';
const SUBMIT_SCRIPT_HASH = `'sha256-${createHash('sha256').update(SUBMIT_SCRIPT).digest('base64')}'`;

/** The response mode asked for, or undefined when it is one this issuer does not support. */
export function responseModeOf(value: string | undefined): ResponseMode | undefined {
  if (value === undefined) return 'query';
  return (RESPONSE_MODES as readonly string[]).includes(value)
    ? (value as ResponseMode)
    : undefined;
}

/** Sends `fields` (code or error, state, iss) to the redirect URI: a 302 with a query, or an auto-submitting form. */
export function authorizationResponse(
  redirectUri: string,
  fields: Record<string, string | undefined>,
  mode: ResponseMode,
): IdpResponse {
  const present = Object.entries(fields).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
  if (mode === 'form_post') return formPostPage(redirectUri, present);
  const url = new URL(redirectUri);
  for (const [name, value] of present) url.searchParams.set(name, value);
  return redirect(url.toString());
}

/** OAuth 2.0 Form Post Response Mode §2: an HTML form POSTed to the redirect URI by the user agent. */
function formPostPage(redirectUri: string, fields: [string, string][]): IdpResponse {
  const hidden = fields
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join('\n');
  const body = `<form method="post" action="${escapeHtml(redirectUri)}">
${hidden}
<noscript><p>JavaScript is off: continue to the application yourself.</p><div class="actions"><button type="submit" class="primary">Continue</button></div></noscript>
</form>
<script>${SUBMIT_SCRIPT}</script>`;
  return html(200, layoutPage('Returning to the application', body), {
    'content-security-policy': `${PAGE_CSP}; script-src ${SUBMIT_SCRIPT_HASH}`,
  });
}

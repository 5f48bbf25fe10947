import type { IncomingHttpHeaders } from 'node:http';
import { memoized } from '../memo.js';
import type { IdpResponse } from './types.js';

export function json(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): IdpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(value),
  };
}

/**
 * The pages have no script (form_post adds one, by hash): the CSP says so (an escaping slip cannot run code) and
 * refuses framing, so the login form cannot be clickjacked. No form-action: the login POST
 * must be able to redirect to the client's redirect_uri.
 */
export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'none'";

const PAGE_HEADERS = Object.freeze({
  'content-security-policy': PAGE_CSP,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
});

export function html(
  status: number,
  body: string,
  headers: Record<string, string> = {},
): IdpResponse {
  return {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      ...PAGE_HEADERS,
      ...headers,
    },
    body,
  };
}

/** `application/json` or `application/*+json` by media type, ignoring parameters (`text/plain; x=application/json` is not JSON). */
export function isJsonType(contentType: string | undefined): boolean {
  return contentType !== undefined && jsonType(contentType);
}

const jsonType = memoized((contentType: string) => {
  const essence = contentType.split(';')[0]!.trim().toLowerCase();
  return essence === 'application/json' || /^application\/[\w.+-]+\+json$/.test(essence);
});

/** 127.0.0.0/8, ::1 and localhost (bracketed IPv6 accepted, as in URLs and Host headers). */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return /^127(\.\d{1,3}){3}$/.test(name) || name === '::1' || name === 'localhost';
}

/**
 * Whether a request's Host header names this issuer: a loopback name or the published URL's host.
 * A page on a rebinding domain (evil.example resolving to 127.0.0.1) sends its own name and is refused.
 */
export function addressedToUs(hostHeader: string | undefined, publishedUrl: string): boolean {
  if (!hostHeader) return true;
  let hostname: string;
  try {
    hostname = new URL(`http://${hostHeader}`).hostname;
  } catch {
    return false;
  }
  return isLoopbackHost(hostname) || hostname === new URL(publishedUrl).hostname;
}

/**
 * A browser request sent from a page of another site (CSRF). Browsers say so in `Sec-Fetch-Site`;
 * older ones only send `Origin`, which must then name the host the request went to or the published
 * issuer (behind a proxy). Scripts and CLIs send neither header, so they are never refused.
 */
export function fromAnotherSite(headers: IncomingHttpHeaders, publishedUrl?: string): boolean {
  const site = headers['sec-fetch-site'];
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  const origin = headers.origin;
  if (origin === undefined) return false;
  try {
    const from = new URL(origin);
    return (
      from.host !== headers.host && (!publishedUrl || from.origin !== new URL(publishedUrl).origin)
    );
  } catch {
    return true; // "null": a sandboxed or opaque origin
  }
}

export function redirect(location: string): IdpResponse {
  return { status: 302, headers: { location, 'cache-control': 'no-store' } };
}

/** An OAuth error whose status and error code go together (RFC 6749 §5.2). */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
  }

  response(): IdpResponse {
    return json(
      this.status,
      { error: this.error, error_description: this.description },
      this.headers,
    );
  }
}

export const invalidRequest = (description: string) =>
  new OAuthError(400, 'invalid_request', description);
export const invalidGrant = (description: string) =>
  new OAuthError(400, 'invalid_grant', description);
export const invalidScope = (description: string) =>
  new OAuthError(400, 'invalid_scope', description);
export const unauthorizedClient = (description: string) =>
  new OAuthError(400, 'unauthorized_client', description);
/** 401 + WWW-Authenticate when the client tried HTTP Basic (RFC 6749 §5.2). */
export const invalidClient = (description: string, basic = false) =>
  new OAuthError(
    401,
    'invalid_client',
    description,
    basic ? { 'www-authenticate': 'Basic realm="authctl"' } : {},
  );

/** Space-delimited scope parameter → list (deduplicated, order kept). */
export function splitScopes(value: string | undefined): string[] {
  return [...new Set((value ?? '').split(/[\s,]+/).filter(Boolean))];
}

export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

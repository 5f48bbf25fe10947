import { maskHeaderValue, redactSecrets } from '../mask.js';
import { maskRequest, redact } from './curl.js';
import type { ProbeRequest, ProbeResponse } from './http.js';

/** How much of a response body a report quotes: enough for an error_description, never a page. */
export const BODY_QUOTE_BYTES = 300;

/** One request and its answer as reports show them: every credential masked. */
export interface ProbeExchange {
  request: { method: string; url: string; headers: Record<string, string> };
  response: { status: number; headers: Record<string, string>; body: string };
}

/** The start of a body, secrets masked, on one line (a body may echo the token it was sent). */
export function quoteBody(body: string, secrets: readonly string[]): string {
  const text = redactSecrets(redact(body, secrets)).replace(/\s+/g, ' ').trim();
  return text.length > BODY_QUOTE_BYTES ? `${text.slice(0, BODY_QUOTE_BYTES)}…` : text;
}

/** Response headers with credentials masked (Set-Cookie, echoed Authorization, anything secret-named). */
export function maskResponseHeaders(
  headers: Record<string, string>,
  secrets: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    // Date changes on every run and tells nothing about auth: left out, so reports compare run to run.
    if (name.toLowerCase() !== 'date')
      out[name] = redactSecrets(redact(maskHeaderValue(name, value), secrets));
  return out;
}

/** Built for findings and control failures only: a run's passing cases keep no copy of their answers. */
export function exchangeOf(
  baseUrl: string,
  c: { request: ProbeRequest; secrets: readonly string[] },
  res: ProbeResponse,
): ProbeExchange {
  const masked = maskRequest(c.request, c.secrets);
  return {
    request: {
      method: masked.method,
      url: baseUrl.replace(/\/+$/, '') + masked.path,
      headers: masked.headers,
    },
    response: {
      status: res.status,
      headers: maskResponseHeaders(res.headers, c.secrets),
      body: quoteBody(res.body, c.secrets),
    },
  };
}

/** What a refused control shows: the service's own reason (WWW-Authenticate) and the start of its body. */
export function controlEvidence(c: { secrets: readonly string[] }, res: ProbeResponse) {
  const header = res.headers['www-authenticate'];
  const body = quoteBody(res.body, c.secrets);
  return {
    ...(header ? { wwwAuthenticate: maskResponseHeaders({ h: header }, c.secrets).h } : {}),
    ...(body ? { body } : {}),
  };
}

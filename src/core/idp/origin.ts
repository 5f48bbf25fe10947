import type { IncomingHttpHeaders } from 'node:http';
import { usageError } from '../errors.js';
import { isIP } from 'node:net';
import { addressedToUs, isLoopbackHost, json } from './http.js';
import type { IdpRequest, IdpResponse, IdpSettings } from './types.js';

/**
 * Which web pages may read the issuer's answers (CORS) and send it authctl_claims: pages served from
 * a loopback host (any port: the developer's own apps), the issuer's published origin, and the
 * origins configured with `--cors-origin` / `[idp] cors_origins`. Any other site may still *send* a
 * simple request (browsers allow that), but cannot read the answer or choose claims.
 */
export function isAllowedOrigin(
  origin: string | undefined,
  settings: Pick<IdpSettings, 'baseUrl' | 'corsOrigins'>,
): boolean {
  if (!origin || origin === 'null') return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (isLoopbackHost(url.hostname)) return true;
  return (
    url.origin === new URL(settings.baseUrl).origin ||
    (settings.corsOrigins ?? []).includes(url.origin)
  );
}

/**
 * A request a browser sent for a page of a site that is not allowed: its Origin is not allowed, or it
 * carries no Origin (a link, a top-level navigation) but Sec-Fetch-Site says cross-site. The
 * browser's own `Sec-Fetch-Site: same-origin` wins over `Origin: null`, which is what a form POST
 * from the login page sends (its Referrer-Policy is no-referrer). Scripts, curl and tests send
 * neither header.
 */
export function fromDisallowedSite(
  headers: IncomingHttpHeaders,
  settings: Pick<IdpSettings, 'baseUrl' | 'corsOrigins' | 'loopbackOnly'>,
): boolean {
  const site = headers['sec-fetch-site'];
  // Off loopback the Host check does not run (LAN peers and containers use any name), so a page on
  // a rebinding domain is "same-origin" to its browser: trust that only for a Host that is an IP
  // literal, a loopback name or the published issuer host.
  if (
    !settings.loopbackOnly &&
    (site !== undefined || headers.origin !== undefined) &&
    !addressedToUs(headers.host, settings.baseUrl) &&
    !isIpLiteralHost(headers.host)
  )
    return true;
  if (site === 'same-origin' || site === 'none') return false;
  const origin = headers.origin;
  if (origin !== undefined) return !isAllowedOrigin(origin, settings);
  return site === 'cross-site';
}

/** `--cors-origin` / `[idp] cors_origins` values as origins (`https://app.example:8443`); anything else is a usage error. */
export function parseCorsOrigins(values: string[] | undefined, where: string): string[] {
  return (values ?? []).map((value) => {
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      // reported below
    }
    if (
      !url ||
      (url.protocol !== 'http:' && url.protocol !== 'https:') ||
      url.origin !== value.replace(/\/$/, '')
    ) {
      throw usageError('ERR_BAD_ORIGIN', `"${value}" is not a web origin`, {
        where,
        hint: 'give scheme, host and port only, e.g. {{corsOrigin}} https://app.example:8443 (no path, no "*")',
      });
    }
    return url.origin;
  });
}

/**
 * While the server listens on loopback only, every request must be addressed to a loopback name or
 * the published issuer host: a page on a rebinding domain (evil.example → 127.0.0.1) is refused
 * before it reaches the login form, /token or the control API.
 */
export function misaddressed(
  req: Pick<IdpRequest, 'headers'>,
  settings: IdpSettings,
): IdpResponse | undefined {
  if (!settings.loopbackOnly || hostAnswered(req.headers.host, settings.baseUrl)) return undefined;
  return json(403, {
    error: 'access_denied',
    error_description: `this issuer answers only requests addressed to ${new URL(settings.baseUrl).host} or a loopback name (Host "${String(req.headers.host).slice(0, 100)}" refused: DNS rebinding protection)`,
  });
}

/**
 * addressedToUs, remembered per published URL and Host header (it parses two URLs, a tenth of a
 * discovery request's cost, and a client sends the same Host on every request). Maps by value, not
 * a composite string key: no string is built per request. Bounded like `memoized`.
 */
const judgedHosts = new Map<string, Map<string | undefined, boolean>>();
function hostAnswered(host: string | undefined, baseUrl: string): boolean {
  let judged = judgedHosts.get(baseUrl);
  if (!judged) judgedHosts.set(baseUrl, (judged = new Map()));
  let answer = judged.get(host);
  if (answer === undefined) {
    answer = addressedToUs(host, baseUrl);
    if (judged.size >= 256) judged.clear();
    judged.set(host, answer);
  }
  return answer;
}

/**
 * Browser clients (Swagger UI's PKCE login, SPAs) call discovery, JWKS and the token endpoint
 * cross-origin, as they do with real IdPs: allowed origins get CORS headers, without cookies.
 */
export function withCors(
  req: Pick<IdpRequest, 'headers'>,
  response: IdpResponse,
  settings: IdpSettings,
): IdpResponse {
  const origin = req.headers.origin;
  if (origin === undefined) return response;
  const vary = { ...response.headers, vary: 'Origin' };
  if (!isAllowedOrigin(origin, settings)) return origin ? { ...response, headers: vary } : response;
  return {
    ...response,
    headers: {
      ...vary,
      'access-control-allow-origin': origin!,
      // DPoP-Nonce (RFC 9449 §8): a browser client must read the nonce to retry with it.
      'access-control-expose-headers': 'www-authenticate, dpop-nonce',
    },
  };
}

export function preflight(req: IdpRequest, settings: IdpSettings): IdpResponse {
  const headers: Record<string, string> = { vary: 'Origin' };
  if (isAllowedOrigin(req.headers.origin, settings)) {
    Object.assign(headers, {
      'access-control-allow-origin': req.headers.origin,
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': String(
        req.headers['access-control-request-headers'] ?? 'authorization, content-type',
      ),
      'access-control-max-age': '600',
    });
  }
  return { status: 204, headers };
}

/** `10.0.0.5:9400` or `[fd00::1]:9400`: a name no DNS rebinding can stand behind. */
function isIpLiteralHost(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  try {
    return isIP(new URL(`http://${hostHeader}`).hostname.replace(/^\[|\]$/g, '')) !== 0;
  } catch {
    return false;
  }
}

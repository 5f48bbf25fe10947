import type { IncomingMessage, ServerResponse } from 'node:http';
import { authorizeEndpoint } from './authorize.js';
import { maskedPath, printable, type CaptureHold } from './capture.js';
import { controlUnauthorized } from './control-auth.js';
import { controlEndpoint } from './control.js';
import { deviceAuthorizationEndpoint, devicePage } from './device.js';
import { cachedDocument, discovery } from './documents.js';
import { endSessionEndpoint } from './end-session.js';
import { parseBody, readBody } from './body.js';
import { OAuthError, fromAnotherSite, invalidRequest, json } from './http.js';
import { misaddressed, preflight, withCors } from './origin.js';
import { isFormType, parseParams, repeatedParamsMessage } from './params.js';
import { introspectEndpoint } from './introspect.js';
import { jwksEndpoint } from './jwks.js';
import {
  issuerEndpointPath,
  issuerEndpointUrl,
  routesOf,
  SERVER_PATHS,
  type EndpointName,
  type Route,
} from './paths.js';
import { revokeEndpoint } from './revoke.js';
import { loadSharedState } from './store-shared.js';
import { tokenEndpoint } from './token-endpoint.js';
import type { Handler, IdpDeps, IdpRequest, IdpResponse, IssuerContext } from './types.js';
import { userinfoEndpoint } from './userinfo.js';
import { vendorErrorBody } from './vendors/errors.js';
import { VENDORS } from './vendors/index.js';

/** Longest hold of a "timeout" JWKS fault before the server gives up itself. */
const HANG_LIMIT_MS = 5 * 60_000;

const HANDLERS: Readonly<Record<Exclude<EndpointName, 'jwks'>, Handler>> = Object.freeze({
  openidConfiguration: discovery('openid'),
  oauthMetadata: discovery('oauth'),
  token: tokenEndpoint,
  authorize: authorizeEndpoint,
  userinfo: userinfoEndpoint,
  introspect: introspectEndpoint,
  revoke: revokeEndpoint,
  endSession: endSessionEndpoint,
  deviceAuthorization: deviceAuthorizationEndpoint,
  device: devicePage,
});

/** RFC 8414 §3.1 puts the well-known segment before an issuer's path: `/.well-known/oauth-authorization-server/tenant-a`. */
const INSERTED_WELL_KNOWN =
  /^\/\.well-known\/(openid-configuration|oauth-authorization-server)(\/.+)$/;

/** The issuer and endpoint a request path names, from the issuers' vendor maps (paths.ts). */
function route(issuers: IssuerContext[], pathname: string): Route | undefined {
  const inserted = INSERTED_WELL_KNOWN.exec(pathname);
  if (inserted) {
    const endpoint =
      inserted[1] === 'openid-configuration' ? 'openidConfiguration' : 'oauthMetadata';
    const issuerPath = inserted[2]!.replace(/\/+$/, '');
    const issuer = issuers.find(
      (i) =>
        i.path &&
        `${i.path}${VENDORS[i.vendor].issuerSuffix}`.replace(/\/+$/, '') === issuerPath &&
        issuerEndpointPath(i, endpoint) !== undefined,
    );
    if (issuer) return { issuer, endpoint };
  }
  return routesOf(issuers).get(pathname);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the handler returns for an answer it wrote synchronously: one settled promise, shared. */
const ANSWERED: Promise<void> = Promise.resolve();

/**
 * The issuer's request handler, separate from `listen()`: tests can call it with any
 * IncomingMessage/ServerResponse pair, and the server is just `http.createServer(handler)`.
 *
 * A cached document (discovery, JWKS) is answered by this small synchronous function, everything
 * else by `answer`. Kept apart, V8 optimises each on its own: in one async function, the general
 * path's rarer branches (the JWKS's keys.json check every 100 ms takes it) kept sending the
 * optimised fast path back to baseline code (issue #17).
 */
export function createIdpHandler(
  deps: IdpDeps,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const answer = generalPath(deps);
  return (raw, res) => {
    const started = performance.now();
    try {
      const cached = cachedDocument(raw, deps);
      if (!cached) return answer(raw, res, started);
      send(res, cached);
      // An exact route key: already the normalised path, with no query to mask.
      const target = raw.url ?? '/';
      const method = raw.method ?? 'GET';
      record(deps, {
        started,
        method,
        target,
        path: target,
        logged: target,
        raw,
        response: cached,
        hold: 'as-is',
      });
      return ANSWERED;
    } catch (error) {
      // As from an async function: a caller's `.catch(next)` sees it.
      return Promise.reject(error as Error);
    }
  };
}

/** Every request that is not a cached document: parsed, dispatched to its endpoint, answered, recorded. */
function generalPath(
  deps: IdpDeps,
): (raw: IncomingMessage, res: ServerResponse, started: number) => Promise<void> {
  let requests = 0;
  return async (raw, res, started) => {
    const method = raw.method ?? 'GET';
    const target = raw.url ?? '/';
    const url = new URL(target, 'http://authctl.invalid');
    let request: IdpRequest | undefined;
    let response: IdpResponse | 'hang';
    try {
      if (++requests % 1000 === 0) await deps.store.sweep(deps.clock.now());
      request = await readRequest(raw, url, method);
      response = await dispatch(request, deps);
    } catch (error) {
      response =
        error instanceof OAuthError
          ? error.response()
          : json(500, {
              error: 'server_error',
              error_description: error instanceof Error ? error.message : String(error),
            });
    }
    if (response === 'hang') {
      const timer = setTimeout(() => res.destroy(), HANG_LIMIT_MS);
      res.on('close', () => clearTimeout(timer));
    } else {
      send(res, response);
    }
    const logged = maskedPath(url);
    const path = url.pathname;
    record(deps, { started, method, target, path, logged, raw, response, body: request?.body });
  };
}

/** The access log line and the capture entry of one answered request. */
function record(
  deps: IdpDeps,
  seen: {
    started: number;
    method: string;
    target: string;
    /** The normalised path (`/a/../_authctl` is the control API's). */
    path: string;
    /** The path for the log, credentials masked. */
    logged: string;
    raw: IncomingMessage;
    response: IdpResponse | 'hang';
    body?: Record<string, string>;
    /** How the capture holds the entry (a cached document's as-is: see CaptureHold). */
    hold?: CaptureHold;
  },
): void {
  const { method, response } = seen;
  const ms = performance.now() - seen.started;
  const status = response === 'hang' ? 0 : response.status;
  const clientId = response === 'hang' ? undefined : response.clientId;
  // Only the path and the client id come from the client (Node's parser refuses control
  // characters in a method); an exact route key (the cached documents') is ours.
  const logged = seen.logged === seen.target ? seen.logged : printable(seen.logged);
  const client = clientId === undefined ? '-' : printable(clientId);
  deps.log(`${method} ${logged} ${status || 'hang'} ${ms.toFixed(1)}ms client_id=${client}`);
  if (seen.path.startsWith(SERVER_PATHS.control)) return;
  const { headers } = seen.raw;
  deps.capture.add(
    {
      at: Date.now(),
      method,
      target: seen.target,
      headers,
      body: seen.body ?? {},
      status,
      ms,
      clientId,
    },
    seen.hold,
  );
}

/**
 * Writes a response with its Content-Length: without one Node sends the body chunked, a second
 * write per response (issue #17: that framing was most of the gap to a bare server).
 */
function send(res: ServerResponse, response: IdpResponse): void {
  const { body } = response;
  const headers =
    body === undefined || response.headers?.['content-length'] !== undefined
      ? response.headers
      : { ...response.headers, 'content-length': String(Buffer.byteLength(body)) };
  res.writeHead(response.status, headers);
  res.end(body);
}

/** Reads the body and the request's OAuth parameters (a POST's form body, else the query string) once. */
async function readRequest(raw: IncomingMessage, url: URL, method: string): Promise<IdpRequest> {
  const needsBody = method === 'POST' || method === 'PUT' || method === 'DELETE';
  const buffer = needsBody ? await readBody(raw) : Buffer.alloc(0);
  const contentType = raw.headers['content-type'];
  const parsed = parseBody(buffer, contentType);
  const params =
    method === 'POST' ? (parsed.params ?? parseParams('')) : parseParams(url.searchParams);
  return {
    method,
    path: url.pathname,
    url,
    headers: raw.headers,
    body: parsed.form,
    json: parsed.json,
    raw,
    lists: params.lists,
    repeated: params.repeated,
    ...(buffer.length > 0 && !isFormType(contentType)
      ? { nonFormBody: contentType ?? 'no Content-Type' }
      : {}),
  };
}

async function dispatch(req: IdpRequest, deps: IdpDeps): Promise<IdpResponse | 'hang'> {
  const path = req.url.pathname;
  const misdirected = misaddressed(req, deps.settings);
  if (misdirected) return misdirected;
  if (path === SERVER_PATHS.healthz) return json(200, { status: 'ok' });
  if (path === SERVER_PATHS.readyz) return readiness(deps);
  // The clock and faults another replica set apply to this request too (a memory store shares none).
  if (deps.store.sharesState) await loadSharedState(deps);
  if (path === SERVER_PATHS.control || path.startsWith(`${SERVER_PATHS.control}/`))
    return (
      controlRefusal(req, deps) ??
      controlEndpoint({ ...req, path: path.slice(SERVER_PATHS.control.length) || '/' }, deps)
    );
  const found = route(deps.settings.issuers, path);
  if (found && req.method === 'OPTIONS') return preflight(req, deps.settings);
  if (!found) {
    return json(404, {
      error: 'not_found',
      error_description: `no endpoint at ${path}; issuers: ${deps.settings.issuers.map((i) => issuerEndpointUrl(i, 'openidConfiguration')).join(', ')}`,
    });
  }
  return issuerEndpoint(req, deps, found);
}

/** /readyz: the signing keys exist and the store answers (503 naming the store when it does not). */
async function readiness(deps: IdpDeps): Promise<IdpResponse> {
  await Promise.all([deps.keys, ...deps.issuerKeys.values()].map((keys) => keys.current()));
  const store = await deps.store.health();
  const issuers = deps.settings.issuers.map((i) => i.url);
  const shown = { ...store, url: deps.store.description };
  if (!store.ok) return json(503, { status: 'unready', issuers, store: shown });
  return json(200, { status: 'ready', issuers, store: shown });
}

/** Why a control API request is refused before it reaches its route: disabled, no token, CSRF, not JSON. */
function controlRefusal(req: IdpRequest, deps: IdpDeps): IdpResponse | undefined {
  if (!deps.settings.control)
    return json(404, {
      error: 'not_found',
      error_description: 'the control API is disabled (--no-control)',
    });
  const unauthorized = controlUnauthorized(req, deps.settings);
  if (unauthorized) return unauthorized;
  // No page on another site may drive the issuer (CSRF): a form or no-cors fetch needs no preflight.
  if (fromAnotherSite(req.headers, deps.settings.baseUrl))
    return json(403, {
      error: 'access_denied',
      error_description:
        'the control API refuses requests from web pages of other sites; call it from the CLI, curl or a test',
    });
  // JSON only: a web page cannot send that cross-origin without a preflight, which is never allowed here.
  if (req.json === undefined && Object.keys(req.body).length > 0)
    return json(415, {
      error: 'invalid_request',
      error_description: 'the control API takes application/json bodies',
    });
  return undefined;
}

/** An issuer's endpoint: malformed parameters refused, injected latency, the handler, CORS. */
async function issuerEndpoint(
  req: IdpRequest,
  deps: IdpDeps,
  found: NonNullable<ReturnType<typeof route>>,
): Promise<IdpResponse | 'hang'> {
  const refused = refuseMalformedParams(req, found);
  // Same CORS rule as the endpoints' own answers: /authorize is a browser navigation, never CORS.
  if (refused)
    return found.endpoint === 'authorize' ? refused : withCors(req, refused, deps.settings);
  const latency = deps.faults.active().latencyMs;
  if (latency) await sleep(latency);
  let response: IdpResponse | 'hang';
  try {
    response =
      found.endpoint === 'jwks'
        ? await jwksEndpoint(deps, found.issuer)
        : await HANDLERS[found.endpoint](
            // The root issuer's endpoints see the path as is: no copy of the request per call.
            found.issuer.path
              ? { ...req, path: req.url.pathname.slice(found.issuer.path.length) }
              : req,
            found.issuer,
            deps,
          );
  } catch (error) {
    // Endpoints throw OAuthError; its RFC 6749 body must reach browser clients too (CORS below).
    if (!(error instanceof OAuthError)) throw error;
    response = error.response();
  }
  if (response === 'hang' || found.endpoint === 'authorize') return response;
  return withCors(req, vendorErrorBody(response, found.issuer, deps.clock.now()), deps.settings);
}

/** Endpoints whose POST bodies are OAuth/OIDC form posts (RFC 6749 §3.2, RFC 7009, RFC 7662, RFC 8628, OIDC Core). */
const FORM_ENDPOINTS: ReadonlySet<EndpointName> = new Set([
  'token',
  'authorize',
  'userinfo',
  'introspect',
  'revoke',
  'endSession',
  'deviceAuthorization',
  'device',
]);

/**
 * The rules every issuer endpoint shares, applied once here: a POST body is a form (a JSON body
 * is invalid_request, not silently read), and no parameter repeats. /authorize answers a repeat
 * itself: before the redirect URI is trusted it must show an error page, not JSON.
 */
function refuseMalformedParams(
  req: IdpRequest,
  { issuer, endpoint }: Route,
): IdpResponse | undefined {
  if (!FORM_ENDPOINTS.has(endpoint)) return undefined;
  // Auth0's /oauth/token also takes a JSON body (its docs' and SDKs' requests).
  const json = endpoint === 'token' && VENDORS[issuer.vendor].jsonTokenRequests && req.json;
  if (req.method === 'POST' && req.nonFormBody !== undefined && !json) {
    return invalidRequest(
      `the request body must be application/x-www-form-urlencoded, not ${req.nonFormBody} (RFC 6749 §3.2)`,
    ).response();
  }
  if (req.repeated.length && endpoint !== 'authorize')
    return invalidRequest(repeatedParamsMessage(req.repeated)).response();
  return undefined;
}

import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { discoveryDocument } from './discovery.js';
import { keysOf } from './keys-of.js';
import { misaddressed, withCors } from './origin.js';
import { routesOf } from './paths.js';
import type { Handler, IdpDeps, IdpResponse, IssuerContext } from './types.js';

/**
 * The issuer's fixed documents (discovery and JWKS) and the short path that serves them.
 *
 * A service under test fetches discovery and JWKS far more often than anything else, and those answers
 * are bytes computed once. Issue #17 measured the general request path (URL parsing, form and
 * parameter reading, a chain of async steps) at half a bare Node server's rate for them, so a plain
 * GET of one of them is answered synchronously from the cached bytes, by the same functions the
 * general path uses (`discoveryAnswer`, `jwksAnswer`, `misaddressed`, `withCors`). Whatever the short
 * path cannot decide alone goes the general way: a query string, a path that is not exactly a route,
 * an injected fault or latency, a store shared with other replicas (their clock and faults must be
 * read first), and a JWKS not checked against keys.json in the last interval.
 */

export const JWKS_CACHE_CONTROL = 'public, max-age=300';

/** Discovery bytes per issuer and kind, with their ETag: they derive only from the issuer's settings, fixed for the server's life. */
const discoveryBodies = new WeakMap<
  IssuerContext,
  Partial<Record<'openid' | 'oauth', ReturnType<typeof tagged>>>
>();

/** Headers of a fixed document, Content-Length included; frozen, since every answer shares them. */
const documentHeaders = (body: string, headers: Record<string, string>) =>
  Object.freeze({ ...headers, 'content-length': String(Buffer.byteLength(body)) });

const tagged = (body: string) => {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
  const headers = {
    'content-type': 'application/json',
    'cache-control': 'public, max-age=60',
    etag,
  };
  return {
    ok: { status: 200, headers: documentHeaders(body, headers), body },
    // RFC 9110 §15.4.5: a 304 carries the validators and no body (Node sends no Content-Length for it).
    notModified: { status: 304, headers: Object.freeze(headers) },
    etag,
  };
};

/** The discovery answer: 200 with the cached bytes, or 304 to a client that holds them. */
function discoveryAnswer(
  ifNoneMatch: string | undefined,
  issuer: IssuerContext,
  kind: 'openid' | 'oauth',
  deps: IdpDeps,
): IdpResponse {
  let bodies = discoveryBodies.get(issuer);
  if (!bodies) discoveryBodies.set(issuer, (bodies = {}));
  const cached = (bodies[kind] ??= tagged(
    JSON.stringify(discoveryDocument(issuer, kind, deps.settings.auth)),
  ));
  // RFC 9110 §13.1.2: a client holding these bytes gets 304 and no body.
  return noneMatchHolds(ifNoneMatch, cached.etag) ? cached.notModified : cached.ok;
}

export const discovery =
  (kind: 'openid' | 'oauth'): Handler =>
  (req, issuer, deps) =>
    discoveryAnswer(req.headers['if-none-match'], issuer, kind, deps);

/**
 * If-None-Match names our tag: `*`, or the tag in the list, compared weakly as RFC 9110 §13.1.2 says
 * (a proxy that compresses the body sends it back as `W/"..."`).
 */
function noneMatchHolds(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}

/** The last JWKS answer: its bytes change only when keys.json does. */
let lastJwks: IdpResponse | undefined;

export function jwksAnswer(body: string): IdpResponse {
  if (lastJwks?.body !== body) {
    const headers = { 'content-type': 'application/json', 'cache-control': JWKS_CACHE_CONTROL };
    lastJwks = { status: 200, headers: documentHeaders(body, headers), body };
  }
  return lastJwks;
}

/**
 * The answer to a plain GET of discovery or JWKS when it needs nothing but cached bytes, else
 * undefined (the caller takes the general path, which gives the same answer or a fault's).
 */
export function cachedDocument(raw: IncomingMessage, deps: IdpDeps): IdpResponse | undefined {
  if (raw.method !== 'GET' || deps.store.sharesState) return undefined;
  // An exact key of the route table is already a normalised path: no query, no dot segments.
  const found = routesOf(deps.settings.issuers).get(raw.url ?? '');
  if (!found) return undefined;
  const answer = documentAnswer(raw, found.issuer, found.endpoint, deps);
  if (!answer) return undefined;
  return misaddressed(raw, deps.settings) ?? withCors(raw, answer, deps.settings);
}

function documentAnswer(
  raw: IncomingMessage,
  issuer: IssuerContext,
  endpoint: string,
  deps: IdpDeps,
): IdpResponse | undefined {
  if (endpoint === 'openidConfiguration' || endpoint === 'oauthMetadata')
    return deps.faults.active().latencyMs
      ? undefined
      : discoveryAnswer(
          raw.headers['if-none-match'],
          issuer,
          endpoint === 'openidConfiguration' ? 'openid' : 'oauth',
          deps,
        );
  if (endpoint !== 'jwks') return undefined;
  const faults = deps.faults.active();
  if (faults.jwks || faults.latencyMs) return undefined;
  const cached = keysOf(deps, issuer).fresh();
  return cached && jwksAnswer(cached.body);
}

import { usageError } from '../errors.js';
import { authctl } from './vendors/default.js';
import { ENDPOINT_NAMES, VENDORS, type EndpointName } from './vendors/index.js';
import type { IssuerContext } from './types.js';

export type { EndpointName } from './vendors/index.js';

/**
 * authctl's own endpoint paths, relative to an issuer's URL (the `default` vendor). Each vendor's
 * map is in src/core/idp/vendors/; the router and the discovery document are both built from the
 * issuer's vendor map, so an advertised URL can never drift from a served one.
 */
export const ENDPOINTS: Readonly<Record<EndpointName, string>> = Object.freeze({
  ...authctl.endpoints,
});

/** Server-wide paths (not per issuer). */
export const SERVER_PATHS = Object.freeze({
  healthz: '/healthz',
  readyz: '/readyz',
  control: '/_authctl',
} as const);

/** `{issuer}{path}` of authctl's own layout, without a doubled or trailing slash. */
export function endpointUrl(issuer: string, name: EndpointName): string {
  return `${issuer.replace(/\/+$/, '')}${ENDPOINTS[name]}`;
}

/** The request path an issuer serves an endpoint at, or undefined when its vendor has no such endpoint. */
export function issuerEndpointPath(
  issuer: Pick<IssuerContext, 'vendor' | 'path'>,
  name: EndpointName,
): string | undefined {
  const where = VENDORS[issuer.vendor].endpoints[name];
  if (where === undefined) return undefined;
  return typeof where === 'string' ? `${issuer.path}${where}` : where.host;
}

/** The published URL of an issuer's endpoint (its vendor's path), or undefined when it has none. */
export function issuerEndpointUrl(
  issuer: Pick<IssuerContext, 'vendor' | 'path' | 'serverUrl'>,
  name: EndpointName,
): string | undefined {
  const path = issuerEndpointPath(issuer, name);
  return path === undefined ? undefined : `${issuer.serverUrl}${path}`;
}

export interface Route {
  issuer: IssuerContext;
  endpoint: EndpointName;
}

/**
 * Every request path the issuers serve, from their vendors' maps. Two issuers may not claim one
 * path (two Cognito pools both want the host-level `/oauth2/token`; two issuers with one `path`).
 */
export function routeTable(issuers: readonly IssuerContext[]): Map<string, Route> {
  const routes = new Map<string, Route>();
  for (const issuer of issuers) {
    for (const endpoint of ENDPOINT_NAMES) {
      const path = issuerEndpointPath(issuer, endpoint);
      if (path === undefined) continue;
      const taken = routes.get(path);
      if (taken && taken.issuer !== issuer) throw pathTaken(taken.issuer, issuer, endpoint, path);
      routes.set(path, { issuer, endpoint });
    }
  }
  return routes;
}

function pathTaken(
  first: IssuerContext,
  second: IssuerContext,
  endpoint: EndpointName,
  path: string,
) {
  const hostLevel = typeof VENDORS[second.vendor].endpoints[endpoint] === 'object';
  const field = hostLevel ? 'vendor' : 'path';
  return usageError(
    'ERR_ISSUER_PATH_TAKEN',
    `issuers "${first.id}" and "${second.id}" both serve ${path}`,
    {
      where: second.id === 'default' ? `idp.${field}` : `idp.issuers.${second.id}.${field}`,
      hint: hostLevel
        ? `${second.vendor} serves ${path} at the server's root, so one server hosts one such issuer: run a second \`authctl idp serve\` for the other`
        : 'give each issuer its own path = "..."',
    },
  );
}

const tables = new WeakMap<readonly IssuerContext[], Map<string, Route>>();

/** The route table of a server's issuers, built once (its issuers are fixed for its life). */
export function routesOf(issuers: readonly IssuerContext[]): Map<string, Route> {
  let table = tables.get(issuers);
  if (!table) tables.set(issuers, (table = routeTable(issuers)));
  return table;
}

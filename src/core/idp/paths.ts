/**
 * The one map of endpoint paths, relative to an issuer's URL. The router and the discovery
 * document are both built from it, so an advertised URL can never drift from a served one.
 */
export const ENDPOINTS = Object.freeze({
  openidConfiguration: '/.well-known/openid-configuration',
  oauthMetadata: '/.well-known/oauth-authorization-server',
  jwks: '/jwks',
  token: '/token',
  authorize: '/authorize',
  userinfo: '/userinfo',
  introspect: '/introspect',
  revoke: '/revoke',
  endSession: '/end_session',
  deviceAuthorization: '/device_authorization',
  device: '/device',
} as const);

export type EndpointName = keyof typeof ENDPOINTS;

/** Server-wide paths (not per issuer). */
export const SERVER_PATHS = Object.freeze({
  healthz: '/healthz',
  readyz: '/readyz',
  control: '/_authctl',
} as const);

const BY_PATH = new Map<string, EndpointName>(
  Object.entries(ENDPOINTS).map(([name, path]) => [path, name as EndpointName]),
);

export function endpointForPath(path: string): EndpointName | undefined {
  return BY_PATH.get(path);
}

/** `{issuer}{path}` without a doubled or trailing slash. */
export function endpointUrl(issuer: string, name: EndpointName): string {
  return `${issuer.replace(/\/+$/, '')}${ENDPOINTS[name]}`;
}

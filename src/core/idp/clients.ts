import { sameSecret } from '../compare.js';
import { ASSERTION_TYPE, verifyClientJwt } from './client-assertion.js';
import type { IdpClientConfig } from './config.js';
import type { ClientAuthMethod } from './constants.js';
import { invalidClient, invalidRequest, invalidScope, unauthorizedClient } from './http.js';
import { memoized } from '../memo.js';
import type { IdpDeps, IdpRequest, IssuerContext } from './types.js';

export interface AuthenticatedClient {
  clientId: string;
  /** The configured client; undefined in zero-config mode. */
  config?: IdpClientConfig;
  method: ClientAuthMethod;
  /** Whether the client proved a secret or a key (confidential). */
  confidential: boolean;
}

const CLIENT_AUTH_FAILED =
  'client authentication failed: unknown client_id, or a wrong or missing client_secret (public clients send none)';

/** Zero-config mode: no `[idp.clients.*]` configured (or added at run time), so any client is accepted. */
export function zeroConfig(deps: IdpDeps): boolean {
  return deps.settings.clients.size === 0;
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  return header ? decodedBasic(header) : undefined;
}

const decodedBasic = memoized(decodeBasic);

function decodeBasic(header: string): { id: string; secret: string } | undefined {
  if (!/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw invalidClient('malformed HTTP Basic credentials', true);
  // RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      throw invalidClient('malformed HTTP Basic credentials', true);
    }
  };
  return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
}

/**
 * Client authentication for the token, introspection and revocation endpoints:
 * client_secret_basic, client_secret_post, private_key_jwt and client_secret_jwt (when enabled),
 * or a public client (client_id only). A client with `token_endpoint_auth_method` uses only that.
 */
export async function authenticateClient(
  req: IdpRequest,
  deps: IdpDeps,
  issuer: IssuerContext,
): Promise<AuthenticatedClient> {
  const client =
    req.body.client_assertion !== undefined || req.body.client_assertion_type !== undefined
      ? await assertionClient(req, deps, issuer)
      : secretClient(req, deps);
  const required = client.config?.token_endpoint_auth_method;
  if (required && required !== client.method)
    throw invalidClient(
      `client "${client.clientId}" authenticates with ${required} only, not ${client.method}`,
      client.method === 'client_secret_basic',
    );
  return client;
}

function secretClient(req: IdpRequest, deps: IdpDeps): AuthenticatedClient {
  const basic = basicCredentials(req.headers.authorization);
  if (basic && req.body.client_secret !== undefined)
    throw invalidRequest('use one client authentication method, not both Basic and client_secret');
  const clientId = basic?.id ?? req.body.client_id;
  const secret = basic?.secret ?? req.body.client_secret;
  const method = basic
    ? 'client_secret_basic'
    : secret !== undefined
      ? 'client_secret_post'
      : 'none';
  if (!clientId)
    throw invalidClient(
      'no client authentication: send client_id (and client_secret, or HTTP Basic)',
      false,
    );
  if (basic && req.body.client_id !== undefined && req.body.client_id !== basic.id)
    throw invalidRequest('client_id in the body differs from the HTTP Basic user');

  if (zeroConfig(deps)) return { clientId, method, confidential: Boolean(secret) };

  const config = deps.settings.clients.get(clientId);
  // One answer for an unknown client, a wrong or missing secret and a secret sent by a public client:
  // a caller must not learn which client ids exist (client enumeration).
  const failed = () => invalidClient(CLIENT_AUTH_FAILED, Boolean(basic));
  if (!config) throw failed();
  if (config.public || config.secret === undefined) {
    if (secret) throw failed();
    return { clientId, config, method: 'none', confidential: false };
  }
  if (!secret || !sameSecret(secret, config.secret)) throw failed();
  return { clientId, config, method, confidential: true };
}

/** private_key_jwt / client_secret_jwt: the client signs a JWT naming itself (RFC 7523 §2.2, §3). */
async function assertionClient(
  req: IdpRequest,
  deps: IdpDeps,
  issuer: IssuerContext,
): Promise<AuthenticatedClient> {
  const { client_assertion: assertion, client_assertion_type: type } = req.body;
  if (req.headers.authorization !== undefined || req.body.client_secret !== undefined)
    throw invalidRequest(
      'use one client authentication method, not client_assertion together with a client secret',
    );
  if (type !== ASSERTION_TYPE)
    throw invalidClient(`client_assertion_type must be ${ASSERTION_TYPE}`);
  if (!assertion) throw invalidClient('client_assertion is required with client_assertion_type');
  const { decodeJwt } = await import('jose');
  let sub: unknown;
  try {
    sub = decodeJwt(assertion).sub;
  } catch {
    throw invalidClient('client_assertion is not a JWT');
  }
  const clientId = req.body.client_id ?? (typeof sub === 'string' ? sub : undefined);
  if (!clientId) throw invalidClient('client_assertion has no sub (the client_id)');
  if (sub !== clientId)
    throw invalidClient(`client_assertion sub must be the client_id "${clientId}"`);
  const config = zeroConfig(deps) ? undefined : deps.settings.clients.get(clientId);
  if (!config)
    throw invalidClient(
      `client assertions need a configured client: [idp.clients.${clientId}] with jwks or jwks_uri (private_key_jwt) or a secret (client_secret_jwt)`,
    );
  const { method } = await verifyClientJwt(req, issuer, deps, assertion, {
    field: 'client_assertion',
    clientId,
    config,
    subject: clientId,
    requireJti: true,
    fail: (description) => invalidClient(description),
  });
  return { clientId, config, method, confidential: true };
}

/** The configured client (strict mode) or undefined in zero-config mode; unknown clients are refused. */
export function lookupClient(
  clientId: string | undefined,
  deps: IdpDeps,
): IdpClientConfig | undefined {
  if (!clientId) throw invalidRequest('client_id is required');
  if (zeroConfig(deps)) return undefined;
  const config = deps.settings.clients.get(clientId);
  if (!config) throw invalidClient(`unknown client "${clientId}"`);
  return config;
}

export function checkGrantAllowed(client: AuthenticatedClient, grant: string): void {
  if (client.config?.grants && !client.config.grants.includes(grant as never)) {
    throw unauthorizedClient(`client "${client.clientId}" may not use the ${grant} grant`);
  }
}

/** Requested scopes must be a subset of the client's allowed scopes, when it has a list. */
export function checkScopes(
  config: IdpClientConfig | undefined,
  clientId: string,
  scopes: string[],
): void {
  if (!config?.scopes) return;
  const allowed = new Set([...config.scopes, 'openid', 'profile', 'email', 'offline_access']);
  const refused = scopes.filter((scope) => !allowed.has(scope));
  if (refused.length)
    throw invalidScope(`client "${clientId}" may not ask for: ${refused.join(' ')}`);
}

/** Loopback redirect URIs are allowed in zero-config mode (any port, RFC 8252 §7.3). */
export function isLoopbackUri(uri: string): boolean {
  try {
    const url = new URL(uri);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') &&
      ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)
    );
  } catch {
    return false;
  }
}

/**
 * RFC 8252 §7.3: a native app's loopback redirect gets a port from the OS at run time, so a
 * registered `http://127.0.0.1/cb`, `http://[::1]/cb` or `http://localhost/cb` matches any port;
 * scheme, host, path and query must still match exactly. localhost is included because desktop
 * tools and CLIs register it as often as the IP literals (RFC 8252 §8.3 only discourages it).
 */
function loopbackPortMatch(registered: string, uri: string): boolean {
  if (!uri.startsWith('http:') || !registered.startsWith('http:') || !isLoopbackUri(uri))
    return false;
  const [a, b] = [new URL(registered), new URL(uri)];
  return (
    a.hostname === b.hostname &&
    a.pathname === b.pathname &&
    a.search === b.search &&
    a.username === b.username &&
    a.password === b.password
  );
}

export function checkRedirectUri(
  config: IdpClientConfig | undefined,
  clientId: string,
  uri: string | undefined,
): string {
  if (!uri) throw invalidRequest('redirect_uri is required');
  // RFC 6749 §3.1.2: "The endpoint URI MUST NOT include a fragment component."
  if (uri.includes('#'))
    throw invalidRequest(
      `redirect_uri "${uri}" contains a fragment (#...); a redirect URI must not have one (RFC 6749 §3.1.2)`,
    );
  if (config) {
    if (
      !config.redirect_uris?.some(
        (registered) => registered === uri || loopbackPortMatch(registered, uri),
      )
    ) {
      throw invalidRequest(
        `redirect_uri "${uri}" is not registered for client "${clientId}" (registered: ${config.redirect_uris?.join(', ') || 'none'}); it must match exactly (only a loopback http URI may differ in port)`,
      );
    }
  } else if (!isLoopbackUri(uri)) {
    throw invalidRequest(
      `redirect_uri "${uri}" is not a loopback URL; in zero-config mode only http://127.0.0.1, localhost or [::1] are accepted (configure [idp.clients.<id>] redirect_uris for others)`,
    );
  }
  return uri;
}

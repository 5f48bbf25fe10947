// What the issuer accepts beyond client secrets and Bearer JWTs, resolved once from `[idp]`:
// JWT client authentication, the jwt-bearer grant, DPoP and the access-token format. Discovery
// advertises exactly this, and the endpoints refuse what it leaves out.
import { usageError } from '../errors.js';
import { KEY_PAIR_ALGORITHMS } from '../keys/algorithms.js';
import type { IdpClientConfig, IdpConfig } from './config.js';
import type { AccessTokenFormat, AssertionAuthMethod } from './constants.js';

export interface AuthFeatures {
  /** JWT assertion methods accepted besides client_secret_basic, client_secret_post and none. */
  assertionMethods: ReadonlySet<AssertionAuthMethod>;
  /** RFC 7523 §2.1 grant: on whenever a JWT client authentication method is. */
  jwtBearer: boolean;
  /** RFC 9449: proofs accepted; `nonce` when server-issued nonces are required. */
  dpop?: { nonce: boolean };
  /** The default format of access tokens (a client's `access_token_format` wins). */
  accessTokenFormat: AccessTokenFormat;
}

export const NO_AUTH_FEATURES: AuthFeatures = Object.freeze({
  assertionMethods: new Set<AssertionAuthMethod>(),
  jwtBearer: false,
  accessTokenFormat: 'jwt',
});

/** RFC 7518 algorithms per assertion method: a key pair for private_key_jwt, the secret's HMAC for client_secret_jwt. */
export const ASSERTION_ALGS: Readonly<Record<AssertionAuthMethod, readonly string[]>> = {
  private_key_jwt: KEY_PAIR_ALGORITHMS,
  client_secret_jwt: ['HS256', 'HS384', 'HS512'],
};

/** DPoP proofs are signed with an asymmetric key (RFC 9449 §4.2: never a MAC). */
export const DPOP_ALGS: readonly string[] = KEY_PAIR_ALGORITHMS;

const hasKeys = (client: IdpClientConfig) =>
  client.jwks !== undefined || client.jwks_uri !== undefined;

/** The features of `[idp]`; clients with keys or a JWT `token_endpoint_auth_method` enable their method. */
export function resolveAuthFeatures(idp: IdpConfig): AuthFeatures {
  const methods = new Set<AssertionAuthMethod>(idp.client_auth_methods ?? []);
  for (const [id, client] of Object.entries(idp.clients ?? {})) {
    checkClientAuth(id, client);
    if (hasKeys(client)) methods.add('private_key_jwt');
    const method = client.token_endpoint_auth_method;
    if (method === 'private_key_jwt' || method === 'client_secret_jwt') methods.add(method);
  }
  const dpopOn =
    idp.dpop === true ||
    idp.dpop_nonce === true ||
    Object.values(idp.clients ?? {}).some((c) => c.dpop_bound_access_tokens);
  return {
    assertionMethods: methods,
    jwtBearer: methods.size > 0,
    ...(dpopOn ? { dpop: { nonce: idp.dpop_nonce === true } } : {}),
    accessTokenFormat: idp.access_token_format ?? 'jwt',
  };
}

const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

/** A client's method must have what it needs, and its jwks must be public keys: refused at start-up. */
export function checkClientAuth(id: string, client: IdpClientConfig): void {
  const where = `idp.clients.${id}`;
  if (client.jwks && client.jwks_uri)
    throw usageError('ERR_IDP_CLIENT_KEYS', `${where} has both jwks and jwks_uri`, {
      where: `${where}.jwks`,
      hint: 'keep one: the keys inline (jwks) or where the client publishes them (jwks_uri)',
    });
  client.jwks?.keys.forEach((key, index) => {
    const secret = PRIVATE_JWK_MEMBERS.filter((member) => member in key);
    if (typeof key.kty !== 'string' || secret.length)
      throw usageError(
        'ERR_IDP_CLIENT_KEYS',
        `${where}.jwks.keys[${index}] is not a public JWK${secret.length ? ` (it has private members: ${secret.join(', ')})` : ' (no kty)'}`,
        {
          where: `${where}.jwks`,
          hint: 'give the public JWK only, e.g. `jose` exportJWK(publicKey); the client keeps the private key',
        },
      );
  });
  const method = client.token_endpoint_auth_method;
  const needsSecret = method?.startsWith('client_secret_') && client.secret === undefined;
  const needsKeys = method === 'private_key_jwt' && !hasKeys(client);
  if (needsSecret || needsKeys || (method === 'none' && client.secret !== undefined))
    throw usageError(
      'ERR_IDP_CLIENT_AUTH',
      `${where} authenticates with ${method} (token_endpoint_auth_method) but ${needsKeys ? 'has no jwks or jwks_uri' : needsSecret ? 'has no secret' : 'has a secret'}`,
      {
        where: `${where}.token_endpoint_auth_method`,
        hint: needsKeys
          ? 'add the public keys: jwks = { keys = [...] } or jwks_uri = "https://..."'
          : needsSecret
            ? 'add secret = "..." (the HMAC key of client_secret_jwt, or the shared secret)'
            : 'remove the secret, or choose a secret method',
      },
    );
}

/** The client authentication methods of the token, introspection and revocation endpoints. */
export function authMethodsSupported(features: AuthFeatures): string[] {
  return [
    'client_secret_basic',
    'client_secret_post',
    ...(['client_secret_jwt', 'private_key_jwt'] as const).filter((m) =>
      features.assertionMethods.has(m),
    ),
    'none',
  ];
}

/** Discovery's `*_auth_signing_alg_values_supported`: only with a JWT method enabled. */
export function authSigningAlgs(features: AuthFeatures): string[] | undefined {
  const algs = [...features.assertionMethods].flatMap((m) => ASSERTION_ALGS[m]);
  return algs.length ? algs : undefined;
}

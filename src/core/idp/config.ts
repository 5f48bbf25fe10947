// The `[idp]` section of authctl's config: owned here, composed by config/schema.ts.
import * as z from 'zod';

const duration = z
  .union([z.string(), z.number()])
  .describe('duration: 90s, 15m, 2h, 7d, or seconds');
const stringList = z.union([z.string(), z.array(z.string())]);

import { KEY_PAIR_ALGORITHMS } from '../keys/algorithms.js';
import {
  ACCESS_TOKEN_FORMATS,
  ASSERTION_AUTH_METHODS,
  CLIENT_AUTH_METHODS,
  IDP_GRANTS,
  IDP_LAYOUTS,
  IDP_VENDORS,
} from './constants.js';

/** Real IdPs' claim shapes the mock can imitate, and the grant types it serves. */
export {
  IDP_GRANTS,
  IDP_LAYOUTS,
  IDP_VENDORS,
  type IdpLayout,
  type IdpVendor,
} from './constants.js';

/** `[idp.clients.<id>]`: once any client is configured, only configured clients are accepted. */
export const idpClientSchema = z.strictObject({
  secret: z
    .string()
    .optional()
    .describe('client secret (client_secret_basic or client_secret_post); omit for public clients'),
  public: z.boolean().optional().describe('public client: no secret, PKCE required'),
  redirect_uris: z
    .array(z.string())
    .optional()
    .describe('exact redirect URIs allowed for authorization_code'),
  post_logout_redirect_uris: z.array(z.string()).optional(),
  grants: z.array(z.enum(IDP_GRANTS)).optional().describe('allowed grant types (default: all)'),
  scopes: z.array(z.string()).optional().describe('scopes the client may ask for (default: any)'),
  audience: stringList.optional().describe('aud of access tokens issued to this client'),
  roles: z.array(z.string()).optional().describe('roles in client_credentials tokens'),
  tenant: z.string().optional().describe('tenant in client_credentials tokens'),
  claims: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('extra claims in every access token for this client'),
  preset: z.string().optional().describe('start tokens from this [tokens.NAME] preset'),
  pkce_plain: z.boolean().optional().describe('allow the PKCE "plain" method (refused by default)'),
  token_endpoint_auth_method: z
    .enum(CLIENT_AUTH_METHODS)
    .optional()
    .describe('the one client authentication method this client may use (default: any it can)'),
  jwks: z
    .strictObject({ keys: z.array(z.record(z.string(), z.unknown())) })
    .optional()
    .describe('public keys of the client: private_key_jwt assertions and jwt-bearer grants'),
  jwks_uri: z
    .string()
    .refine(isHttpUrl, 'must be an http(s) URL, e.g. "http://127.0.0.1:8080/jwks.json"')
    .optional()
    .describe('where the client publishes its public keys (instead of jwks)'),
  access_token_format: z
    .enum(ACCESS_TOKEN_FORMATS)
    .optional()
    .describe(
      'jwt, at+jwt (RFC 9068) or opaque (introspection only); default [idp] access_token_format',
    ),
  dpop_bound_access_tokens: z
    .boolean()
    .optional()
    .describe('require a DPoP proof at the token endpoint (RFC 9449 §5.2)'),
});

/** `[idp.users.<name>]`: dev users for the password grant and the login page. */
export const idpUserSchema = z.strictObject({
  sub: z.string().optional().describe('subject (default: the user name)'),
  password: z
    .string()
    .optional()
    .describe('password for the password grant (default: any non-empty password)'),
  name: z.string().optional(),
  email: z.string().optional(),
  tenant: z.string().optional(),
  roles: z.array(z.string()).optional(),
  scopes: z.array(z.string()).optional().describe('scopes granted by default on the login page'),
  claims: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('extra claims in this user\u2019s tokens'),
});

/** `[idp.issuers.<id>]`: extra issuers served under `/<path>` on the same server. */
export const idpIssuerSchema = z.strictObject({
  path: z
    .string()
    .optional()
    .describe('URL path of this issuer (default /<id>), e.g. /contoso/v2.0'),
  keys: z
    .enum(['shared', 'own'])
    .optional()
    .describe(
      'shared (default): the keystore of `token mint`; own: a separate keystore in <home>/issuers/<id>',
    ),
  vendor: z
    .enum(IDP_VENDORS)
    .optional()
    .describe(
      "imitate this IdP's paths, issuer format, token header and errors (docs/idp-vendors.md); implies its layout",
    ),
  layout: z.enum(IDP_LAYOUTS).optional(),
  audience: stringList.optional(),
  ttl: duration.optional(),
  tenant: z.string().optional().describe('default tenant of this issuer\u2019s tokens'),
  claims: z.record(z.string(), z.unknown()).optional(),
});

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** `[idp]` section of authctl's config: the local mock OIDC issuer (`authctl idp serve`). */
/** An issuer identifier: http(s), no query, no fragment (RFC 8414 §2, OIDC Discovery §2). */
function isIssuerUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && !/[?#]/.test(value);
  } catch {
    return false;
  }
}

export const idpSchema = z.strictObject({
  port: z
    .number()
    .int()
    .min(0)
    .max(65535)
    .optional()
    .describe('port (default 9400; 0 picks a free one)'),
  host: z.string().optional().describe('bind address (default 127.0.0.1)'),
  issuer_url: z
    .string()
    .refine(
      isIssuerUrl,
      'must be an http(s) URL without query or fragment, e.g. "http://host.docker.internal:9400"',
    )
    .optional()
    .describe('published base URL when reached through Docker or a proxy'),
  vendor: z
    .enum(IDP_VENDORS)
    .optional()
    .describe(
      "the root issuer imitates this IdP's paths, issuer format, token header and errors (docs/idp-vendors.md)",
    ),
  layout: z
    .enum(IDP_LAYOUTS)
    .optional()
    .describe("claim layout of the root issuer (default: the vendor's, else the [token] mapping)"),
  control: z.boolean().optional().describe('serve the /_authctl/ control API (default true)'),
  cors_origins: z
    .array(z.string())
    .optional()
    .describe(
      'web origins (besides loopback ones and the issuer) that may read answers and send authctl_claims, e.g. ["https://app.example"]',
    ),
  tls: z
    .boolean()
    .optional()
    .describe(
      'serve HTTPS with a local CA and server certificate made once in <home>/tls/ (default false)',
    ),
  tls_cert: z
    .string()
    .optional()
    .describe(
      'serve HTTPS with this PEM certificate (chain) instead; needs tls_key; relative to the config file',
    ),
  tls_key: z
    .string()
    .optional()
    .describe('the PEM private key of tls_cert (unencrypted); relative to the config file'),
  alg: z.enum(KEY_PAIR_ALGORITHMS).optional(),
  audience: stringList.optional().describe('default aud of access tokens'),
  ttl: duration.optional().describe('access and id token lifetime (default 15m)'),
  refresh_ttl: duration.optional().describe('refresh token lifetime (default 8h)'),
  code_ttl: duration.optional().describe('authorization code lifetime (default 60s)'),
  max_entries: z
    .number()
    .int()
    .min(1)
    .max(10_000_000)
    .optional()
    .describe(
      'cap of each in-memory table of the issuer: codes, refresh tokens, revoked tokens, devices, clients, users (default 50000)',
    ),
  client_auth_methods: z
    .array(z.enum(ASSERTION_AUTH_METHODS))
    .optional()
    .describe(
      'JWT client authentication to accept and advertise (clients with jwks or jwks_uri enable private_key_jwt)',
    ),
  dpop: z.boolean().optional().describe('accept DPoP proofs and bind access tokens (RFC 9449)'),
  dpop_nonce: z
    .boolean()
    .optional()
    .describe('require server-issued DPoP nonces (RFC 9449 §8); implies dpop'),
  access_token_format: z
    .enum(ACCESS_TOKEN_FORMATS)
    .optional()
    .describe('jwt (default), at+jwt (RFC 9068) or opaque (introspection only)'),
  store: z
    .string()
    .optional()
    .describe(
      'where the issuer keeps its state: memory (default) or redis://HOST:PORT/DB, shared by replicas (docs/idp-replicas.md)',
    ),
  issuers: z.record(z.string(), idpIssuerSchema).optional(),
  clients: z.record(z.string(), idpClientSchema).optional(),
  users: z.record(z.string(), idpUserSchema).optional(),
});

/** The section as authctl's config holds it (config/schema.ts, config/sections.ts). */
export const idpSection = idpSchema.optional();

export type IdpConfig = z.infer<typeof idpSchema>;
export type IdpClientConfig = z.infer<typeof idpClientSchema>;
export type IdpUserConfig = z.infer<typeof idpUserSchema>;
export type IdpIssuerConfig = z.infer<typeof idpIssuerSchema>;

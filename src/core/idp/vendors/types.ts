import type { IdpLayout } from '../constants.js';

/** Every endpoint the issuer can serve; each vendor says where (or that it has none). */
export const ENDPOINT_NAMES = [
  'openidConfiguration',
  'oauthMetadata',
  'jwks',
  'token',
  'authorize',
  'userinfo',
  'introspect',
  'revoke',
  'endSession',
  'deviceAuthorization',
  'device',
] as const;

export type EndpointName = (typeof ENDPOINT_NAMES)[number];

/**
 * Where a vendor serves an endpoint: a path under the issuer's mount path (`/protocol/openid-connect/token`
 * under `/realms/k3`), or `{ host }`, a path at the server's root (Cognito's hosted-UI domain serves
 * `/oauth2/token` for its one user pool).
 */
export type VendorPath = string | { readonly host: string };

/** An OAuth error body as the endpoints write it (RFC 6749 §5.2). */
export interface OAuthErrorBody {
  error: string;
  error_description?: string;
  [key: string]: unknown;
}

export interface VendorSpec {
  /** The vendor's public pages the paths, issuer format and shapes below come from. */
  readonly docs: readonly string[];
  /** Its access-token claim layout (src/core/idp/layouts.ts). */
  readonly layout: IdpLayout;
  /** Mount path of an issuer without a `path`, from its id and tenant (Keycloak: `/realms/{id}`). */
  defaultPath(id: string, tenant?: string): string;
  /** Mount path of the root issuer (`[idp] vendor`, `--vendor`); defaultPath("default") when not set. */
  readonly rootPath?: string;
  /** What follows the mount URL in the issuer identifier, byte for byte: Entra `/v2.0`, Auth0 `/`. */
  readonly issuerSuffix: string;
  /** Endpoint paths; an endpoint the vendor does not have is absent: neither served nor advertised. */
  readonly endpoints: Readonly<Partial<Record<EndpointName, VendorPath>>> & {
    readonly openidConfiguration: VendorPath;
    readonly jwks: VendorPath;
    readonly token: VendorPath;
  };
  /** JOSE `typ` of its access tokens; undefined: no `typ` header at all (Okta, Cognito). */
  readonly accessTokenTyp: string | undefined;
  /** The token endpoint also takes a JSON object body (Auth0), besides the form of RFC 6749. */
  readonly jsonTokenRequests?: boolean;
  /** The audience of its tokens when none is configured (Okta's default server: `api://default`). */
  defaultAudience?(path: string): string[] | undefined;
  /** Access tokens carry `aud` only when one is asked for or configured (Cognito). */
  readonly audienceOnlyWhenAsked?: boolean;
  /** The access token's audience from the scopes, when the vendor puts the resource there (Entra `api://x/.default`). */
  audienceFromScopes?(scopes: readonly string[]): string[] | undefined;
  /** Claims its ID tokens add (Cognito: `token_use: "id"`, `cognito:username`). */
  idTokenClaims?(user: string | undefined): Record<string, unknown>;
  /** The vendor's error body for an OAuth error; the mock's own description goes to a header when the vendor has none. */
  errorBody?(body: OAuthErrorBody, now: Date): Record<string, unknown>;
  /** Vendor-specific discovery fields (added after the shared ones). */
  discoveryExtras?(issuer: { url: string; tenant?: string }): Record<string, unknown>;
  /** Default tenant of an issuer of this vendor (Entra: the GUID in its issuer). */
  defaultTenant?(id: string, path: string): string | undefined;
}

import type { IdpClientConfig } from './config.js';
import type { AttackerKey } from '../token/forge.js';
import { mintToken } from '../token/mint.js';
import { resolveTokenSettings, type TokenSettings } from '../token/settings.js';
import { NO_AUTH_FEATURES } from './auth-features.js';
import { keysOf } from './keys-of.js';
import { issueOpaqueToken } from './opaque.js';
import { layoutClaims } from './layouts.js';
import type { Principal } from './store.js';
import { randomToken } from './store.js';
import { nullPrototype } from './request-claims.js';
import type { IdpDeps, IssuerContext } from './types.js';
import { VENDORS } from './vendors/index.js';

const list = (value: string | string[] | undefined) =>
  value === undefined ? undefined : Array.isArray(value) ? value : [value];

export interface IssueOptions {
  clientId: string;
  client?: IdpClientConfig;
  principal: Principal;
  /** Audience asked for by the request (`audience` / `resource`). */
  audience?: string[];
  /** Dev-only claims from the request (`authctl_claims`). */
  requestClaims?: Record<string, unknown>;
  /** Extra claims computed by the grant (e.g. `act` for token exchange). */
  grantClaims?: Record<string, unknown>;
  /** RFC 9449: bind the access token to this DPoP key (`cnf.jkt`), and a public client's refresh token (§5). */
  confirmation?: { jkt: string; bindRefresh?: boolean };
}

export interface IssuedAccessToken {
  token: string;
  claims: Record<string, unknown>;
  expiresIn: number;
}

/**
 * Mints an access token exactly as `authctl token mint` would (same keystore, claims mapping and
 * presets), shaped by the issuer's layout. Claims merge in this order, later wins: preset,
 * issuer, layout, client, user, control-API claims for the client/user, request claims.
 */
export async function issueAccessToken(
  deps: IdpDeps,
  issuer: IssuerContext,
  options: IssueOptions,
): Promise<IssuedAccessToken> {
  const { principal, client } = options;
  const preset = client?.preset
    ? resolveTokenSettings(deps.settings.authctl, client.preset, {})
    : undefined;
  const roles = principal.roles ?? client?.roles ?? preset?.roles ?? [];
  const scopes = principal.scopes.length ? principal.scopes : (preset?.scopes ?? []);
  const format =
    client?.access_token_format ?? (deps.settings.auth ?? NO_AUTH_FEATURES).accessTokenFormat;
  const pending = {
    ...(await deps.store.takeClaims(`client:${options.clientId}`)),
    ...(principal.user ? await deps.store.takeClaims(`user:${principal.user}`) : {}),
  };
  const claims = mergedClaims(deps, issuer, options, { preset, scopes, roles, pending });
  // RFC 9068 §2.2: client_id (whatever the layout), jti and iat (mintToken always sets those two).
  if (format === 'at+jwt') claims.client_id = options.clientId;
  if (options.confirmation) claims.cnf = { jkt: options.confirmation.jkt };
  const faults = deps.faults.active();
  const minted = await mintToken({
    keystore: keysOf(deps, issuer).keystore,
    issuer: issuer.url,
    subject: principal.sub,
    audience: audienceOf(issuer, options, preset, scopes),
    ttlSeconds: issuer.ttlSeconds,
    alg: issuer.alg,
    // RFC 9068's at+jwt when asked for, else the vendor's: Okta and Cognito send no `typ` at all.
    header: { typ: format === 'at+jwt' ? 'at+jwt' : VENDORS[issuer.vendor].accessTokenTyp },
    scopes,
    roles,
    tenant: tenantOf(issuer, options, preset),
    claims,
    mapping: issuer.mapping,
    clock: deps.clock.now,
    // Off the event loop: with many token requests in flight, signatures run in parallel.
    signAsync: true,
    // "Sign with a key that is not published at all": the unknown-kid defect does exactly that,
    // with one throwaway key per server (RSA key generation per token would be slow).
    ...(faults.unpublishedKey
      ? {
          defect: { kind: 'unknown-kid' as const },
          attackerKey: await unpublishedKey(deps, issuer),
        }
      : {}),
  });
  const token =
    format === 'opaque' ? await issueOpaqueToken(deps, issuer, minted.claims) : minted.token;
  return { token, claims: minted.claims, expiresIn: issuer.ttlSeconds };
}

/** The requested audience, else the vendor's from the scopes, the client's, the preset's, the issuer's. */
function audienceOf(
  issuer: IssuerContext,
  options: IssueOptions,
  preset: TokenSettings | undefined,
  scopes: string[],
) {
  if (options.audience?.length) return options.audience;
  const vendor = VENDORS[issuer.vendor];
  const configured =
    vendor.audienceFromScopes?.(scopes) ?? list(options.client?.audience) ?? preset?.audience;
  // Cognito access tokens carry no aud unless one was asked for (client_id names the client).
  return configured ?? (vendor.audienceOnlyWhenAsked ? undefined : issuer.audience);
}

function tenantOf(
  issuer: IssuerContext,
  { principal, client }: IssueOptions,
  preset?: TokenSettings,
) {
  return principal.tenant ?? client?.tenant ?? preset?.tenant ?? issuer.tenant;
}

/** The token's extra claims, in the documented order (later wins); no prototype: the keys come from config, the control API and the request. */
function mergedClaims(
  deps: IdpDeps,
  issuer: IssuerContext,
  { principal, client, clientId, grantClaims, requestClaims }: IssueOptions,
  {
    preset,
    scopes,
    roles,
    pending,
  }: {
    preset?: TokenSettings;
    scopes: string[];
    roles: string[];
    /** Claims the control API set for the client and user (the user's win). */
    pending: Record<string, unknown>;
  },
): Record<string, unknown> {
  return nullPrototype({
    ...preset?.claims,
    ...issuer.claims,
    ...layoutClaims(issuer.layout, {
      clientId,
      subject: principal.sub,
      user: principal.user,
      scopes,
      roles,
    }),
    ...(issuer.layout === 'default' ? { client_id: clientId } : {}),
    ...client?.claims,
    ...principal.claims,
    ...pending,
    ...grantClaims,
    ...requestClaims,
  });
}

const unpublishedKeys = new WeakMap<IdpDeps, Promise<AttackerKey>>();

function unpublishedKey(deps: IdpDeps, issuer: IssuerContext): Promise<AttackerKey> {
  let key = unpublishedKeys.get(deps);
  if (!key) {
    key = import('../token/forge.js').then(({ generateAttackerKey }) =>
      generateAttackerKey(issuer.alg),
    );
    unpublishedKeys.set(deps, key);
  }
  return key;
}

/** OIDC ID token for the client (aud = client_id), with nonce and auth_time. */
export async function issueIdToken(
  deps: IdpDeps,
  issuer: IssuerContext,
  clientId: string,
  principal: Principal,
  extra: { nonce?: string; authTime?: number },
): Promise<string> {
  const claims: Record<string, unknown> = { ...principal.loginClaims, azp: clientId };
  if (extra.nonce) claims.nonce = extra.nonce;
  if (extra.authTime) claims.auth_time = extra.authTime;
  if (principal.name) claims.name = principal.name;
  if (principal.email) claims.email = principal.email;
  if (principal.user) claims.preferred_username = principal.user;
  Object.assign(claims, VENDORS[issuer.vendor].idTokenClaims?.(principal.user));
  const minted = await mintToken({
    keystore: keysOf(deps, issuer).keystore,
    issuer: issuer.url,
    subject: principal.sub,
    audience: [clientId],
    ttlSeconds: issuer.ttlSeconds,
    alg: issuer.alg,
    roles: principal.roles,
    tenant: principal.tenant ?? issuer.tenant,
    claims,
    mapping: issuer.mapping,
    clock: deps.clock.now,
    signAsync: true,
  });
  return minted.token;
}

/** A rotating opaque refresh token, bound to client, issuer and principal; it remembers when the user signed in. */
export async function issueRefreshToken(
  deps: IdpDeps,
  issuer: IssuerContext,
  clientId: string,
  principal: Principal,
  family = randomToken(12),
  authTime?: number,
  jkt?: string,
): Promise<string> {
  const token = randomToken();
  await deps.store.putRefreshToken(token, {
    clientId,
    issuerId: issuer.id,
    principal,
    family,
    authTime,
    ...(jkt ? { jkt } : {}),
    expiresAt: deps.clock.now() + deps.settings.refreshTtlSeconds * 1000,
  });
  return token;
}

/** The token endpoint's success body (RFC 6749 §5.1). */
export async function tokenResponse(
  deps: IdpDeps,
  issuer: IssuerContext,
  options: IssueOptions & {
    refresh?: boolean;
    idToken?: { nonce?: string; authTime?: number };
    family?: string;
  },
): Promise<Record<string, unknown>> {
  const access = await issueAccessToken(deps, issuer, options);
  const body: Record<string, unknown> = {
    access_token: access.token,
    token_type: options.confirmation ? 'DPoP' : 'Bearer',
    expires_in: access.expiresIn,
  };
  if (options.principal.scopes.length) body.scope = options.principal.scopes.join(' ');
  if (options.refresh) {
    const family = options.family ?? randomToken(12);
    // Family first: when a table is full, no refresh token is left behind without its family.
    const { jti, exp } = access.claims;
    if (typeof jti === 'string')
      await deps.store.addToFamily(
        family,
        jti,
        typeof exp === 'number' ? exp * 1000 : deps.clock.now() + access.expiresIn * 1000,
      );
    body.refresh_token = await issueRefreshToken(
      deps,
      issuer,
      options.clientId,
      options.principal,
      family,
      options.idToken?.authTime,
      options.confirmation?.bindRefresh ? options.confirmation.jkt : undefined,
    );
  }
  if (options.idToken && options.principal.scopes.includes('openid')) {
    body.id_token = await issueIdToken(
      deps,
      issuer,
      options.clientId,
      options.principal,
      options.idToken,
    );
  }
  return body;
}

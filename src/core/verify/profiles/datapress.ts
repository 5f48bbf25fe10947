import { closest } from '../../suggest.js';
import type { CheckContext } from '../context.js';
import {
  checkIssuerUrl,
  checkPlaceholders,
  checkSameIssuer,
  checkType,
  checkUnknownKeys,
  isJsonPointer,
  typeOf,
  type JsonType,
} from '../common.js';
import type { ConfigDocument } from '../document.js';
import type { OnlineCheck, ProfileChecker } from './types.js';

/** Seed 001's `[auth]` key table: key → type. Defaults live in `DEFAULTS`. */
const AUTH_KEYS: Record<string, JsonType> = {
  enabled: 'boolean',
  issuer: 'string',
  audience: 'string',
  algorithms: 'string[]',
  leeway_secs: 'integer',
  jwks_refresh_secs: 'integer',
  read_scopes: 'string[]',
  reload_scopes: 'string[]',
  anonymous_read: 'boolean',
  tenant_claim: 'string',
  allowed_tenants: 'string[]',
  admin_token_fallback: 'boolean',
  start_degraded: 'boolean',
};
const SWAGGER_OAUTH2_KEYS: Record<string, JsonType> = {
  issuer: 'string',
  client_id: 'string',
  scopes: 'string[]',
};
export const DATAPRESS_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
];
const DEFAULTS = {
  enabled: false,
  audience: '',
  algorithms: ['RS256'],
  leeway_secs: 60,
  jwks_refresh_secs: 3600,
  read_scopes: [] as string[],
  anonymous_read: false,
  tenant_claim: '',
  allowed_tenants: [] as string[],
  admin_token_fallback: true,
  start_degraded: true,
};

const isObject = (v: unknown): v is Record<string, unknown> => typeOf(v) === 'object';

/** DataPress: the `[auth]` block and `[swagger.oauth2]` of its TOML config (seed 001). */
export const datapress: ProfileChecker = {
  detect(document: ConfigDocument): number {
    if (document.kind !== 'toml') return 0;
    const auth = document.data.auth;
    if (isObject(auth) && Object.keys(auth).some((k) => k in AUTH_KEYS)) return 3;
    return isObject(document.data.swagger) ? 2 : 0;
  },

  check(ctx: CheckContext): OnlineCheck[] {
    const data = ctx.document.data;
    const online: OnlineCheck[] = [];
    if (data.auth === undefined) {
      ctx.report('auth/disabled', [], {
        message: 'no [auth] table: DataPress runs without authentication',
        fix: 'add an [auth] block (authctl init --profile datapress writes one)',
      });
    }
    if (data.auth !== undefined && !isObject(data.auth)) {
      ctx.report('config/invalid-type', ['auth'], {
        at: 'value',
        message: 'auth must be a table',
        fix: 'write it as an [auth] table',
      });
    }
    const auth = isObject(data.auth) ? data.auth : undefined;
    if (auth) online.push(...checkAuth(ctx, auth));
    const swagger = isObject(data.swagger) ? data.swagger : undefined;
    if (swagger) checkSwagger(ctx, swagger, auth);
    return online;
  },
};

function checkAuth(ctx: CheckContext, auth: Record<string, unknown>): OnlineCheck[] {
  const P = ['auth'];
  checkUnknownKeys(ctx, auth, Object.keys(AUTH_KEYS), P);
  checkPlaceholders(ctx, auth, P);
  const ok: Record<string, boolean> = {};
  for (const [key, type] of Object.entries(AUTH_KEYS)) ok[key] = checkType(ctx, auth, key, type, P);
  const get = <K extends keyof typeof DEFAULTS>(key: K): (typeof DEFAULTS)[K] =>
    (ok[key] && key in auth ? auth[key] : DEFAULTS[key]) as (typeof DEFAULTS)[K];

  const enabled = get('enabled');
  if (!enabled && ok.enabled) {
    ctx.report('auth/disabled', 'enabled' in auth ? [...P, 'enabled'] : P, {
      at: 'value',
      message: '[auth] enabled is false: every API request is accepted without a token',
      fix: 'set enabled = true (with issuer, audience and algorithms)',
    });
  }
  const issuer = ok.issuer && typeof auth.issuer === 'string' ? auth.issuer : undefined;
  if (enabled && !issuer) {
    ctx.report('auth/issuer-required', 'issuer' in auth ? [...P, 'issuer'] : P, {
      at: 'value',
      message: '[auth] is enabled but issuer is missing or empty',
      fix: 'set issuer to your IdP, e.g. issuer = "https://login.example.com/realms/main"',
    });
  }
  if (issuer) checkIssuerUrl(ctx, [...P, 'issuer'], issuer, 'auth.issuer');

  const algorithms = get('algorithms');
  if (ok.algorithms && Array.isArray(auth.algorithms) && algorithms.length === 0) {
    ctx.report('auth/no-algorithms', [...P, 'algorithms'], {
      at: 'value',
      message: 'algorithms is empty: every token is rejected',
      fix: 'algorithms = ["RS256"]',
    });
  }
  if (ok.algorithms) {
    algorithms.forEach((alg, index) => {
      if (DATAPRESS_ALGORITHMS.includes(alg)) return;
      const hmac = /^HS\d+$/i.test(alg);
      const suggestion = hmac ? undefined : closest(alg, DATAPRESS_ALGORITHMS);
      ctx.report('auth/algorithm-not-allowed', [...P, 'algorithms', index], {
        at: 'value',
        message: hmac
          ? `algorithm "${alg}" is HMAC: DataPress verifies against the issuer's JWKS and accepts only RS/ES/PS variants`
          : `algorithm "${alg}" is not accepted (only RS/ES/PS variants)${suggestion ? `: did you mean "${suggestion}"?` : ''}`,
        fix: suggestion
          ? `use "${suggestion}"`
          : `use the issuer's signing algorithm, one of ${DATAPRESS_ALGORITHMS.join(', ')}`,
      });
    });
  }

  const leeway = get('leeway_secs');
  if (ok.leeway_secs && leeway < 0)
    ctx.report('config/out-of-range', [...P, 'leeway_secs'], {
      at: 'value',
      message: `leeway_secs must not be negative (got ${leeway})`,
      fix: 'leeway_secs = 60',
    });
  else if (leeway > 300)
    ctx.report('auth/leeway-too-large', [...P, 'leeway_secs'], {
      at: 'value',
      message: `leeway_secs = ${leeway} accepts tokens more than 5 minutes past expiry`,
      fix: 'leeway_secs = 60 (the default)',
    });

  const refresh = get('jwks_refresh_secs');
  if (ok.jwks_refresh_secs && 'jwks_refresh_secs' in auth && refresh < 60) {
    ctx.report('auth/jwks-refresh-clamped', [...P, 'jwks_refresh_secs'], {
      at: 'value',
      message: `jwks_refresh_secs = ${refresh} is clamped to 60 by DataPress`,
      fix: 'set jwks_refresh_secs = 60 or more (default 3600)',
    });
  }

  const tenantClaim = get('tenant_claim');
  if (ok.tenant_claim && tenantClaim !== '' && !isJsonPointer(tenantClaim)) {
    const fixed = `/${tenantClaim
      .replace(/^\$?\.?/, '')
      .replace(/~/g, '~0')
      .replace(/\./g, '/')}`;
    ctx.report('auth/tenant-claim-not-pointer', [...P, 'tenant_claim'], {
      at: 'value',
      message: `tenant_claim "${tenantClaim}" is not an RFC 6901 JSON pointer`,
      fix: `write it as a pointer: tenant_claim = "${fixed}"`,
    });
  }
  const allowed = get('allowed_tenants');
  if (ok.allowed_tenants && allowed.length > 0 && tenantClaim === '') {
    ctx.report('auth/allowed-tenants-without-claim', [...P, 'allowed_tenants'], {
      message: 'allowed_tenants is set but tenant_claim is empty, so no tenant is ever checked',
      fix: 'set tenant_claim (e.g. "/tid") or remove allowed_tenants',
    });
  }
  const readScopes = get('read_scopes');
  if (get('anonymous_read')) {
    if (readScopes.length > 0) {
      ctx.report('auth/anonymous-read-with-scopes', [...P, 'anonymous_read'], {
        at: 'value',
        message: 'anonymous_read = true makes reads public, so read_scopes is never checked',
        fix: 'set anonymous_read = false to enforce read_scopes, or remove read_scopes',
      });
    }
    ctx.report('auth/anonymous-read', [...P, 'anonymous_read'], {
      at: 'value',
      message: 'anonymous_read = true: every GET /api/... is public',
      fix: 'set anonymous_read = false unless the data is public',
    });
  }
  const audience = get('audience');
  if (enabled && ok.audience && audience === '') {
    ctx.report('auth/audience-empty', 'audience' in auth ? [...P, 'audience'] : P, {
      at: 'value',
      message: 'audience is empty: tokens minted for any other API of this issuer are accepted',
      fix: 'set audience = "api://datapress" (the aud your issuer puts in tokens)',
    });
  } else if (issuer && audience && audience.replace(/\/+$/, '') === issuer.replace(/\/+$/, '')) {
    ctx.report('auth/audience-is-issuer', [...P, 'audience'], {
      at: 'value',
      message: 'audience equals the issuer URL; aud names the API, not the IdP',
      fix: 'use the API identifier, e.g. "api://datapress"',
    });
  }
  if (enabled && get('admin_token_fallback')) {
    ctx.report(
      'auth/admin-token-fallback',
      'admin_token_fallback' in auth ? [...P, 'admin_token_fallback'] : P,
      {
        at: 'value',
        message: 'admin_token_fallback keeps the shared X-Admin-Token working next to OIDC',
        fix: 'set admin_token_fallback = false once reload_scopes are granted through the IdP',
      },
    );
  }
  if (!enabled || !issuer) return [];
  return [
    {
      issuer,
      path: [...P, 'issuer'],
      algorithms: ok.algorithms ? algorithms : DEFAULTS.algorithms,
      scopes: [
        ...readScopes,
        ...(ok.reload_scopes && Array.isArray(auth.reload_scopes)
          ? (auth.reload_scopes as string[])
          : []),
      ],
      audience,
      refreshSecs: Math.max(60, refresh),
      required: get('start_degraded') === false,
    },
  ];
}

function checkSwagger(
  ctx: CheckContext,
  swagger: Record<string, unknown>,
  auth: Record<string, unknown> | undefined,
): void {
  const oauth2 = swagger.oauth2;
  if (oauth2 === undefined) {
    // Without [swagger.oauth2] the UI is served with no SSO: the whole API surface is browsable.
    ctx.report('auth/public-docs', ['swagger'], {
      message: 'Swagger UI is served without [swagger.oauth2] sign-in',
      fix: 'add [swagger.oauth2] (issuer, client_id, scopes) or disable the Swagger UI in this environment',
    });
    return;
  }
  const P = ['swagger', 'oauth2'];
  if (!isObject(oauth2)) {
    ctx.report('config/invalid-type', P, {
      at: 'value',
      message: 'swagger.oauth2 must be a table',
      fix: 'write it as a [swagger.oauth2] table',
    });
    return;
  }
  checkUnknownKeys(ctx, oauth2, Object.keys(SWAGGER_OAUTH2_KEYS), P);
  checkPlaceholders(ctx, oauth2, P);
  const ok: Record<string, boolean> = {};
  for (const [key, type] of Object.entries(SWAGGER_OAUTH2_KEYS))
    ok[key] = checkType(ctx, oauth2, key, type, P);
  if (!ok.client_id || typeof oauth2.client_id !== 'string' || oauth2.client_id === '') {
    if (ok.client_id)
      ctx.report('swagger/client-id-required', 'client_id' in oauth2 ? [...P, 'client_id'] : P, {
        at: 'value',
        message: '[swagger.oauth2] has no client_id',
        fix: 'set client_id to the SPA client registered at your IdP',
      });
  }
  if (ok.issuer && typeof oauth2.issuer === 'string') {
    const authIssuer = typeof auth?.issuer === 'string' ? auth.issuer : undefined;
    if (authIssuer)
      checkSameIssuer(ctx, [...P, 'issuer'], oauth2.issuer, authIssuer, 'auth.issuer');
    else checkIssuerUrl(ctx, [...P, 'issuer'], oauth2.issuer, 'swagger.oauth2.issuer');
  }
  const readScopes = Array.isArray(auth?.read_scopes)
    ? (auth!.read_scopes as unknown[]).filter((s): s is string => typeof s === 'string')
    : [];
  if (ok.scopes && Array.isArray(oauth2.scopes) && auth?.anonymous_read !== true) {
    const missing = readScopes.filter((scope) => !(oauth2.scopes as string[]).includes(scope));
    if (missing.length) {
      ctx.report('swagger/missing-read-scopes', [...P, 'scopes'], {
        at: 'value',
        message: `Swagger UI does not request ${missing.map((s) => `"${s}"`).join(', ')}, so "Try it out" gets 403 on reads`,
        fix: `add ${missing.map((s) => `"${s}"`).join(', ')} to swagger.oauth2.scopes`,
      });
    }
  }
}

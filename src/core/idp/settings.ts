import type { AuthctlConfig } from '../config/schema.js';
import { IDP_LAYOUTS, IDP_VENDORS, type IdpLayout, type IdpVendor } from './constants.js';
import { parseDuration } from '../duration.js';
import { usageError } from '../errors.js';
import type { JWTAlgorithm } from '../keys/algorithms.js';
import { DEFAULT_TTL_SECONDS } from '../token/mint.js';
import { mappingFromConfig } from '../token/settings.js';
import { resolveAuthFeatures } from './auth-features.js';
import { LAYOUT_MAPPINGS } from './layouts.js';
import { parseCorsOrigins } from './origin.js';
import { routeTable } from './paths.js';
import { VENDORS } from './vendors/index.js';
import { checkClaimKeys } from './request-claims.js';
import type { IdpSettings, IssuerContext } from './types.js';

export const DEFAULT_IDP_PORT = 9400;
export const DEFAULT_IDP_HOST = '127.0.0.1';

export interface IdpSettingsOptions {
  /** Published base URL: `--issuer-url`, else http://host:port. The root issuer is exactly this (a trailing slash kept). */
  baseUrl: string;
  layout?: string;
  /** `--vendor`: the root issuer's vendor (over `[idp] vendor`). */
  vendor?: string;
  control?: boolean;
  /** `--cors-origin` values (added to `[idp] cors_origins`). */
  corsOrigins?: string[];
}

const toList = (value: string | string[] | undefined) =>
  value === undefined ? undefined : Array.isArray(value) ? value : [value];

function vendorOf(value: string | undefined, where: string): IdpVendor {
  if (value === undefined) return 'default';
  if (!(IDP_VENDORS as readonly string[]).includes(value)) {
    throw usageError('ERR_BAD_VENDOR', `unknown vendor "${value}"`, {
      where,
      hint: `use one of: ${IDP_VENDORS.join(', ')}`,
    });
  }
  return value as IdpVendor;
}

/** An explicit layout, else the vendor's (a vendor implies its claim layout). */
function layoutOf(value: string | undefined, where: string, vendor: IdpVendor): IdpLayout {
  if (value === undefined) return VENDORS[vendor].layout;
  if (!(IDP_LAYOUTS as readonly string[]).includes(value)) {
    throw usageError('ERR_BAD_LAYOUT', `unknown claim layout "${value}"`, {
      where,
      hint: `use one of: ${IDP_LAYOUTS.join(', ')}`,
    });
  }
  return value as IdpLayout;
}

/** `/contoso/v2.0/` → `/contoso/v2.0`; the root issuer has path ''. */
export function normalizeIssuerPath(value: string, where: string): string {
  const path = `/${value.replace(/^\/+|\/+$/g, '')}`;
  if (path === '/' || path.startsWith('/_authctl') || /[?#\s]/.test(path)) {
    throw usageError('ERR_BAD_ISSUER_PATH', `issuer path "${value}" is not usable`, {
      where,
      hint: 'use a path such as /tenant-a or /contoso/v2.0 (not / or /_authctl)',
    });
  }
  return path;
}

/** Claims from config are applied as JSON pointers on every token: refuse bad keys at start-up, not per request. */
function checkConfigClaims(config: AuthctlConfig): void {
  const idp = config.idp ?? {};
  for (const [id, c] of Object.entries(idp.clients ?? {}))
    checkClaimKeys(c.claims, `idp.clients.${id}.claims`);
  for (const [id, u] of Object.entries(idp.users ?? {}))
    checkClaimKeys(u.claims, `idp.users.${id}.claims`);
  for (const [id, i] of Object.entries(idp.issuers ?? {}))
    checkClaimKeys(i.claims, `idp.issuers.${id}.claims`);
  for (const [id, t] of Object.entries(config.tokens ?? {}))
    checkClaimKeys(t.claims, `tokens.${id}.claims`);
}

/** The issuers, clients and users to serve, from `[idp]` and `[token]` config plus flags. */
export function resolveIdpSettings(
  config: AuthctlConfig,
  options: IdpSettingsOptions,
): IdpSettings {
  const idp = config.idp ?? {};
  checkConfigClaims(config);
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const issuer = issuerFactory(config, options, baseUrl);
  const vendor = vendorOf(
    options.vendor ?? idp.vendor,
    options.vendor ? '{{vendor}}' : 'idp.vendor',
  );
  const spec = VENDORS[vendor];
  const issuers: IssuerContext[] = [
    issuer(
      'default',
      spec.rootPath ?? spec.defaultPath('default'),
      vendor,
      layoutOf(options.layout ?? idp.layout, options.layout ? '{{layout}}' : 'idp.layout', vendor),
      {},
    ),
  ];
  for (const [id, cfg] of Object.entries(idp.issuers ?? {}))
    issuers.push(namedIssuer(id, cfg, issuer));
  // Two issuers claiming one path is a start-up error, not a request served by the wrong one.
  routeTable(issuers);
  return {
    baseUrl,
    issuers,
    clients: new Map(Object.entries(idp.clients ?? {})),
    users: new Map(Object.entries(idp.users ?? {})),
    control: options.control ?? idp.control ?? true,
    corsOrigins: [
      ...parseCorsOrigins(idp.cors_origins, 'idp.cors_origins'),
      ...parseCorsOrigins(options.corsOrigins, '{{corsOrigin}}'),
    ],
    refreshTtlSeconds: Math.round(parseDuration(idp.refresh_ttl ?? '8h', 'idp.refresh_ttl')),
    maxEntries: idp.max_entries,
    codeTtlSeconds: Math.round(parseDuration(idp.code_ttl ?? 60, 'idp.code_ttl')),
    auth: resolveAuthFeatures(idp),
    authctl: config,
  };
}

type MakeIssuer = (
  id: string,
  path: string,
  vendor: IdpVendor,
  layout: IdpLayout,
  extra: Partial<IssuerContext>,
) => IssuerContext;

/** Issuer contexts with the `[idp]` defaults (alg, audience, ttl, the layout's claim mapping). */
function issuerFactory(
  config: AuthctlConfig,
  options: IdpSettingsOptions,
  baseUrl: string,
): MakeIssuer {
  const idp = config.idp ?? {};
  // An issuer identifier is compared byte for byte (OIDC Discovery §4.3): `https://tenant.auth0.com/`
  // stays exactly that, so a service configured with the slash matches `iss`. Paths join without it.
  // A vendor's issuer is byte for byte its format: Entra's ends in /v2.0, Auth0's in a slash.
  const issuerUrl = (path: string, vendor: IdpVendor) =>
    vendor === 'default'
      ? path
        ? `${baseUrl}${path}`
        : options.baseUrl
      : `${baseUrl}${path}${VENDORS[vendor].issuerSuffix}`;
  const alg = (idp.alg ?? 'RS256') as JWTAlgorithm;
  const ttl = Math.round(parseDuration(idp.ttl ?? DEFAULT_TTL_SECONDS, 'idp.ttl'));
  const configMapping = mappingFromConfig(config);
  return (id, path, vendor, layout, extra) => ({
    id,
    path,
    url: issuerUrl(path, vendor),
    serverUrl: baseUrl,
    vendor,
    layout,
    // The default layout is `authctl token mint`'s: the [token] mapping from config.
    mapping: layout === 'default' ? configMapping : LAYOUT_MAPPINGS[layout],
    alg,
    audience:
      toList(idp.audience ?? config.token?.audience) ?? VENDORS[vendor].defaultAudience?.(path),
    ttlSeconds: ttl,
    tenant: VENDORS[vendor].defaultTenant?.(id, path),
    claims: {},
    ownKeys: false,
    ...extra,
  });
}

type IssuerConfig = NonNullable<NonNullable<AuthctlConfig['idp']>['issuers']>[string];

/** `[idp.issuers.ID]`: another issuer on its own path, with its own layout, audience, ttl, keys. */
function namedIssuer(id: string, cfg: IssuerConfig, issuer: MakeIssuer): IssuerContext {
  const where = `idp.issuers.${id}`;
  if (cfg.keys === 'own' && !/^[A-Za-z0-9._-]+$/.test(id)) {
    // The id names a directory under the keystore: keep it one plain path segment.
    throw usageError(
      'ERR_BAD_ISSUER_ID',
      `issuer id "${id}" cannot name its own keystore directory`,
      {
        where: `${where}.keys`,
        hint: 'use letters, digits, ".", "_" and "-" in the id (set the URL with path = "...")',
      },
    );
  }
  const vendor = vendorOf(cfg.vendor, `${where}.vendor`);
  return issuer(
    id,
    normalizeIssuerPath(cfg.path ?? VENDORS[vendor].defaultPath(id, cfg.tenant), `${where}.path`),
    vendor,
    layoutOf(cfg.layout, `${where}.layout`, vendor),
    {
      ...(cfg.audience !== undefined ? { audience: toList(cfg.audience) } : {}),
      ...(cfg.ttl !== undefined
        ? { ttlSeconds: Math.round(parseDuration(cfg.ttl, `${where}.ttl`)) }
        : {}),
      ...(cfg.tenant !== undefined ? { tenant: cfg.tenant } : {}),
      claims: cfg.claims ?? {},
      ownKeys: cfg.keys === 'own',
    },
  );
}

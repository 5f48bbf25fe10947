import type { AuthctlConfig } from '../config/schema.js';
import type { TokenPresetConfig } from './config.js';
import { parseDuration } from '../duration.js';
import { usageError } from '../errors.js';
import { parseAlgorithm, type JWTAlgorithm } from '../keys/algorithms.js';
import { closest } from '../suggest.js';
import type { ClaimsMapping } from './claims.js';
import { DEFAULT_ISSUER } from './mint.js';

/** What a token needs, before keys: the merge of config `[token]`, a preset, and flags (flags win). */
export interface TokenSettings {
  issuer: string;
  subject?: string;
  audience?: string[];
  ttlSeconds?: number;
  alg: JWTAlgorithm;
  kid?: string;
  scopes?: string[];
  roles?: string[];
  tenant?: string;
  claims: Record<string, unknown>;
  header: Record<string, unknown>;
  mapping: Partial<ClaimsMapping>;
}

export type TokenSettingsInput = Partial<
  Omit<TokenSettings, 'claims' | 'header' | 'mapping' | 'alg' | 'ttlSeconds'>
> & {
  alg?: string;
  ttl?: string | number;
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
  mapping?: Partial<ClaimsMapping>;
};

const toList = (value: string | string[] | undefined) =>
  value === undefined ? undefined : Array.isArray(value) ? value : [value];

/** The claims mapping from config `[token]` (shared by mint, the mock issuer and the probe). */
export function mappingFromConfig(config: AuthctlConfig): Partial<ClaimsMapping> {
  const token = config.token ?? {};
  const mapping: Partial<ClaimsMapping> = {};
  if (token.tenant_claim) mapping.tenantClaim = token.tenant_claim;
  if (token.roles_claim) mapping.rolesClaim = token.roles_claim;
  if (token.scope_claim) mapping.scopeClaim = token.scope_claim;
  if (token.scope_format) mapping.scopeFormat = token.scope_format;
  return mapping;
}

/**
 * The `[tokens.NAME]` preset of the config; an unknown name is a usage error with the closest match.
 */
export function findPreset(config: AuthctlConfig, name: string): TokenPresetConfig {
  const presets = config.tokens ?? {};
  const preset = presets[name];
  if (!preset) {
    const names = Object.keys(presets);
    const suggestion = closest(name, names);
    throw usageError('ERR_UNKNOWN_PRESET', `no token preset "${name}"`, {
      field: 'preset',
      hint: names.length
        ? `${suggestion ? `did you mean ${suggestion}? ` : ''}presets in config: ${names.join(', ')}`
        : 'define one in authctl.toml as [tokens.NAME] (sub, audience, roles, scopes, tenant, ttl, claims)',
    });
  }
  return preset;
}

/** The settings `token mint` uses: flags over the named preset over `[token]` defaults. */
export function resolveTokenSettings(
  config: AuthctlConfig,
  presetName: string | undefined,
  flags: TokenSettingsInput,
): TokenSettings {
  const defaults = config.token ?? {};
  const preset: TokenPresetConfig = presetName ? findPreset(config, presetName) : {};
  return {
    issuer: flags.issuer ?? preset.issuer ?? defaults.issuer ?? DEFAULT_ISSUER,
    subject: flags.subject ?? preset.sub,
    audience: flags.audience?.length
      ? flags.audience
      : toList(preset.audience ?? defaults.audience),
    ttlSeconds: ttlOf(flags, preset, defaults),
    alg: algOf(flags, preset, defaults),
    kid: flags.kid ?? preset.kid,
    scopes: flags.scopes?.length ? flags.scopes : preset.scopes,
    roles: flags.roles?.length ? flags.roles : preset.roles,
    tenant: flags.tenant ?? preset.tenant,
    claims: { ...preset.claims, ...flags.claims },
    header: { ...preset.header, ...flags.header },
    mapping: { ...mappingFromConfig(config), ...flags.mapping },
  };
}

type TokenDefaults = NonNullable<AuthctlConfig['token']>;

/** The flag, else the preset's, else the config default; errors name where the value came from. */
function ttlOf(flags: TokenSettingsInput, preset: TokenPresetConfig, defaults: TokenDefaults) {
  const ttl = flags.ttl ?? preset.ttl ?? defaults.ttl;
  if (ttl === undefined) return undefined;
  return positiveSeconds(ttl, flags.ttl !== undefined ? '{{ttl}}' : 'ttl in config');
}

function algOf(flags: TokenSettingsInput, preset: TokenPresetConfig, defaults: TokenDefaults) {
  const algText = flags.alg ?? preset.alg ?? defaults.alg ?? 'RS256';
  return parseAlgorithm(algText, flags.alg !== undefined ? '{{alg}}' : 'alg in config');
}

function positiveSeconds(value: string | number, where: string): number {
  const seconds = parseDuration(value, where);
  if (seconds <= 0)
    throw usageError('ERR_BAD_DURATION', `${where} must be positive`, {
      where,
      hint: 'e.g. 90s, 15m, 2h, 7d',
    });
  return Math.round(seconds);
}

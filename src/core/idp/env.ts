import type { IdpConfig } from './config.js';
import { idpSchema } from './config.js';
import { field, usageError } from '../errors.js';

/**
 * `authctl idp serve` settings from environment variables, for CI service containers (GitHub and
 * GitLab `services:`), which cannot pass arguments. One layer, in one place: flag > env > config
 * file > default. The env values go into the `[idp]` config (so the config's own validation and
 * defaults apply), except the few settings that only exist as flags.
 *
 * A new `idp serve` setting is one row here (and one line in docs/ci.md's table).
 */
export interface IdpEnvSetting {
  name: string;
  /** The `[idp]` key it sets, or the serve flag it defaults (settings with no config key). */
  target: { config: keyof IdpConfig } | { flag: keyof IdpEnvFlags };
  parse: (raw: string) => unknown;
  /** The serve input it stands in for (the CLI names it as its flag), for hints. */
  field?: string;
  example: string;
}

/** Serve settings that exist only as flags. */
export interface IdpEnvFlags {
  log?: boolean;
  keysFile?: string;
  readyFile?: string;
  tlsCert?: string;
  tlsKey?: string;
}

const text = (raw: string) => raw;
const integer = (raw: string) => (/^-?\d+$/.test(raw.trim()) ? Number(raw) : raw);
const list = (raw: string) =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
function boolean(raw: string): boolean | string {
  const value = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  return raw; // left for the schema (or the flag check) to reject, naming the variable
}

export const IDP_ENV: readonly IdpEnvSetting[] = [
  {
    name: 'AUTHCTL_ISSUER_URL',
    target: { config: 'issuer_url' },
    parse: text,
    field: 'issuerUrl',
    example: 'http://idp:9400',
  },
  {
    name: 'AUTHCTL_HOST',
    target: { config: 'host' },
    parse: text,
    field: 'host',
    example: '0.0.0.0',
  },
  {
    name: 'AUTHCTL_PORT',
    target: { config: 'port' },
    parse: integer,
    field: 'port',
    example: '9400',
  },
  {
    name: 'AUTHCTL_LAYOUT',
    target: { config: 'layout' },
    parse: text,
    field: 'layout',
    example: 'entra',
  },
  {
    name: 'AUTHCTL_CONTROL',
    target: { config: 'control' },
    parse: boolean,
    field: 'noControl',
    example: 'false',
  },
  {
    name: 'AUTHCTL_LOG',
    target: { flag: 'log' },
    parse: boolean,
    field: 'noLog',
    example: 'false',
  },
  { name: 'AUTHCTL_TLS', target: { config: 'tls' }, parse: boolean, field: 'tls', example: '1' },
  {
    name: 'AUTHCTL_TLS_CERT',
    target: { flag: 'tlsCert' },
    parse: text,
    field: 'tlsCert',
    example: '/run/secrets/idp.pem',
  },
  {
    name: 'AUTHCTL_TLS_KEY',
    target: { flag: 'tlsKey' },
    parse: text,
    field: 'tlsKey',
    example: '/run/secrets/idp-key.pem',
  },
  { name: 'AUTHCTL_ALG', target: { config: 'alg' }, parse: text, example: 'ES256' },
  {
    name: 'AUTHCTL_AUDIENCE',
    target: { config: 'audience' },
    parse: list,
    example: 'api://orders,api://billing',
  },
  { name: 'AUTHCTL_TTL', target: { config: 'ttl' }, parse: text, example: '15m' },
  { name: 'AUTHCTL_REFRESH_TTL', target: { config: 'refresh_ttl' }, parse: text, example: '8h' },
  { name: 'AUTHCTL_CODE_TTL', target: { config: 'code_ttl' }, parse: text, example: '60s' },
  {
    name: 'AUTHCTL_CORS_ORIGINS',
    target: { config: 'cors_origins' },
    parse: list,
    field: 'corsOrigin',
    example: 'http://app:3000,https://app.example',
  },
  {
    name: 'AUTHCTL_MAX_ENTRIES',
    target: { config: 'max_entries' },
    parse: integer,
    example: '50000',
  },
  {
    name: 'AUTHCTL_STORE',
    target: { config: 'store' },
    parse: text,
    field: 'store',
    example: 'redis://redis:6379/0',
  },
  {
    name: 'AUTHCTL_READY_FILE',
    target: { flag: 'readyFile' },
    parse: text,
    field: 'readyFile',
    example: '/tmp/idp-ready.json',
  },
  {
    name: 'AUTHCTL_KEYS_FILE',
    target: { flag: 'keysFile' },
    parse: text,
    example: '/run/secrets/signing-key.pem',
  },
];

export interface IdpEnv {
  /** Overrides for `[idp]`, to lay over the config file's. */
  idp: Partial<IdpConfig>;
  flags: IdpEnvFlags;
  /** The variables that were set, by setting, for messages. */
  from: Map<string, string>;
}

/** Reads and validates every IDP_ENV variable that is set (empty counts as unset). */
export function idpSettingsFromEnv(
  env: NodeJS.ProcessEnv,
  table: readonly IdpEnvSetting[] = IDP_ENV,
): IdpEnv {
  const result: IdpEnv = { idp: {}, flags: {}, from: new Map() };
  for (const setting of table) {
    const raw = env[setting.name];
    if (raw === undefined || raw === '') continue;
    const value = setting.parse(raw);
    if ('config' in setting.target) {
      const checked = idpSchema.shape[setting.target.config].safeParse(value);
      if (!checked.success)
        throw badValue(setting, raw, checked.error.issues[0]?.message ?? 'invalid value');
      (result.idp as Record<string, unknown>)[setting.target.config] = checked.data;
      result.from.set(setting.target.config, setting.name);
    } else {
      if (setting.parse === boolean && typeof value !== 'boolean')
        throw badValue(setting, raw, 'expected true or false');
      (result.flags as Record<string, unknown>)[setting.target.flag] = value;
      result.from.set(setting.target.flag, setting.name);
    }
  }
  return result;
}

function badValue(setting: IdpEnvSetting, raw: string, why: string) {
  const shown = raw.length > 80 ? `${raw.slice(0, 77)}...` : raw;
  return usageError(
    'ERR_BAD_ENV',
    `${setting.name}="${shown}" is not valid: ${why.replace(/\n.*/s, '')}`,
    {
      where: setting.name,
      hint: `e.g. ${setting.name}=${setting.example}${setting.field ? ` (the same as ${field(setting.field)})` : ''}, or unset it`,
    },
  );
}

/**
 * Where signing credentials come from: flags, an authctl `[sigv4.<name>]` profile, the standard
 * AWS_* environment variables, or a profile of ~/.aws/credentials. The file system and the
 * environment are passed in, so this stays testable and free of process globals.
 */
import path from 'node:path';
import type { SigV4Profile } from './config.js';
import { usageError } from '../errors.js';
import type { SigV4Credentials } from './types.js';

export interface CredentialSources {
  flags: {
    accessKeyId?: string;
    secretAccessKey?: string;
    sessionToken?: string;
    profile?: string;
  };
  env: Record<string, string | undefined>;
  /** `[sigv4.*]` profiles of the authctl config. */
  profiles?: Record<string, SigV4Profile>;
  homeDir: string;
  readFile: (file: string) => string | undefined;
}

export interface ResolvedCredentials {
  credentials: SigV4Credentials;
  /** Where they came from, for `--verbose` (never the secret). */
  source: string;
  /** Settings an authctl profile adds (region, service, ...). */
  profile?: SigV4Profile;
  /**
   * The region that goes with these credentials: the chosen profile's (authctl, else `region` of
   * `[profile NAME]` in ~/.aws/config), else AWS_REGION / AWS_DEFAULT_REGION, else (no --profile)
   * the config file's region for AWS_PROFILE or default.
   */
  region?: string;
}

/**
 * Parses an INI file like ~/.aws/credentials or ~/.aws/config into sections of lower-cased keys.
 * The two files name profiles differently: `[NAME]` in credentials, `[profile NAME]` in config
 * (except `[default]`); in config, other sections (`[sso-session x]`, a bare `[NAME]`) are not
 * profiles and are left out, as the AWS CLI does. Whole-line
 * comments start with `#` or `;`; after a section header or a value, a `#`/`;` preceded by
 * whitespace starts a comment too (AWS secrets never contain whitespace, so nothing is cut).
 * A line that starts like a header but is malformed ends the current section, so the keys
 * under it never land in the previous profile.
 */
export function parseIni(
  text: string,
  kind: 'credentials' | 'config' = 'credentials',
): Record<string, Record<string, string>> {
  const sections: Record<string, Record<string, string>> = {};
  let current: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[')) {
      const header = /^\[\s*(profile\s+)?([^\]]+?)\s*\](?:\s*[#;].*)?$/.exec(line);
      const isProfile =
        header && (kind === 'credentials' || header[1] !== undefined || header[2] === 'default');
      current =
        header && isProfile
          ? (sections[header[2]!] ??= Object.create(null) as Record<string, string>)
          : undefined;
      continue;
    }
    const eq = line.indexOf('=');
    if (current && eq > 0)
      current[line.slice(0, eq).trim().toLowerCase()] = line
        .slice(eq + 1)
        .replace(/\s[#;].*$/, '')
        .trim();
  }
  return sections;
}

function fromAwsFile(sources: CredentialSources, name: string): SigV4Credentials | undefined {
  const file =
    sources.env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(sources.homeDir, '.aws', 'credentials');
  const text = sources.readFile(file);
  if (text === undefined) return undefined;
  const section = parseIni(text)[name];
  if (!section?.aws_access_key_id || !section.aws_secret_access_key) return undefined;
  return {
    accessKeyId: section.aws_access_key_id,
    secretAccessKey: section.aws_secret_access_key,
    sessionToken: section.aws_session_token,
  };
}

/** `region` of a profile in ~/.aws/config (AWS_CONFIG_FILE overrides the path). */
function configRegion(sources: CredentialSources, name: string): string | undefined {
  const file = sources.env.AWS_CONFIG_FILE ?? path.join(sources.homeDir, '.aws', 'config');
  const text = sources.readFile(file);
  return text === undefined ? undefined : parseIni(text, 'config')[name]?.region || undefined;
}

function resolveRegion(
  sources: CredentialSources,
  profile: SigV4Profile | undefined,
): string | undefined {
  const { env, flags } = sources;
  const explicit = flags.profile
    ? profile
      ? (profile.region ??
        (profile.aws_profile ? configRegion(sources, profile.aws_profile) : undefined))
      : configRegion(sources, flags.profile)
    : profile?.region;
  // Like the AWS CLI: a named profile without a region does not borrow [default]'s.
  return (
    explicit ??
    (env.AWS_REGION ||
      env.AWS_DEFAULT_REGION ||
      (flags.profile ? undefined : configRegion(sources, env.AWS_PROFILE || 'default')))
  );
}

function fromAuthctlProfile(
  sources: CredentialSources,
  name: string,
  profile: SigV4Profile,
): SigV4Credentials {
  const where = `[sigv4.${name}]`;
  const base = profile.aws_profile ? fromAwsFile(sources, profile.aws_profile) : undefined;
  if (profile.aws_profile && !base) {
    throw usageError(
      'ERR_SIGV4_NO_CREDENTIALS',
      `profile "${profile.aws_profile}" not found in the AWS credentials file`,
      {
        where: `${where} aws_profile`,
        hint: 'check ~/.aws/credentials (or AWS_SHARED_CREDENTIALS_FILE)',
      },
    );
  }
  const envSecret = profile.secret_access_key_env
    ? sources.env[profile.secret_access_key_env]
    : undefined;
  if (profile.secret_access_key_env && !envSecret) {
    throw usageError(
      'ERR_SIGV4_NO_CREDENTIALS',
      `environment variable ${profile.secret_access_key_env} is not set`,
      {
        where: `${where} secret_access_key_env`,
        hint: `export ${profile.secret_access_key_env}=...`,
      },
    );
  }
  return {
    accessKeyId: profile.access_key_id ?? base?.accessKeyId ?? '',
    secretAccessKey: envSecret ?? profile.secret_access_key ?? base?.secretAccessKey ?? '',
    sessionToken:
      (profile.session_token_env ? sources.env[profile.session_token_env] : undefined) ??
      profile.session_token ??
      base?.sessionToken,
  };
}

type Found = Omit<ResolvedCredentials, 'region'>;

/** --profile NAME: the authctl config's [sigv4.NAME], else [NAME] of ~/.aws/credentials. */
function fromNamedProfile(sources: CredentialSources, name: string): Found {
  const own = sources.profiles?.[name];
  if (own) {
    return {
      credentials: fromAuthctlProfile(sources, name, own),
      source: `authctl config [sigv4.${name}]`,
      profile: own,
    };
  }
  const aws = fromAwsFile(sources, name);
  if (!aws) {
    const known = Object.keys(sources.profiles ?? {});
    throw usageError('ERR_SIGV4_UNKNOWN_PROFILE', `no SigV4 profile "${name}"`, {
      field: 'profile',
      hint: `define [sigv4.${name}] in authctl.toml or [${name}] in ~/.aws/credentials${known.length ? ` (authctl profiles: ${known.join(', ')})` : ''}`,
    });
  }
  return { credentials: aws, source: `AWS credentials file [${name}]` };
}

/** No --profile: AWS_* env, else the authctl config's [sigv4.default], else AWS_PROFILE/default. */
function fromDefaults(sources: CredentialSources): Found | undefined {
  const { env } = sources;
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return {
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
        sessionToken: env.AWS_SESSION_TOKEN || undefined,
      },
      source: 'AWS_* environment variables',
    };
  }
  if (sources.profiles?.default) {
    return {
      credentials: fromAuthctlProfile(sources, 'default', sources.profiles.default),
      source: 'authctl config [sigv4.default]',
      profile: sources.profiles.default,
    };
  }
  const name = env.AWS_PROFILE || 'default';
  const aws = fromAwsFile(sources, name);
  return aws ? { credentials: aws, source: `AWS credentials file [${name}]` } : undefined;
}

/** Flags > --profile (authctl config, then ~/.aws/credentials) > AWS_* env > AWS_PROFILE/default profile. */
export function resolveCredentials(sources: CredentialSources): ResolvedCredentials {
  const { flags } = sources;
  const resolved = flags.profile ? fromNamedProfile(sources, flags.profile) : fromDefaults(sources);
  // A key pair given as flags is a complete set: a session token left in the environment (or a
  // profile) belongs to other, temporary credentials and would make the service reject the request.
  const flagPair = Boolean(flags.accessKeyId && flags.secretAccessKey);
  const credentials: SigV4Credentials = {
    accessKeyId: flags.accessKeyId ?? resolved?.credentials.accessKeyId ?? '',
    secretAccessKey: flags.secretAccessKey ?? resolved?.credentials.secretAccessKey ?? '',
    sessionToken: flags.sessionToken ?? (flagPair ? undefined : resolved?.credentials.sessionToken),
  };
  const source =
    flags.accessKeyId || flags.secretAccessKey
      ? `flags${resolved ? ` + ${resolved.source}` : ''}`
      : (resolved?.source ?? 'none');
  return {
    credentials,
    source,
    profile: resolved?.profile,
    region: resolveRegion(sources, resolved?.profile),
  };
}

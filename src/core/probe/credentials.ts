import type { ProbeCredentialConfig } from '../config/sections/probe.js';
import type { AuthctlConfig } from '../config/schema.js';
import { usageError } from '../errors.js';
import type { Keystore } from '../keys/keystore.js';
import { parseAlgorithm, type JWTAlgorithm } from '../keys/algorithms.js';
import { decodeToken } from '../token/decode.js';
import type { ClaimsMapping } from '../token/claims.js';
import type { MintTokenOptions } from '../token/mint.js';
import { resolveTokenSettings, mappingFromConfig } from '../token/settings.js';
import { hmacSecretFor } from './hmac-secret.js';
import { resolvePresigned, type PresignedUrl } from './presigned.js';
import type { ProbeSpec } from './spec.js';
import { shellQuote } from '../sigv4/curl.js';
import { fetchIdpToken, idpClient, type IdpClient } from './idp-token.js';

/** What the probe needs to mint tokens like a credential's: the claims a valid token carries. */
export interface JwtTemplate {
  issuer: string;
  audience?: string[];
  subject?: string;
  tenant?: string;
  roles?: string[];
  scopes?: string[];
  alg: JWTAlgorithm;
  ttlSeconds?: number;
  claims: Record<string, unknown>;
  header: Record<string, unknown>;
  mapping: Partial<ClaimsMapping>;
  /** True when authctl's keystore holds the key the service trusts, so claim defects are meaningful. */
  signable: boolean;
  /** HS* only: the service's shared secret from the credential, the spec's [jwt] or config `[token]` (else the keystore's). */
  secret?: Uint8Array;
  /** The `token mint` flags naming where that secret comes from (`--secret-env VAR ...`), for reproduction commands. */
  secretFlags?: string[];
  /** Built from spec settings (so `authctl token mint` can reproduce it), or decoded from someone else's token. */
  origin: 'spec' | 'token';
  /** Global flags (`--home DIR`, `--config FILE`) the reproduction command needs to mint with the same keystore and config from any directory. */
  cliGlobals?: string[];
}

/** A credential ready to use: the headers a valid request carries (SigV4 signs per request). */
export interface ResolvedCredential {
  name: string;
  type: ProbeCredentialConfig['type'];
  /** Static headers of a valid request (not for sigv4). */
  headers: Record<string, string>;
  /** Secret values to mask in output and to look for in echoed bodies. */
  secrets: string[];
  /** For bearer-token credentials: how to mint tokens with defects. */
  jwt?: JwtTemplate;
  /** The valid token (jwt, idp, env). */
  token?: string;
  /** `idp` credentials: how to get fresh tokens of the issuer (revocation, key rotation). */
  idp?: IdpClient;
  apikey?: { key: string; header: string; scheme?: string; revoked?: string };
  /** A presigned URL the service issued (query-signed schemes: SigV4, SigV2, K3, custom). */
  presigned?: PresignedUrl;
  /** `env` credentials with revoked_env: the headers carrying the revoked token (case jwt:revoked). */
  revokedHeaders?: Record<string, string>;
  sigv4?: {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
    region: string;
    service: string;
    presign: boolean;
  };
}

export interface ResolveCredentialsOptions {
  spec: ProbeSpec;
  config: AuthctlConfig;
  keystore: Keystore;
  env: NodeJS.ProcessEnv;
  mint: (options: Omit<MintTokenOptions, 'keystore'>) => Promise<string>;
  /** Where `store` paths are relative to. */
  cwd: string;
  fetch?: typeof fetch;
  /** Do not fetch tokens; stand placeholders in for unset environment variables. */
  dryRun?: boolean;
  /** See JwtTemplate.cliGlobals. */
  cliGlobals?: string[];
}

/** The `[jwt]` settings of the spec, falling back to config `[token]`. */
export function jwtDefaults(spec: ProbeSpec, config: AuthctlConfig) {
  const mapping: Partial<ClaimsMapping> = { ...mappingFromConfig(config) };
  if (spec.jwt.tenant_claim) mapping.tenantClaim = spec.jwt.tenant_claim;
  if (spec.jwt.roles_claim) mapping.rolesClaim = spec.jwt.roles_claim;
  if (spec.jwt.scope_claim) mapping.scopeClaim = spec.jwt.scope_claim;
  if (spec.jwt.scope_format) mapping.scopeFormat = spec.jwt.scope_format;
  return { mapping };
}

const list = (value: string | string[] | undefined) =>
  value === undefined ? undefined : Array.isArray(value) ? value : [value];

function needEnv(env: NodeJS.ProcessEnv, name: string, where: string, dryRun = false): string {
  const value = env[name];
  // A dry run shows the matrix without secrets: stand in a placeholder for what is not set.
  if (!value && dryRun) return `<$${name}>`;
  if (!value)
    throw usageError('ERR_PROBE_CREDENTIAL_ENV', `environment variable ${name} is not set`, {
      where,
      hint: `export ${name}=... before running the probe`,
    });
  return value;
}

export async function resolveCredential(
  name: string,
  options: ResolveCredentialsOptions,
): Promise<ResolvedCredential> {
  const { spec, config, env } = options;
  const cred = spec.credentials[name]!;
  const where = `${spec.source} credentials.${name}`;
  const { mapping } = jwtDefaults(spec, config);
  switch (cred.type) {
    case 'jwt': {
      const settings = resolveTokenSettings(config, cred.preset, {
        issuer: cred.issuer ?? spec.jwt.issuer,
        subject: cred.sub,
        audience: list(cred.audience ?? spec.jwt.audience),
        alg: cred.alg ?? spec.jwt.alg,
        ttl: spec.jwt.ttl,
        scopes: cred.scopes,
        roles: cred.roles,
        tenant: cred.tenant,
        claims: cred.claims,
        mapping,
      });
      const hmac = await hmacSecretFor(name, settings.alg, options);
      const template: JwtTemplate = {
        ...settings,
        signable: true,
        secret: hmac?.secret,
        secretFlags: hmac?.flags,
        origin: 'spec',
        cliGlobals: options.cliGlobals,
      };
      const token = await options.mint(mintOptions(template));
      return {
        name,
        type: 'jwt',
        headers: { Authorization: `Bearer ${token}` },
        secrets: [token],
        jwt: template,
        token,
      };
    }
    case 'idp': {
      const secret =
        cred.client_secret ??
        (cred.client_secret_env
          ? needEnv(env, cred.client_secret_env, where, options.dryRun)
          : undefined);
      if (options.dryRun)
        return {
          name,
          type: 'idp',
          headers: { Authorization: `Bearer <token from ${cred.token_url}>` },
          secrets: [],
        };
      const client = idpClient(cred, secret, options.fetch);
      const token = await fetchIdpToken(client, name, where);
      const template = await templateFromToken(token, options.keystore, mapping);
      return {
        name,
        type: 'idp',
        headers: { Authorization: `Bearer ${token}` },
        secrets: [token, ...(secret ? [secret] : [])],
        jwt: template,
        token,
        idp: client,
      };
    }
    case 'env': {
      const value = needEnv(env, cred.env, where, options.dryRun);
      const headerValue = cred.scheme ? `${cred.scheme} ${value}` : value;
      const isBearer =
        cred.header.toLowerCase() === 'authorization' && /^bearer$/i.test(cred.scheme);
      const template = isBearer
        ? await templateFromToken(value, options.keystore, mapping).catch(() => undefined)
        : undefined;
      const revoked = cred.revoked_env
        ? needEnv(env, cred.revoked_env, where, options.dryRun)
        : undefined;
      const revokedHeaders = revoked
        ? { [cred.header]: cred.scheme ? `${cred.scheme} ${revoked}` : revoked }
        : undefined;
      return {
        name,
        type: 'env',
        headers: { [cred.header]: headerValue },
        secrets: [value, ...(revoked ? [revoked] : [])],
        jwt: template,
        token: isBearer ? value : undefined,
        revokedHeaders,
      };
    }
    case 'apikey': {
      const key =
        cred.key ?? (cred.env ? needEnv(env, cred.env, where, options.dryRun) : undefined);
      if (!key)
        throw usageError(
          'ERR_PROBE_SPEC_INVALID',
          `credential "${name}" needs env = "VAR" (or key = "...")`,
          { where, hint: 'put a valid API key in an environment variable and name it with env' },
        );
      const revoked = cred.revoked_env
        ? needEnv(env, cred.revoked_env, where, options.dryRun)
        : undefined;
      const value = cred.scheme ? `${cred.scheme} ${key}` : key;
      const header = cred.scheme ? 'Authorization' : cred.header;
      return {
        name,
        type: 'apikey',
        headers: { [header]: value },
        secrets: [key, ...(revoked ? [revoked] : [])],
        apikey: { key, header, scheme: cred.scheme, revoked },
      };
    }
    case 'sigv4': {
      const accessKeyId =
        cred.access_key_id ??
        (cred.access_key_id_env
          ? needEnv(env, cred.access_key_id_env, where, options.dryRun)
          : undefined);
      const secretAccessKey =
        cred.secret_access_key ??
        (cred.secret_access_key_env
          ? needEnv(env, cred.secret_access_key_env, where, options.dryRun)
          : undefined);
      if (!accessKeyId || !secretAccessKey) {
        throw usageError(
          'ERR_PROBE_SPEC_INVALID',
          `credential "${name}" needs access_key_id(_env) and secret_access_key(_env)`,
          {
            where,
            hint: 'e.g. access_key_id_env = "AWS_ACCESS_KEY_ID", secret_access_key_env = "AWS_SECRET_ACCESS_KEY"',
          },
        );
      }
      const sessionToken = cred.session_token_env
        ? needEnv(env, cred.session_token_env, where, options.dryRun)
        : undefined;
      return {
        name,
        type: 'sigv4',
        headers: {},
        secrets: [secretAccessKey, ...(sessionToken ? [sessionToken] : [])],
        sigv4: {
          accessKeyId,
          secretAccessKey,
          sessionToken,
          region: cred.region,
          service: cred.service,
          presign: cred.presign,
        },
      };
    }
    case 'presigned': {
      const presigned = await resolvePresigned(
        name,
        cred,
        env,
        where,
        spec.dir ?? options.cwd,
        options.dryRun,
      );
      const signature = new URLSearchParams(presigned.path.split('?')[1]).get(presigned.signature);
      return {
        name,
        type: 'presigned',
        headers: {},
        secrets: signature && signature.length >= 8 ? [signature] : [],
        presigned,
      };
    }
    case 'headers':
      return { name, type: 'headers', headers: { ...cred.headers }, secrets: [] };
  }
}

/** Mint options reproducing a template (plus whatever the caller overrides). */
export function mintOptions(template: JwtTemplate): Omit<MintTokenOptions, 'keystore'> {
  return {
    issuer: template.issuer,
    subject: template.subject,
    audience: template.audience,
    ttlSeconds: template.ttlSeconds,
    alg: template.alg,
    scopes: template.scopes,
    roles: template.roles,
    tenant: template.tenant,
    claims: template.claims,
    header: template.header,
    mapping: template.mapping,
    secret: template.secret,
  };
}

const REGISTERED = new Set(['iss', 'aud', 'sub', 'iat', 'nbf', 'exp', 'jti']);

/**
 * A template from a token someone else issued (the mock issuer, or a real one from an env var):
 * its claims, re-signable by authctl only when the keystore holds the key its kid names.
 */
async function templateFromToken(
  token: string,
  keystore: Keystore,
  mapping: Partial<ClaimsMapping>,
): Promise<JwtTemplate> {
  const { header, claims } = decodeToken(token);
  let alg: JWTAlgorithm = 'RS256';
  try {
    alg = parseAlgorithm(String(header.alg), 'token alg');
  } catch {
    // keep RS256 for forgeries
  }
  const jwks = await keystore.jwks();
  const signable = typeof header.kid === 'string' && jwks.keys.some((k) => k.kid === header.kid);
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(claims)) if (!REGISTERED.has(key)) extra[key] = value;
  const ttl =
    typeof claims.exp === 'number' && typeof claims.iat === 'number'
      ? claims.exp - claims.iat
      : undefined;
  return {
    issuer: String(claims.iss ?? ''),
    audience: list(claims.aud as string | string[] | undefined),
    subject: claims.sub === undefined ? undefined : String(claims.sub),
    alg,
    ttlSeconds: ttl && ttl > 0 ? ttl : undefined,
    claims: extra,
    header: {},
    mapping,
    signable,
    origin: 'token',
  };
}

/**
 * The `authctl token mint` command that makes the same token (another jti and iat), so a redacted
 * curl command still reproduces a finding: `-H "Authorization: Bearer $(authctl token mint ...)"`.
 */
export function mintCommand(
  template: JwtTemplate,
  overrides: Omit<MintTokenOptions, 'keystore'> = {},
  secretFlags = template.secretFlags,
): string | undefined {
  if (template.origin !== 'spec') return undefined;
  const o = { ...mintOptions(template), ...overrides };
  const args = ['authctl', ...(template.cliGlobals ?? []).map(shellQuote), 'token', 'mint'];
  const add = (flag: string, value: string | undefined) => {
    if (value !== undefined) args.push(flag, shellQuote(value));
  };
  add('--iss', o.issuer);
  for (const aud of o.audience ?? []) add('--aud', aud);
  add('--sub', o.subject);
  if (o.alg && o.alg !== 'RS256') add('--alg', o.alg);
  add('--tenant', o.tenant);
  for (const role of o.roles ?? []) add('--role', role);
  for (const scope of o.scopes ?? []) add('--scope', scope);
  add('--tenant-claim', o.mapping?.tenantClaim);
  add('--roles-claim', o.mapping?.rolesClaim);
  add('--scope-claim', o.mapping?.scopeClaim);
  for (const [key, value] of Object.entries(o.claims ?? {}))
    if (value !== undefined) add('--claim', `${key}=${JSON.stringify(value)}`);
  for (let i = 0; i + 1 < (secretFlags ?? []).length; i += 2)
    add(secretFlags![i]!, secretFlags![i + 1]);
  const defects = [o.defect ?? []].flat();
  for (const defect of defects)
    add('--defect', defect.variant ? `${defect.kind}:${defect.variant}` : defect.kind);
  if (defects.some((d) => d.kind === 'jku')) add('--jku-url', o.jkuUrl);
  return args.join(' ');
}

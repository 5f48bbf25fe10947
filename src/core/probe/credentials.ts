import type { AuthctlConfig } from '../config/schema.js';
import { usageError } from '../errors.js';
import type { ClaimsMapping } from '../token/claims.js';
import { mappingFromConfig, resolveTokenSettings } from '../token/settings.js';
import type { ProbeCredentialConfig } from './config.js';
import type {
  JwtTemplate,
  ResolveCredentialsOptions,
  ResolvedCredential,
} from './credential-types.js';
import { hmacSecretFor } from './hmac-secret.js';
import { fetchIdpToken, idpClient } from './idp-token.js';
import { list, mintOptions, templateFromToken } from './jwt-template.js';
import { resolvePresigned } from './presigned.js';
import type { ProbeSpec } from './spec.js';

export type {
  JwtTemplate,
  ResolveCredentialsOptions,
  ResolvedCredential,
} from './credential-types.js';
export { mintCommand, mintOptions } from './jwt-template.js';

/** The `[jwt]` settings of the spec, falling back to config `[token]`. */
export function jwtDefaults(spec: ProbeSpec, config: AuthctlConfig) {
  const mapping: Partial<ClaimsMapping> = { ...mappingFromConfig(config) };
  if (spec.jwt.tenant_claim) mapping.tenantClaim = spec.jwt.tenant_claim;
  if (spec.jwt.roles_claim) mapping.rolesClaim = spec.jwt.roles_claim;
  if (spec.jwt.scope_claim) mapping.scopeClaim = spec.jwt.scope_claim;
  if (spec.jwt.scope_format) mapping.scopeFormat = spec.jwt.scope_format;
  return { mapping };
}

/** What every resolver gets besides its credential's settings. */
interface ResolveContext {
  name: string;
  /** `<spec> credentials.<name>`, for errors. */
  where: string;
  mapping: Partial<ClaimsMapping>;
  options: ResolveCredentialsOptions;
  /** The named environment variable; a dry run stands a placeholder in for one that is not set. */
  env(name: string): string;
  /** `value` when given, else the named environment variable, else undefined. */
  either(value: string | undefined, envName: string | undefined): string | undefined;
}

type CredentialOf<K extends ProbeCredentialConfig['type']> = Extract<
  ProbeCredentialConfig,
  { type: K }
>;
type Resolver<K extends ProbeCredentialConfig['type']> = (
  cred: CredentialOf<K>,
  c: ResolveContext,
) => ResolvedCredential | Promise<ResolvedCredential>;

const jwtCredential: Resolver<'jwt'> = async (cred, c) => {
  const { spec, config } = c.options;
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
    mapping: c.mapping,
  });
  const hmac = await hmacSecretFor(c.name, settings.alg, c.options);
  const template: JwtTemplate = {
    ...settings,
    signable: true,
    secret: hmac?.secret,
    secretFlags: hmac?.flags,
    origin: 'spec',
    cliGlobals: c.options.cliGlobals,
  };
  const token = await c.options.mint(mintOptions(template));
  const headers = { Authorization: `Bearer ${token}` };
  return { name: c.name, type: 'jwt', headers, secrets: [token], jwt: template, token };
};

const idpCredential: Resolver<'idp'> = async (cred, c) => {
  const secret = c.either(cred.client_secret, cred.client_secret_env);
  if (c.options.dryRun) {
    const headers = { Authorization: `Bearer <token from ${cred.token_url}>` };
    return { name: c.name, type: 'idp', headers, secrets: [] };
  }
  const client = idpClient(cred, secret, c.options.fetch);
  const token = await fetchIdpToken(client, c.name, c.where);
  const template = await templateFromToken(token, c.options.keystore, c.mapping);
  return {
    name: c.name,
    type: 'idp',
    headers: { Authorization: `Bearer ${token}` },
    secrets: [token, ...(secret ? [secret] : [])],
    jwt: template,
    token,
    idp: client,
  };
};

const envCredential: Resolver<'env'> = async (cred, c) => {
  const value = c.env(cred.env);
  const withScheme = (v: string) => (cred.scheme ? `${cred.scheme} ${v}` : v);
  const isBearer = cred.header.toLowerCase() === 'authorization' && /^bearer$/i.test(cred.scheme);
  const template = isBearer
    ? await templateFromToken(value, c.options.keystore, c.mapping).catch(() => undefined)
    : undefined;
  const revoked = cred.revoked_env ? c.env(cred.revoked_env) : undefined;
  return {
    name: c.name,
    type: 'env',
    headers: { [cred.header]: withScheme(value) },
    secrets: [value, ...(revoked ? [revoked] : [])],
    jwt: template,
    token: isBearer ? value : undefined,
    revokedHeaders: revoked ? { [cred.header]: withScheme(revoked) } : undefined,
  };
};

const apikeyCredential: Resolver<'apikey'> = (cred, c) => {
  const key = c.either(cred.key, cred.env);
  if (!key)
    throw usageError(
      'ERR_PROBE_SPEC_INVALID',
      `credential "${c.name}" needs env = "VAR" (or key = "...")`,
      {
        where: c.where,
        hint: 'put a valid API key in an environment variable and name it with env',
      },
    );
  const revoked = cred.revoked_env ? c.env(cred.revoked_env) : undefined;
  const value = cred.scheme ? `${cred.scheme} ${key}` : key;
  const header = cred.scheme ? 'Authorization' : cred.header;
  return {
    name: c.name,
    type: 'apikey',
    headers: { [header]: value },
    secrets: [key, ...(revoked ? [revoked] : [])],
    apikey: { key, header, scheme: cred.scheme, revoked },
  };
};

const sigv4Credential: Resolver<'sigv4'> = (cred, c) => {
  const accessKeyId = c.either(cred.access_key_id, cred.access_key_id_env);
  const secretAccessKey = c.either(cred.secret_access_key, cred.secret_access_key_env);
  if (!accessKeyId || !secretAccessKey) {
    throw usageError(
      'ERR_PROBE_SPEC_INVALID',
      `credential "${c.name}" needs access_key_id(_env) and secret_access_key(_env)`,
      {
        where: c.where,
        hint: 'e.g. access_key_id_env = "AWS_ACCESS_KEY_ID", secret_access_key_env = "AWS_SECRET_ACCESS_KEY"',
      },
    );
  }
  const sessionToken = cred.session_token_env ? c.env(cred.session_token_env) : undefined;
  const { region, service, presign } = cred;
  return {
    name: c.name,
    type: 'sigv4',
    headers: {},
    secrets: [secretAccessKey, ...(sessionToken ? [sessionToken] : [])],
    sigv4: { accessKeyId, secretAccessKey, sessionToken, region, service, presign },
  };
};

const presignedCredential: Resolver<'presigned'> = async (cred, c) => {
  const { options } = c;
  const dir = options.spec.dir ?? options.cwd;
  const presigned = await resolvePresigned(c.name, cred, options.env, c.where, dir, options.dryRun);
  const signature = new URLSearchParams(presigned.path.split('?')[1]).get(presigned.signature);
  return {
    name: c.name,
    type: 'presigned',
    headers: {},
    secrets: signature && signature.length >= 8 ? [signature] : [],
    presigned,
  };
};

const headersCredential: Resolver<'headers'> = (cred, c) => ({
  name: c.name,
  type: 'headers',
  headers: { ...cred.headers },
  secrets: [],
});

/** One resolver per credential type: the compiler insists on every type of the spec schema. */
const RESOLVERS: { [K in ProbeCredentialConfig['type']]: Resolver<K> } = {
  jwt: jwtCredential,
  idp: idpCredential,
  env: envCredential,
  apikey: apikeyCredential,
  sigv4: sigv4Credential,
  presigned: presignedCredential,
  headers: headersCredential,
};

/** A credential of the spec, ready to use: headers of a valid request, secrets, token template. */
export async function resolveCredential(
  name: string,
  options: ResolveCredentialsOptions,
): Promise<ResolvedCredential> {
  const { spec, config } = options;
  const cred = spec.credentials[name]!;
  const where = `${spec.source} credentials.${name}`;
  const env = (variable: string): string => {
    const value = options.env[variable];
    // A dry run shows the matrix without secrets: stand in a placeholder for what is not set.
    if (!value && options.dryRun) return `<$${variable}>`;
    if (!value)
      throw usageError('ERR_PROBE_CREDENTIAL_ENV', `environment variable ${variable} is not set`, {
        where,
        hint: `export ${variable}=... before running the probe`,
      });
    return value;
  };
  const either = (value: string | undefined, envName: string | undefined) =>
    value ?? (envName ? env(envName) : undefined);
  const { mapping } = jwtDefaults(spec, config);
  const context: ResolveContext = { name, where, mapping, options, env, either };
  const resolve = RESOLVERS[cred.type] as Resolver<typeof cred.type>;
  return resolve(cred as never, context);
}

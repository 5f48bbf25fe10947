import { combineDefects, parseDefect } from '../core/token/defects.js';
import { parseClaimAssignment, type ClaimsMapping } from '../core/token/claims.js';
import { parsePointer } from '../core/jsonpointer.js';
import { mintToken, type MintTokenResult } from '../core/token/mint.js';
import { resolveSecret, type SecretEncoding } from '../core/token/secret.js';
import type { TokenDefaultsConfig } from '../core/config/sections/token.js';
import { resolveTokenSettings } from '../core/token/settings.js';
import { parseTimeFlag } from '../core/token/time.js';
import { parseDuration } from '../core/duration.js';
import { usageError } from '../core/errors.js';
import type { CliContext } from './context.js';
import { keyValue, openKeystore } from './shared.js';

export interface SecretFlags {
  secret?: string;
  secretEnv?: string;
  secretFile?: string;
  secretEncoding?: string;
}

export interface MintFlags extends SecretFlags {
  sub?: string;
  iss?: string;
  aud?: string[];
  ttl?: string;
  nbf?: string;
  iat?: string;
  jti?: string;
  alg?: string;
  kid?: string;
  bits?: number;
  scope?: string[];
  role?: string[];
  tenant?: string;
  tenantClaim?: string;
  rolesClaim?: string;
  scopeClaim?: string;
  claim?: string[];
  header?: string[];
  preset?: string;
  defect?: string[];
  skew?: string;
  jkuUrl?: string;
  output: string;
}

const ENCODINGS = ['utf8', 'base64', 'base64url', 'hex'];

export function secretEncoding(flags: SecretFlags): SecretEncoding | undefined {
  if (flags.secretEncoding === undefined) return undefined;
  if (!ENCODINGS.includes(flags.secretEncoding)) {
    throw usageError('ERR_SECRET_ENCODING', `unknown secret encoding "${flags.secretEncoding}"`, {
      where: '--secret-encoding',
      hint: `use one of ${ENCODINGS.join(', ')}`,
    });
  }
  return flags.secretEncoding as SecretEncoding;
}

/** The claim-mapping flags, checked here so an error names the flag. */
export function mappingFlags(flags: {
  tenantClaim?: string;
  rolesClaim?: string;
  scopeClaim?: string;
}): Partial<ClaimsMapping> {
  const mapping: Partial<ClaimsMapping> = {};
  if (flags.tenantClaim !== undefined)
    mapping.tenantClaim = pointerFlag(flags.tenantClaim, '--tenant-claim');
  if (flags.rolesClaim !== undefined)
    mapping.rolesClaim = pointerFlag(flags.rolesClaim, '--roles-claim');
  if (flags.scopeClaim !== undefined) {
    if (!/^[\w:.-]+$/.test(flags.scopeClaim))
      throw usageError('ERR_BAD_CLAIM', `--scope-claim "${flags.scopeClaim}" is not a claim name`, {
        where: '--scope-claim',
        hint: 'use scope or scp',
      });
    mapping.scopeClaim = flags.scopeClaim;
  }
  return mapping;
}

/** `--skew` and `--jku-url` only shape certain defects: given alone they would be silently ignored. */
function parseDefectFlags(flags: MintFlags) {
  const defects = combineDefects((flags.defect ?? []).map(parseDefect));
  const has = (...kinds: string[]) => defects.some((d) => kinds.includes(d.kind));
  if (flags.skew !== undefined && !has('expired', 'not-yet-valid')) {
    throw usageError(
      'ERR_FLAG_NEEDS_DEFECT',
      '--skew only applies to --defect expired or not-yet-valid',
      { where: '--skew', hint: 'add --defect expired (or not-yet-valid), or drop --skew' },
    );
  }
  if (flags.jkuUrl !== undefined && !has('jku')) {
    throw usageError('ERR_FLAG_NEEDS_DEFECT', '--jku-url only applies to --defect jku', {
      where: '--jku-url',
      hint: 'add --defect jku, or drop --jku-url',
    });
  }
  return defects.length ? defects : undefined;
}

function httpUrlFlag(value: string, flag: string): string {
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw usageError('ERR_BAD_URL', `${flag} "${value}" is not an http(s) URL`, {
      where: flag,
      hint: `e.g. ${flag} http://127.0.0.1:9999/jwks.json`,
    });
  }
  return value;
}

function pointerFlag(value: string, flag: string): string {
  if (parsePointer(value, flag).length === 0)
    throw usageError('ERR_BAD_POINTER', `${flag} cannot be empty`, {
      where: flag,
      hint: 'write a JSON pointer such as /tid or /org/id',
    });
  return value;
}

/** The HMAC secret: from the flags, else (for HS* only) from config `[token]`, else none (the keystore's). */
async function mintSecret(
  ctx: CliContext,
  flags: MintFlags,
  tokenConfig: TokenDefaultsConfig,
  alg: string,
): Promise<Uint8Array | undefined> {
  const encoding = secretEncoding(flags) ?? tokenConfig.secret_encoding;
  const flag =
    flags.secret !== undefined
      ? '--secret'
      : flags.secretEnv !== undefined
        ? '--secret-env'
        : flags.secretFile !== undefined
          ? '--secret-file'
          : undefined;
  if (flag) {
    if (!alg.startsWith('HS'))
      throw usageError(
        'ERR_SECRET_WITH_ASYMMETRIC_ALG',
        `a secret only signs HS256/384/512, not ${alg}`,
        { where: flag, hint: 'add --alg HS256, or drop the secret to use the keystore' },
      );
    return resolveSecret({
      secret: flags.secret,
      secretEnv: flags.secretEnv,
      secretFile: flags.secretFile,
      encoding,
      env: ctx.env,
    });
  }
  // The config's secret is for HS* tokens only: an RS256 mint never reads (or needs) it.
  if (!alg.startsWith('HS') || (!tokenConfig.secret_env && !tokenConfig.secret_file))
    return undefined;
  return resolveSecret({
    secretEnv: tokenConfig.secret_env,
    secretFile: tokenConfig.secret_env ? undefined : tokenConfig.secret_file,
    encoding,
    env: ctx.env,
    where: tokenConfig.secret_env
      ? `[token] secret_env = "${tokenConfig.secret_env}" in config`
      : '[token] secret_file in config',
  });
}

export async function runMint(ctx: CliContext, flags: MintFlags): Promise<void> {
  if (!['token', 'header', 'curl'].includes(flags.output)) {
    throw usageError('ERR_BAD_OUTPUT', `unknown output form "${flags.output}"`, {
      where: '--output',
      hint: 'use token, header or curl (or --json)',
    });
  }
  const { config } = await ctx.config();
  const now = Math.floor(Date.now() / 1000);
  const settings = resolveTokenSettings(config, flags.preset, {
    issuer: flags.iss,
    subject: flags.sub,
    audience: flags.aud,
    ttl: flags.ttl,
    alg: flags.alg,
    kid: flags.kid,
    scopes: flags.scope,
    roles: flags.role,
    tenant: flags.tenant,
    claims: Object.fromEntries((flags.claim ?? []).map(parseClaimAssignment)),
    header: Object.fromEntries((flags.header ?? []).map((pair) => keyValue(pair, '--header'))),
    mapping: mappingFlags(flags),
  });
  if ('alg' in settings.header) {
    // The signature is made with --alg; a different header alg would give an unverifiable token.
    const where = (flags.header ?? []).some((pair) => pair.trim().startsWith('alg='))
      ? '--header'
      : `[tokens.${flags.preset}] header in config`;
    throw usageError('ERR_HEADER_ALG', 'the alg header field cannot be set directly', {
      where,
      hint: 'use --alg to choose the algorithm, or --defect alg-none / alg-none-case for unsigned tokens',
    });
  }
  const keystore = await openKeystore(ctx, ctx.out, flags.bits);
  const algChosen =
    flags.alg !== undefined ||
    (flags.preset !== undefined && config.tokens?.[flags.preset]?.alg !== undefined) ||
    config.token?.alg !== undefined;
  if (settings.kid && !algChosen) {
    // `--kid X` alone signs with key X, whatever its algorithm.
    const record = (await keystore.list()).find((key) => key.kid === settings.kid);
    if (record) settings.alg = record.alg;
  }
  const secret = await mintSecret(ctx, flags, config.token ?? {}, settings.alg);
  const result = await mintToken({
    keystore,
    issuer: settings.issuer,
    subject: settings.subject,
    audience: settings.audience,
    ttlSeconds: settings.ttlSeconds,
    notBefore: flags.nbf !== undefined ? parseTimeFlag(flags.nbf, now, '--nbf') : undefined,
    issuedAt: flags.iat !== undefined ? parseTimeFlag(flags.iat, now, '--iat') : undefined,
    jti: flags.jti,
    alg: settings.alg,
    kid: settings.kid,
    scopes: settings.scopes,
    roles: settings.roles,
    tenant: settings.tenant,
    claims: settings.claims,
    header: settings.header,
    mapping: settings.mapping,
    secret,
    defect: parseDefectFlags(flags),
    skewSeconds: flags.skew !== undefined ? parseDuration(flags.skew, '--skew') : undefined,
    jkuUrl: flags.jkuUrl !== undefined ? httpUrlFlag(flags.jkuUrl, '--jku-url') : undefined,
  });
  ctx.out.result(
    result,
    (r) => renderMinted(r, flags.output),
    (r) => r,
  );
}

function renderMinted(result: MintTokenResult, form: string): string {
  if (form === 'header') return `Authorization: Bearer ${result.token}`;
  if (form === 'curl') return `-H 'Authorization: Bearer ${result.token}'`;
  return result.token;
}

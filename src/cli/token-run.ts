import { DEFECTS, DEFECT_KINDS, parseDefect } from '../core/token/defects.js';
import { decodeToken } from '../core/token/decode.js';
import { parseClaimAssignment } from '../core/token/claims.js';
import { mintToken, type MintTokenResult } from '../core/token/mint.js';
import { resolveSecret, type SecretEncoding } from '../core/token/secret.js';
import { resolveTokenSettings } from '../core/token/settings.js';
import { parseTimeFlag } from '../core/token/time.js';
import { keysFromDiscovery, keysFromFile, keysFromJwksUrl, keysFromKeystore, type VerificationKeys } from '../core/token/keysource.js';
import { verifyToken, type VerifyTokenResult } from '../core/token/verify.js';
import { parseDuration } from '../core/duration.js';
import { usageError } from '../core/errors.js';
import type { CliContext } from './context.js';
import { table } from './output.js';
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
  defect?: string;
  skew?: string;
  jkuUrl?: string;
  output: string;
}

const ENCODINGS = ['utf8', 'base64', 'base64url', 'hex'];

function secretEncoding(flags: SecretFlags): SecretEncoding | undefined {
  if (flags.secretEncoding === undefined) return undefined;
  if (!ENCODINGS.includes(flags.secretEncoding)) {
    throw usageError('ERR_SECRET_ENCODING', `unknown secret encoding "${flags.secretEncoding}"`, { where: '--secret-encoding', hint: `use one of ${ENCODINGS.join(', ')}` });
  }
  return flags.secretEncoding as SecretEncoding;
}

export async function runMint(ctx: CliContext, flags: MintFlags): Promise<void> {
  if (!['token', 'header', 'curl'].includes(flags.output)) {
    throw usageError('ERR_BAD_OUTPUT', `unknown output form "${flags.output}"`, { where: '--output', hint: 'use token, header or curl (or --json)' });
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
    mapping: {
      ...(flags.tenantClaim ? { tenantClaim: flags.tenantClaim } : {}),
      ...(flags.rolesClaim ? { rolesClaim: flags.rolesClaim } : {}),
      ...(flags.scopeClaim ? { scopeClaim: flags.scopeClaim } : {}),
    },
  });
  const tokenConfig = config.token ?? {};
  const secret = await resolveSecret({
    secret: flags.secret,
    secretEnv: flags.secretEnv ?? (flags.secret === undefined && flags.secretFile === undefined ? tokenConfig.secret_env : undefined),
    secretFile: flags.secretFile ?? (flags.secret === undefined && flags.secretEnv === undefined && !tokenConfig.secret_env ? tokenConfig.secret_file : undefined),
    encoding: secretEncoding(flags) ?? tokenConfig.secret_encoding,
    env: ctx.env,
  });
  if (secret && !settings.alg.startsWith('HS')) {
    throw usageError('ERR_SECRET_WITH_ASYMMETRIC_ALG', `a secret only signs HS256/384/512, not ${settings.alg}`, { where: '--secret', hint: 'add --alg HS256, or drop the secret to use the keystore' });
  }
  const result = await mintToken({
    keystore: await openKeystore(ctx, flags.bits),
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
    defect: flags.defect ? parseDefect(flags.defect) : undefined,
    skewSeconds: flags.skew !== undefined ? parseDuration(flags.skew, '--skew') : undefined,
    jkuUrl: flags.jkuUrl,
  });
  ctx.out.result(result, (r) => renderMinted(r, flags.output), (r) => r);
}

function renderMinted(result: MintTokenResult, form: string): string {
  if (form === 'header') return `Authorization: Bearer ${result.token}`;
  if (form === 'curl') return `-H 'Authorization: Bearer ${result.token}'`;
  return result.token;
}

export async function runDecode(ctx: CliContext, token: string): Promise<void> {
  const decoded = decodeToken(token);
  const c = ctx.out.color;
  ctx.out.result(
    decoded,
    (d) => {
      const lines = [c.bold('Header'), JSON.stringify(d.header, null, 2), c.bold('Claims'), JSON.stringify(d.claims, null, 2)];
      const times = Object.entries(d.times).map(([name, t]) => [name, t.iso, t.relative]);
      if (times.length) lines.push(c.bold('Times'), table(times));
      return lines.join('\n');
    },
    (d) => ({ ...d, verified: false }),
  );
  ctx.out.info(c.yellow('note: decoded only — the signature and claims were NOT verified (use `authctl token verify`)'));
}

export interface VerifyFlags extends SecretFlags {
  jwks?: string;
  discover?: string;
  alg?: string[];
  iss?: string;
  aud?: string[];
  leeway?: string;
  requireScope?: string[];
  requireRole?: string[];
  tenant?: string;
  tenantClaim?: string;
  rolesClaim?: string;
}

async function verificationKeys(ctx: CliContext, flags: VerifyFlags): Promise<VerificationKeys> {
  const sources = [flags.jwks, flags.discover].filter((v) => v !== undefined).length;
  if (sources > 1) throw usageError('ERR_KEY_SOURCES', 'give only one of --jwks and --discover', { where: '--jwks', hint: 'pick one key source' });
  const secret = await resolveSecret({ secret: flags.secret, secretEnv: flags.secretEnv, secretFile: flags.secretFile, encoding: secretEncoding(flags), env: ctx.env });
  if (secret) return { jwks: [], secrets: [{ secret }], source: 'the given secret' };
  if (flags.discover) return keysFromDiscovery(flags.discover);
  if (flags.jwks) return /^https?:\/\//.test(flags.jwks) ? keysFromJwksUrl(flags.jwks) : keysFromFile(flags.jwks);
  return keysFromKeystore(await openKeystore(ctx));
}

export async function runVerify(ctx: CliContext, token: string, flags: VerifyFlags): Promise<boolean> {
  const { config } = await ctx.config();
  const keys = await verificationKeys(ctx, flags);
  const fromKeystore = !flags.jwks && !flags.discover && keys.source.startsWith('the local keystore');
  const settings = resolveTokenSettings(config, undefined, {
    mapping: { ...(flags.tenantClaim ? { tenantClaim: flags.tenantClaim } : {}), ...(flags.rolesClaim ? { rolesClaim: flags.rolesClaim } : {}) },
  });
  const result = await verifyToken({
    token,
    keys,
    algorithms: flags.alg?.flatMap((a) => a.split(',')).map((a) => a.trim()).filter(Boolean),
    // Against the local keystore, expect what `token mint` issues by default.
    issuer: flags.iss ?? (fromKeystore ? settings.issuer : undefined),
    audience: flags.aud,
    leewaySeconds: flags.leeway !== undefined ? parseDuration(flags.leeway, '--leeway') : undefined,
    requireScopes: flags.requireScope,
    requireRoles: flags.requireRole,
    tenant: flags.tenant,
    mapping: settings.mapping,
  });
  ctx.out.result(result, (r) => renderVerification(ctx, r));
  return result.valid;
}

function renderVerification(ctx: CliContext, result: VerifyTokenResult): string {
  const c = ctx.out.color;
  const mark = { pass: c.green('✓'), fail: c.red('✗'), skip: c.dim('-') };
  const lines = result.checks.map((check) => `${mark[check.status]} ${check.check.padEnd(10)} ${check.message}`);
  const failed = result.checks.filter((check) => check.status === 'fail').length;
  lines.push(result.valid ? c.green('token is valid') : c.red(`token rejected: ${failed} check${failed === 1 ? '' : 's'} failed`));
  return lines.join('\n');
}

export function runDefects(ctx: CliContext): void {
  const list = DEFECT_KINDS.map((kind) => DEFECTS[kind]);
  ctx.out.result(list, (defects) =>
    table(
      defects.map((d) => [d.kind + (d.variants ? `[:${d.variants.join('|')}]` : ''), d.token, d.verifier]),
      ['DEFECT', 'TOKEN', 'A CORRECT VERIFIER MUST'],
    ),
  );
}

import { DEFECTS, DEFECT_KINDS } from '../core/token/defects.js';
import { decodeToken } from '../core/token/decode.js';
import { resolveSecret } from '../core/token/secret.js';
import { resolveTokenSettings } from '../core/token/settings.js';
import {
  keysFromDiscovery,
  keysFromFile,
  keysFromJwksUrl,
  keysFromKeystore,
  type VerificationKeys,
} from '../core/token/keysource.js';
import { headerText, verifyToken, type VerifyTokenResult } from '../core/token/verify.js';
import { parseDuration } from '../core/duration.js';
import { usageError } from '../core/errors.js';
import type { CliContext } from './context.js';
import { table } from './output.js';
import { openKeystore } from './shared.js';
import { mappingFlags, secretEncoding, type SecretFlags } from './token-mint.js';
import { parseAlgorithm } from '../core/keys/algorithms.js';

export async function runDecode(ctx: CliContext, token: string): Promise<void> {
  const decoded = decodeToken(token);
  const c = ctx.out.color;
  ctx.out.result(
    decoded,
    (d) => {
      const lines = [
        c.bold('Header'),
        JSON.stringify(d.header, null, 2),
        c.bold('Claims'),
        JSON.stringify(d.claims, null, 2),
      ];
      const times = Object.entries(d.times).map(([name, t]) => [name, t.iso, t.relative]);
      if (times.length) lines.push(c.bold('Times'), table(times));
      return lines.join('\n');
    },
    (d) => ({ ...d, verified: false }),
  );
  ctx.out.info(
    ctx.out.statusColor.yellow(
      'note: decoded only — the signature and claims were NOT verified (use `authctl token verify`)',
    ),
  );
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

/** At most one key source: --jwks, --discover or a secret flag (none: the local keystore). */
function checkKeySources(flags: VerifyFlags): void {
  const secretFlag =
    flags.secret !== undefined
      ? '--secret'
      : flags.secretEnv !== undefined
        ? '--secret-env'
        : flags.secretFile !== undefined
          ? '--secret-file'
          : undefined;
  const given = [
    flags.jwks !== undefined && '--jwks',
    flags.discover !== undefined && '--discover',
    secretFlag,
  ].filter((flag): flag is string => Boolean(flag));
  if (given.length > 1) {
    throw usageError('ERR_KEY_SOURCES', `give only one key source, not ${given.join(' and ')}`, {
      where: given[1],
      hint: 'verify against --jwks, --discover, or a secret (--secret, --secret-env, --secret-file); none means the local keystore',
    });
  }
}

async function verificationKeys(
  ctx: CliContext,
  flags: VerifyFlags,
  tokenAlg: string,
): Promise<VerificationKeys> {
  const secret = await resolveSecret({
    secret: flags.secret,
    secretEnv: flags.secretEnv,
    secretFile: flags.secretFile,
    encoding: secretEncoding(flags),
    env: ctx.env,
  });
  const secretSource =
    flags.secret !== undefined
      ? '--secret'
      : flags.secretEnv !== undefined
        ? `--secret-env ${flags.secretEnv}`
        : `--secret-file ${flags.secretFile}`;
  if (secret) return { jwks: [], secrets: [{ secret }], source: secretSource };
  if (flags.discover) return keysFromDiscovery(flags.discover);
  if (flags.jwks)
    return /^https?:\/\//.test(flags.jwks) ? keysFromJwksUrl(flags.jwks) : keysFromFile(flags.jwks);
  const local = await keysFromKeystore(await openKeystore(ctx, ctx.out));
  // What `token mint --alg HS*` signs with when config names a secret, so mint → verify agrees.
  const { config } = await ctx.config();
  const {
    secret_env: secretEnv,
    secret_file: secretFile,
    secret_encoding: encoding,
  } = config.token ?? {};
  if ((!secretEnv && !secretFile) || !/^HS/.test(tokenAlg)) return local;
  const configured = await resolveSecret({
    secretEnv,
    secretFile: secretEnv ? undefined : secretFile,
    encoding,
    env: ctx.env,
    where: secretEnv
      ? `[token] secret_env = "${secretEnv}" in config`
      : '[token] secret_file in config',
  });
  return configured
    ? {
        ...local,
        secrets: [{ secret: configured }, ...local.secrets],
        source: `${local.source} and the [token] secret in config`,
      }
    : local;
}

export async function runVerify(
  ctx: CliContext,
  token: string,
  flags: VerifyFlags,
): Promise<boolean> {
  // Flags first, so a typo is reported before the token is read or any key is fetched.
  checkKeySources(flags);
  const algorithms = flags.alg
    ?.flatMap((a) => a.split(','))
    .map((a) => a.trim())
    .filter(Boolean)
    .map((a) => parseAlgorithm(a, '--alg'));
  const leeway = flags.leeway !== undefined ? parseDuration(flags.leeway, '--leeway') : undefined;
  if (leeway !== undefined && leeway < 0)
    throw usageError('ERR_BAD_DURATION', '--leeway cannot be negative', {
      where: '--leeway',
      hint: 'e.g. --leeway 60s (0s is the default)',
    });
  const { config } = await ctx.config();
  const settings = resolveTokenSettings(config, undefined, { mapping: mappingFlags(flags) });
  const keys = await verificationKeys(ctx, flags, headerText(decodeToken(token).header.alg));
  const fromKeystore =
    !flags.jwks && !flags.discover && keys.source.startsWith('the local keystore');
  const result = await verifyToken({
    token,
    keys,
    algorithms,
    // Against the local keystore, expect what `token mint` issues by default.
    issuer: flags.iss ?? (fromKeystore ? settings.issuer : undefined),
    audience: flags.aud,
    leewaySeconds: leeway,
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
  const lines = result.checks.map(
    (check) => `${mark[check.status]} ${check.check.padEnd(10)} ${check.message}`,
  );
  const failed = result.checks.filter((check) => check.status === 'fail').length;
  lines.push(
    result.valid
      ? c.green('token is valid')
      : c.red(`token rejected: ${failed} check${failed === 1 ? '' : 's'} failed`),
  );
  return lines.join('\n');
}

export function runDefects(ctx: CliContext): void {
  const list = DEFECT_KINDS.map((kind) => DEFECTS[kind]);
  ctx.out.result(list, (defects) =>
    table(
      defects.map((d) => [
        d.kind + (d.variants ? `[:${d.variants.join('|')}]` : ''),
        d.token,
        d.verifier,
      ]),
      ['DEFECT', 'TOKEN', 'A CORRECT VERIFIER MUST'],
    ),
  );
}

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
import {
  headerText,
  verifyToken,
  type VerifyCheck,
  type VerifyTokenResult,
} from '../core/token/verify.js';
import { Option } from 'commander';
import { parseDuration } from '../core/duration.js';
import { AuthctlError, EXIT_CODES, usageError } from '../core/errors.js';
import { verb, type Deps, type Io, type RenderContext, type Result } from './command.js';
import { table } from './output.js';
import { argumentOrStdin, collect, openKeystore } from './shared.js';
import { mappingFlags, secretFlagOptions, secretOptions, type SecretFlags } from './token-mint.js';
import { parseAlgorithm } from '../core/keys/algorithms.js';

/** `[token]`: the argument, or stdin when it is `-` or missing (read in `run`, not at parse time). */
const tokenArgument = ({ args }: { args: unknown[] }) => ({ token: args[0] as string | undefined });

export const decode = verb({
  name: 'decode [token]',
  summary: 'show a JWT’s header and claims WITHOUT verifying it (token as argument, - or stdin)',
  examples: [
    'authctl token decode eyJhbGciOi...',
    'authctl token mint --sub alice | authctl token decode',
    'authctl token decode - --json < token.txt',
  ],
  parse: tokenArgument,
  async run(opts, io) {
    return { value: decodeToken(await argumentOrStdin(io, opts.token, 'token')) };
  },
  render: {
    text: (d, { color: c }) => {
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
    json: (d) => ({ ...d, verified: false }),
    status: (_d, { statusColor }) =>
      statusColor.yellow(
        'note: decoded only — the signature and claims were NOT verified (use `authctl token verify`)',
      ),
  },
});

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
  deps: Deps,
  io: Io,
  flags: VerifyOptions,
  tokenAlg: string,
): Promise<VerificationKeys> {
  const secret = await resolveSecret({
    secret: flags.secret.secret,
    secretEnv: flags.secret.secretEnv,
    secretFile: flags.secret.secretFile,
    encoding: flags.secret.encoding,
    env: deps.env,
  });
  const secretSource =
    flags.secret.secret !== undefined
      ? '--secret'
      : flags.secret.secretEnv !== undefined
        ? `--secret-env ${flags.secret.secretEnv}`
        : `--secret-file ${flags.secret.secretFile}`;
  if (secret) return { jwks: [], secrets: [{ secret }], source: secretSource };
  if (flags.discover) return keysFromDiscovery(flags.discover);
  if (flags.jwks)
    return /^https?:\/\//.test(flags.jwks) ? keysFromJwksUrl(flags.jwks) : keysFromFile(flags.jwks);
  const local = await keysFromKeystore(await openKeystore(deps, io));
  // What `token mint --alg HS*` signs with when config names a secret, so mint → verify agrees.
  const { config } = await deps.config();
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
    env: deps.env,
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

/** Every verify flag checked, before the token is read or any key is fetched. */
function parseVerify(flags: VerifyFlags) {
  checkKeySources(flags);
  const leeway = flags.leeway !== undefined ? parseDuration(flags.leeway, '--leeway') : undefined;
  if (leeway !== undefined && leeway < 0)
    throw usageError('ERR_BAD_DURATION', '--leeway cannot be negative', {
      where: '--leeway',
      hint: 'e.g. --leeway 60s (0s is the default)',
    });
  return {
    jwks: flags.jwks,
    discover: flags.discover,
    secret: secretOptions(flags),
    algorithms: flags.alg
      ?.flatMap((a) => a.split(','))
      .map((a) => a.trim())
      .filter(Boolean)
      .map((a) => parseAlgorithm(a, '--alg')),
    issuer: flags.iss,
    audience: flags.aud,
    leewaySeconds: leeway,
    requireScopes: flags.requireScope,
    requireRoles: flags.requireRole,
    tenant: flags.tenant,
    mapping: mappingFlags(flags),
  };
}
type VerifyOptions = ReturnType<typeof parseVerify>;

/**
 * A token that is not a JWT at all is a verdict like any other rejection (exit 1, `valid: false`), as
 * a malformed key is in `apikey verify`: the check ran and the input failed it (docs/output.md).
 */
function malformedVerdict(error: AuthctlError): VerifyTokenResult {
  const check: VerifyCheck = {
    check: 'encoding',
    status: 'fail',
    code: error.code,
    message: error.hint ? `${error.message} (${error.hint})` : error.message,
  };
  return { valid: false, header: {}, claims: {}, checks: [check], audienceChecked: false };
}

async function runVerify(
  opts: VerifyOptions & { token?: string },
  io: Io,
  deps: Deps,
): Promise<Result<VerifyTokenResult>> {
  const token = await argumentOrStdin(io, opts.token, 'token');
  let alg: string;
  try {
    alg = headerText(decodeToken(token).header.alg);
  } catch (error) {
    if (error instanceof AuthctlError && error.code === 'ERR_TOKEN_MALFORMED')
      return { value: malformedVerdict(error), exitCode: EXIT_CODES.check };
    throw error;
  }
  const { config } = await deps.config();
  const settings = resolveTokenSettings(config, undefined, { mapping: opts.mapping });
  const keys = await verificationKeys(deps, io, opts, alg);
  const fromKeystore = !opts.jwks && !opts.discover && keys.source.startsWith('the local keystore');
  const result = await verifyToken({
    ...opts,
    token,
    keys,
    // Against the local keystore, expect what `token mint` issues by default.
    issuer: opts.issuer ?? (fromKeystore ? settings.issuer : undefined),
    mapping: settings.mapping,
  });
  return { value: result, exitCode: result.valid ? 0 : EXIT_CODES.check };
}

export const verify = verb({
  name: 'verify [token]',
  summary: 'verify a JWT and explain every failed check (exit 1 when rejected)',
  options: verifyOptions(),
  examples: [
    'authctl token verify "$TOKEN"                       # against the local keystore',
    'authctl token verify "$TOKEN" --discover http://127.0.0.1:9400 --aud api://datapress',
    'authctl token verify "$TOKEN" --jwks https://login.example.com/keys --alg RS256 --leeway 60s',
    'authctl token verify "$TOKEN" --secret-env JWT_SECRET_KEY --require-role admin',
  ],
  parse: ({ args, flags }: { args: unknown[]; flags: VerifyFlags }) => ({
    ...parseVerify(flags),
    token: args[0] as string | undefined,
  }),
  run: runVerify,
  render: { text: renderVerification },
});

function verifyOptions(): Option[] {
  const repeat = (flags: string, text: string) => new Option(flags, text).argParser(collect);
  return [
    new Option('--jwks <url|file>', 'verify against this JWKS URL, or a PEM/JWK/JWKS file'),
    new Option(
      '--discover <issuer-url>',
      'verify against the JWKS found by OIDC discovery (its issuer is also expected)',
    ),
    ...secretFlagOptions('HMAC secret for HS* tokens'),
    repeat(
      '--alg <alg>',
      'allowed algorithm; repeat or comma-separate (default: what the keys support)',
    ),
    new Option('--iss <url>', 'expected issuer (exact match)'),
    repeat('--aud <audience>', 'expected audience; repeat to accept any of several'),
    new Option('--leeway <duration>', 'clock skew tolerance for exp/nbf (default 0s)'),
    repeat('--require-scope <scope>', 'scope the token must have; repeatable'),
    repeat('--require-role <role>', 'role the token must have; repeatable'),
    new Option('--tenant <id>', 'tenant the token must be for'),
    new Option('--tenant-claim <pointer>', 'JSON pointer of the tenant claim'),
    new Option('--roles-claim <pointer>', 'JSON pointer of the roles claim'),
  ];
}

function renderVerification(result: VerifyTokenResult, { color: c }: RenderContext): string {
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

export const defects = verb({
  name: 'defects',
  summary: 'list the deliberately broken tokens --defect can mint, and what a verifier must do',
  examples: ['authctl token defects', 'authctl token defects --json | jq -r ".[].kind"'],
  parse: () => ({}),
  run: async () => ({ value: DEFECT_KINDS.map((kind) => DEFECTS[kind]) }),
  render: {
    text: (list) =>
      table(
        list.map((d) => [
          d.kind + (d.variants ? `[:${d.variants.join('|')}]` : ''),
          d.token,
          d.verifier,
        ]),
        ['DEFECT', 'TOKEN', 'A CORRECT VERIFIER MUST'],
      ),
  },
});

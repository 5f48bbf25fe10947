import type { DefectSpec } from '../core/token/defects.js';
import { parseClaimAssignment, type ClaimsMapping } from '../core/token/claims.js';
import { parsePointer } from '../core/jsonpointer.js';
import { mintToken, type MintTokenResult } from '../core/token/mint.js';
import { resolveSecret, type SecretEncoding } from '../core/token/secret.js';
import type { TokenDefaultsConfig } from '../core/token/config.js';
import { resolveTokenSettings } from '../core/token/settings.js';
import { parseTimeFlag } from '../core/token/time.js';
import { parseDuration } from '../core/duration.js';
import { usageError } from '../core/errors.js';
import { Option } from 'commander';
import { verb, type Deps, type Io } from './command.js';
import { jsonText } from './output.js';
import { collect, keyValue, rsaBitsOption } from './flag-values.js';
import { openKeystore } from './keystore.js';

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
  as?: string;
  output?: string;
}

const ENCODINGS = ['utf8', 'base64', 'base64url', 'hex'];

/** The secret flags once checked: the encoding is known to be one authctl decodes. */
export interface SecretOptions {
  secret?: string;
  secretEnv?: string;
  secretFile?: string;
  encoding?: SecretEncoding;
}

export function secretOptions(flags: SecretFlags): SecretOptions {
  return {
    secret: flags.secret,
    secretEnv: flags.secretEnv,
    secretFile: flags.secretFile,
    encoding: secretEncoding(flags),
  };
}

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

/**
 * `--defect`, checked; `--skew` and `--jku-url` only shape certain defects: given alone they would
 * be silently ignored. The defect registry loads only for --defect: a valid token needs none of it.
 */
async function parseDefectFlags(
  flags: Pick<MintFlags, 'defect' | 'skew' | 'jkuUrl'>,
): Promise<DefectSpec[] | undefined> {
  const given = flags.defect ?? [];
  const registry = given.length ? await import('../core/token/defects.js') : undefined;
  const defects = registry?.combineDefects(given.map(registry.parseDefect)) ?? [];
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
  env: NodeJS.ProcessEnv,
  flags: SecretOptions,
  tokenConfig: TokenDefaultsConfig,
  alg: string,
): Promise<Uint8Array | undefined> {
  const encoding = flags.encoding ?? tokenConfig.secret_encoding;
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
      env,
    });
  }
  // The config's secret is for HS* tokens only: an RS256 mint never reads (or needs) it.
  if (!alg.startsWith('HS') || (!tokenConfig.secret_env && !tokenConfig.secret_file))
    return undefined;
  return resolveSecret({
    secretEnv: tokenConfig.secret_env,
    secretFile: tokenConfig.secret_env ? undefined : tokenConfig.secret_file,
    encoding,
    env,
    where: tokenConfig.secret_env
      ? `[token] secret_env = "${tokenConfig.secret_env}" in config`
      : '[token] secret_file in config',
  });
}

/** The forms `--output` used to pick (json never was one: `--output json` is a file named json). */
const OLD_FORMS = ['token', 'header', 'curl'] as const;
/** `--as json` is `--json`, as in `sign` and `sigv4 presign` (docs/output.md). */
const FORMS = [...OLD_FORMS, 'json'] as const;
type Form = (typeof FORMS)[number];

/**
 * `--as` picks the printed form. `-o/--output` is FILE in every command (docs/output.md); the old
 * `--output header|curl|token` still picks the form, so existing scripts keep working.
 */
function formAndFile(flags: MintFlags): { form: Form; outputFile?: string } {
  const isForm = (v: string | undefined): v is Form => (FORMS as readonly string[]).includes(v!);
  if (flags.as !== undefined && !isForm(flags.as))
    throw usageError('ERR_BAD_OUTPUT', `unknown output form "${flags.as}"`, {
      where: '--as',
      hint: 'use token, header, curl or json (= --json)',
    });
  if ((OLD_FORMS as readonly string[]).includes(flags.output!))
    return { form: flags.as ?? (flags.output as Form), outputFile: undefined };
  return { form: flags.as ?? 'token', outputFile: flags.output };
}

/** Everything `token mint` was asked for, every flag checked (config is merged in `run`). */
export async function parseMint(flags: MintFlags) {
  const now = Math.floor(Date.now() / 1000);
  const header = Object.fromEntries((flags.header ?? []).map((pair) => keyValue(pair, '--header')));
  return {
    ...formAndFile(flags),
    preset: flags.preset,
    overrides: {
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
      header,
      mapping: mappingFlags(flags),
    },
    /** Whether --header itself set alg (else a preset did): for the error's `where`. */
    headerFlagSetsAlg: 'alg' in header,
    secret: secretOptions(flags),
    notBefore: flags.nbf !== undefined ? parseTimeFlag(flags.nbf, now, '--nbf') : undefined,
    issuedAt: flags.iat !== undefined ? parseTimeFlag(flags.iat, now, '--iat') : undefined,
    jti: flags.jti,
    bits: flags.bits,
    defect: await parseDefectFlags(flags),
    skewSeconds: flags.skew !== undefined ? parseDuration(flags.skew, '--skew') : undefined,
    jkuUrl: flags.jkuUrl !== undefined ? httpUrlFlag(flags.jkuUrl, '--jku-url') : undefined,
  };
}
export type MintOptions = Awaited<ReturnType<typeof parseMint>>;

export async function runMint(opts: MintOptions, io: Io, deps: Deps) {
  const { config } = await deps.config();
  const settings = resolveTokenSettings(config, opts.preset, opts.overrides);
  if ('alg' in settings.header) {
    // The signature is made with --alg; a different header alg would give an unverifiable token.
    throw usageError('ERR_HEADER_ALG', 'the alg header field cannot be set directly', {
      where: opts.headerFlagSetsAlg ? '--header' : `[tokens.${opts.preset}] header in config`,
      hint: 'use --alg to choose the algorithm, or --defect alg-none / alg-none-case for unsigned tokens',
    });
  }
  const keystore = await openKeystore(deps, io, opts.bits);
  const algChosen =
    opts.overrides.alg !== undefined ||
    (opts.preset !== undefined && config.tokens?.[opts.preset]?.alg !== undefined) ||
    config.token?.alg !== undefined;
  if (settings.kid && !algChosen) {
    // `--kid X` alone signs with key X, whatever its algorithm.
    const record = (await keystore.list()).find((key) => key.kid === settings.kid);
    if (record) settings.alg = record.alg;
  }
  const secret = await mintSecret(deps.env, opts.secret, config.token ?? {}, settings.alg);
  const { ttlSeconds, ...claims } = settings;
  const result = await mintToken({
    ...claims,
    keystore,
    ttlSeconds,
    notBefore: opts.notBefore,
    issuedAt: opts.issuedAt,
    jti: opts.jti,
    secret,
    defect: opts.defect,
    skewSeconds: opts.skewSeconds,
    jkuUrl: opts.jkuUrl,
  });
  return { value: { result, form: opts.form } };
}

function renderMinted({ result, form }: { result: MintTokenResult; form: Form }): string {
  if (form === 'json') return jsonText(result);
  if (form === 'header') return `Authorization: Bearer ${result.token}`;
  if (form === 'curl') return `-H 'Authorization: Bearer ${result.token}'`;
  return result.token;
}

export const mint = verb({
  name: 'mint',
  summary: 'print a signed JWT from the local mock issuer’s keys (created on first use)',
  options: mintOptions(),
  examples: [
    'authctl token mint --sub alice',
    'authctl token mint --sub alice --aud api://datapress --scope datasets:read --tenant acme',
    'authctl token mint --alg HS256 --secret-env JWT_SIGNING_KEY --secret-encoding base64',
    'authctl token mint --claim /org/id=42 --claim email=alice@example.com --role admin',
    'authctl token mint --defect expired --skew 90s',
    'authctl token mint --defect wrong-audience --defect alg-none   # both in one token',
    'curl -H "$(authctl token mint --sub alice --as header)" http://127.0.0.1:8080/',
    'authctl token mint --sub alice -o token.txt   # written with mode 0600',
    'authctl token mint --sub alice --json | jq .claims',
  ],
  parse: ({ flags }: { flags: MintFlags }) => parseMint(flags),
  run: runMint,
  render: { text: renderMinted, json: ({ result }) => result },
});

function mintOptions(): Option[] {
  const repeat = (flags: string, text: string) => new Option(flags, text).argParser(collect);
  return [
    new Option('--sub <subject>', 'subject (sub claim)'),
    new Option(
      '--iss <url>',
      'issuer (default: config [token] issuer, else http://127.0.0.1:9400)',
    ),
    repeat('--aud <audience>', 'audience; repeat for several'),
    new Option('--ttl <duration>', 'lifetime: 90s, 15m, 2h, 7d (default 15m)'),
    new Option('--nbf <time>', 'not-before: offset (-5m, +1h), Unix time or ISO date'),
    new Option('--iat <time>', 'issued-at: offset, Unix time or ISO date (default now)'),
    new Option('--jti <id>', 'token id (default: random UUID)'),
    new Option(
      '--alg <alg>',
      'RS256|RS384|RS512|PS256|PS384|PS512|ES256|ES384|ES512|EdDSA|HS256|HS384|HS512 (default RS256)',
    ),
    new Option(
      '--kid <kid>',
      'sign with this keystore key instead of the active one (its algorithm, unless --alg is given)',
    ),
    new Option(
      '--bits <n>',
      'RSA modulus size when a new RSA key is created (default 2048)',
    ).argParser(rsaBitsOption),
    repeat(
      '--scope <scope>',
      'scope; repeat for several (written as "scope" string or "scp" array per config)',
    ),
    repeat('--role <role>', 'role; repeat for several (written at the roles claim pointer)'),
    new Option('--tenant <id>', 'tenant (written at the tenant claim pointer)'),
    new Option(
      '--tenant-claim <pointer>',
      'JSON pointer for the tenant, e.g. /tid, /org_id, /org/id',
    ),
    new Option(
      '--roles-claim <pointer>',
      'JSON pointer for roles, e.g. /roles, /realm_access/roles',
    ),
    new Option('--scope-claim <name>', 'scope claim name: scope or scp'),
    repeat(
      '--claim <path=value>',
      'extra claim; PATH is a JSON pointer or name, VALUE is JSON or a string; repeatable',
    ),
    repeat('--header <k=v>', 'extra JOSE header field; repeatable'),
    ...mintShapeOptions(),
  ];
}

/** Where the token starts from, which secret signs it, which defects it has, how it is printed. */
function mintShapeOptions(): Option[] {
  const repeat = (flags: string, text: string) => new Option(flags, text).argParser(collect);
  return [
    new Option('--preset <name>', 'start from [tokens.NAME] in config; flags override it'),
    ...secretFlagOptions('HMAC secret for HS* (default: a generated one in the keystore)'),
    repeat(
      '--defect <kind>',
      'mint a deliberately broken token (see `authctl token defects`); repeat to combine defects that compose',
    ),
    new Option('--skew <duration>', 'how far expired / not-yet-valid tokens are out (default 10m)'),
    new Option('--jku-url <url>', 'attacker JWKS URL for --defect jku'),
    new Option(
      '--as <form>',
      'token (default) | header (Authorization: Bearer ...) | curl (-H argument) | json (= --json)',
    ),
    new Option(
      '-o, --output <file>',
      'write the token to FILE (mode 0600) instead of stdout; token|header|curl still mean --as',
    ),
  ];
}

/** --secret, --secret-env, --secret-file, --secret-encoding: the same four flags in mint and verify. */
export function secretFlagOptions(secretText: string): Option[] {
  return [
    new Option('--secret <secret>', secretText),
    new Option('--secret-env <var>', 'read the HMAC secret from this environment variable'),
    new Option('--secret-file <file>', 'read the HMAC secret from this file'),
    new Option(
      '--secret-encoding <enc>',
      'utf8 (default), base64 (e.g. Relay JWT_SIGNING_KEY), base64url or hex',
    ),
  ];
}

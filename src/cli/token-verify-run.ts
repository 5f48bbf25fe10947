import { AuthctlError, EXIT_CODES } from '../core/errors.js';
import { decodeToken } from '../core/token/decode.js';
import {
  keysFromDiscovery,
  keysFromFile,
  keysFromJwksUrl,
  keysFromKeystore,
  type VerificationKeys,
} from '../core/token/keysource.js';
import { resolveSecret } from '../core/token/secret.js';
import { resolveTokenSettings } from '../core/token/settings.js';
import {
  headerText,
  verifyToken,
  type VerifyCheck,
  type VerifyTokenResult,
} from '../core/token/verify.js';
import type { Deps, Io, Result } from './command.js';
import { openKeystore } from './keystore.js';
import { argumentOrStdin } from './stdin.js';
import type { VerifyOptions } from './token-verify-options.js';

// What `authctl token verify` runs, imported by the verb only when it runs (token-check.ts): the
// verifier brings jose and the key sources, which `token mint` and `token decode` never need, so they
// stay out of the hot bundle (dist/cli/main.js) and its start-up.

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

/**
 * A token that is not a JWT at all is a verdict like any other rejection (exit 1, `valid: false`), as
 * a malformed key is in `apikey verify`: the check ran and the input failed it (docs/output.md).
 */
function malformedVerdict(error: AuthctlError): VerifyTokenResult {
  const check: VerifyCheck = {
    check: 'encoding',
    status: 'fail',
    code: error.code,
    // `; ` rather than parentheses: the hint may hold parentheses of its own (found by review).
    message: error.hint ? `${error.message}; ${error.hint}` : error.message,
  };
  return { valid: false, header: {}, claims: {}, checks: [check], audienceChecked: false };
}

export async function runVerify(
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

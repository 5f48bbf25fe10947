import { parseDuration } from '../core/duration.js';
import { usageError } from '../core/errors.js';
import { parseAlgorithm } from '../core/keys/algorithms.js';
import { mappingFlags, secretOptions, type SecretFlags } from './token-mint.js';

// `token verify`'s flags and their checks, apart from what runs the verification
// (token-verify-run.ts): the verb's declaration and parse are in the hot bundle, the verifier and its
// key sources (jose, JWKS fetching) load only when a token is verified.

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

/** Every verify flag checked, before the token is read or any key is fetched. */
export function parseVerify(flags: VerifyFlags) {
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
export type VerifyOptions = ReturnType<typeof parseVerify>;

import path from 'node:path';
import { resolveSecret, type SecretEncoding } from '../token/secret.js';
import type { ResolveCredentialsOptions } from './credential-types.js';

interface SecretSource {
  secret_env?: string;
  secret_file?: string;
  secret_encoding?: SecretEncoding;
}

/**
 * The HMAC secret an HS* credential's tokens are signed with, from the first place that names one:
 * the credential, the spec's `[jwt]`, then config `[token]` (as `authctl token mint` reads it). A spec
 * that names its secret is self-contained. `flags` are the `token mint` flags reproducing the choice
 * (none for config `[token]`: the reproduction command passes --config).
 */
export async function hmacSecretFor(
  name: string,
  alg: string,
  options: ResolveCredentialsOptions,
): Promise<{ secret: Uint8Array; flags: string[] } | undefined> {
  if (!alg.startsWith('HS')) return undefined;
  const { spec, config, env } = options;
  const cred = spec.credentials[name] as SecretSource;
  const candidates: Array<[SecretSource, string, string]> = [
    [cred, `${spec.source} credentials.${name}`, spec.dir ?? options.cwd],
    [spec.jwt, `${spec.source} [jwt]`, spec.dir ?? options.cwd],
    [config.token ?? {}, 'config [token]', options.cwd],
  ];
  const index = candidates.findIndex(
    ([s]) => s.secret_env !== undefined || s.secret_file !== undefined,
  );
  if (index < 0) return undefined;
  const [source, where, base] = candidates[index]!;
  // A dry run needs no secrets: without the variable, the keystore's stands in.
  if (options.dryRun && source.secret_env !== undefined && env[source.secret_env] === undefined)
    return undefined;
  const file =
    source.secret_env === undefined && source.secret_file !== undefined
      ? path.resolve(base, source.secret_file)
      : undefined;
  const secret = await resolveSecret({
    secretEnv: source.secret_env,
    secretFile: file,
    encoding: source.secret_encoding,
    env,
    where: `${where} ${source.secret_env !== undefined ? `secret_env = "${source.secret_env}"` : 'secret_file'}`,
  });
  const fromConfig = index === candidates.length - 1;
  const flags = fromConfig
    ? []
    : [
        ...(file ? ['--secret-file', file] : ['--secret-env', source.secret_env!]),
        ...(source.secret_encoding ? ['--secret-encoding', source.secret_encoding] : []),
      ];
  return { secret: secret!, flags };
}

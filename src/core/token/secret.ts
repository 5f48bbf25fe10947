import { nodeFs } from '../node.js';
import { usageError } from '../errors.js';

export type SecretEncoding = 'utf8' | 'base64' | 'base64url' | 'hex';

export interface SecretSourceOptions {
  secret?: string;
  secretEnv?: string;
  secretFile?: string;
  encoding?: SecretEncoding;
  /** The environment `secretEnv` is read from (the caller's: core does not read process.env). */
  env: Readonly<Record<string, string | undefined>>;
  /** Names the source in errors when it is not a flag, e.g. `[token] secret_env in config`. */
  where?: string;
}

/**
 * Resolves an HMAC secret from exactly one of --secret, --secret-env VAR, --secret-file FILE.
 * `base64` covers secrets like Relay's JWT_SIGNING_KEY, which services decode before use.
 */
export async function resolveSecret(options: SecretSourceOptions): Promise<Uint8Array | undefined> {
  const given = [
    options.secret !== undefined,
    options.secretEnv !== undefined,
    options.secretFile !== undefined,
  ].filter(Boolean).length;
  if (given === 0) return undefined;
  if (given > 1)
    throw usageError(
      'ERR_SECRET_SOURCES',
      'give only one of {{secret}}, {{secretEnv}}, {{secretFile}}',
      { field: 'secret', hint: 'pick one source for the HMAC secret' },
    );
  let text: string;
  let where: string;
  if (options.secretEnv !== undefined) {
    where = options.where ?? `{{secretEnv}} ${options.secretEnv}`;
    const value = options.env[options.secretEnv];
    if (value === undefined)
      throw usageError(
        'ERR_SECRET_ENV_UNSET',
        `environment variable ${options.secretEnv} is not set`,
        { where, hint: `export ${options.secretEnv}=... or use {{secretFile}}` },
      );
    text = value;
  } else if (options.secretFile !== undefined) {
    where = options.where ?? `{{secretFile}} ${options.secretFile}`;
    try {
      text = (await nodeFs.promises.readFile(options.secretFile, 'utf8')).replace(/\r?\n$/, '');
    } catch (error) {
      throw usageError(
        'ERR_SECRET_FILE',
        `cannot read secret file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        { where, hint: 'check the path and permissions' },
      );
    }
  } else {
    where = '{{secret}}';
    text = options.secret!;
  }
  return decodeSecret(text, options.encoding ?? 'utf8', where);
}

/**
 * Decodes an HMAC secret given as text in `encoding` (utf8, base64, base64url, hex); `where` names its source in errors.
 */
export function decodeSecret(text: string, encoding: SecretEncoding, where: string): Uint8Array {
  if (encoding === 'utf8') return new TextEncoder().encode(text);
  const clean = text.trim();
  const valid =
    encoding === 'hex'
      ? /^([0-9a-f]{2})*$/i.test(clean)
      : encoding === 'base64'
        ? /^[A-Za-z0-9+/]*={0,2}$/.test(clean)
        : /^[A-Za-z0-9_-]*$/.test(clean);
  if (!valid) {
    throw usageError('ERR_SECRET_ENCODING', `the secret is not valid ${encoding}`, {
      where,
      hint: `check the value, or drop {{secretEncoding}} ${encoding} to use it as text`,
    });
  }
  return new Uint8Array(Buffer.from(clean, encoding));
}

import { createPrivateKey, createPublicKey, type JsonWebKey } from 'node:crypto';
import { usageError } from '../core/errors.js';
import type { KeyRecord } from '../core/keys/keyring.js';
import type { Keystore } from '../core/keys/keystore.js';
import type { CliContext } from './context.js';

export interface ExportFlags {
  kid?: string;
  pem?: boolean;
  private?: boolean;
}

function pemOf(key: KeyRecord, includePrivate: boolean): string {
  if (includePrivate) {
    if (key.privateJwk.kty === 'oct')
      return `# ${key.kid} is an HMAC secret (base64url): ${String(key.privateJwk.k)}\n`;
    return createPrivateKey({ key: key.privateJwk as JsonWebKey, format: 'jwk' }).export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
  }
  return createPublicKey({ key: key.publicJwk as JsonWebKey, format: 'jwk' }).export({
    type: 'spki',
    format: 'pem',
  }) as string;
}

export async function exportKeys(
  ctx: CliContext,
  keystore: Keystore,
  flags: ExportFlags,
): Promise<void> {
  let keys = (await keystore.list()).filter((key) => key.status !== 'retired');
  if (flags.kid) {
    keys = keys.filter((key) => key.kid === flags.kid);
    if (!keys.length)
      throw usageError(
        'ERR_UNKNOWN_KID',
        `no key with kid "${flags.kid}" (retired keys are not exported)`,
        { where: '--kid', hint: 'run `authctl keys list`' },
      );
    if (!flags.private && !keys[0]!.publicJwk) {
      throw usageError(
        'ERR_NO_PUBLIC_KEY',
        `key ${flags.kid} is an HMAC secret: it has no public part to export`,
        { where: '--kid', hint: 'add --private to print the secret itself (handle with care)' },
      );
    }
  }
  if (!flags.private) keys = keys.filter((key) => key.publicJwk);
  if (!keys.length) {
    throw usageError('ERR_NO_KEYS', 'no keys to export yet', {
      hint: 'keys are created on first use: run `authctl token mint` first (HMAC secrets are exported only with --private)',
    });
  }
  if (flags.private)
    ctx.out.warn(
      'exporting PRIVATE keys: anyone with this output can sign tokens as the mock issuer',
    );
  if (flags.pem && ctx.out.json) {
    // One JSON document even with --pem: each key's PEM (an HMAC secret's k) beside its kid and alg.
    ctx.out.jsonDocument({
      keys: keys.map((key) => ({
        kid: key.kid,
        alg: key.alg,
        ...(key.privateJwk.kty === 'oct'
          ? { k: key.privateJwk.k }
          : { pem: pemOf(key, Boolean(flags.private)) }),
      })),
    });
    return;
  }
  if (flags.pem) {
    ctx.out.data(keys.map((key) => pemOf(key, Boolean(flags.private))).join(''));
    return;
  }
  ctx.out.jsonDocument({
    keys: keys.map((key) => (flags.private ? key.privateJwk : key.publicJwk)),
  });
}

import { createPrivateKey, createPublicKey, type JsonWebKey } from 'node:crypto';
import { usageError } from '../core/errors.js';
import type { Keystore } from '../core/keys/keystore.js';
import type { CliContext } from './context.js';

export async function exportKeys(ctx: CliContext, keystore: Keystore, flags: { kid?: string; pem?: boolean; private?: boolean }): Promise<void> {
  let keys = (await keystore.list()).filter((key) => key.status !== 'retired');
  if (flags.kid) {
    keys = keys.filter((key) => key.kid === flags.kid);
    if (!keys.length) throw usageError('ERR_UNKNOWN_KID', `no key with kid "${flags.kid}"`, { where: '--kid', hint: 'run `authctl keys list`' });
  }
  if (!flags.private) keys = keys.filter((key) => key.publicJwk);
  if (!keys.length) throw usageError('ERR_NO_KEYS', 'no keys to export yet', { hint: 'keys are created on first use: run `authctl token mint` first' });
  if (flags.private) ctx.out.warn('exporting PRIVATE keys: anyone with this output can sign tokens as the mock issuer');
  if (flags.pem) {
    const blocks = keys.map((key) => {
      if (flags.private) {
        if (key.privateJwk.kty === 'oct') return `# ${key.kid} is an HMAC secret (base64url): ${String(key.privateJwk.k)}\n`;
        return createPrivateKey({ key: key.privateJwk as JsonWebKey, format: 'jwk' }).export({ type: 'pkcs8', format: 'pem' }) as string;
      }
      return createPublicKey({ key: key.publicJwk as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string;
    });
    ctx.out.data(blocks.join(''));
    return;
  }
  ctx.out.jsonDocument({ keys: keys.map((key) => (flags.private ? key.privateJwk : key.publicJwk)) });
}

import type { JsonWebKey } from 'node:crypto';
import { Option } from 'commander';
import { usageError } from '../core/errors.js';
import type { KeyRecord } from '../core/keys/keyring.js';
// Through require(), on first use: `keys list` (this module's bundle) never converts a key (node.ts).
import { loadCrypto } from '../core/node.js';
import { verb } from './command.js';
import { jsonText } from './output.js';
import { openKeystore } from './keystore.js';

export interface ExportOptions {
  kid?: string;
  pem: boolean;
  private: boolean;
}

function pemOf(key: KeyRecord, includePrivate: boolean): string {
  if (includePrivate) {
    if (key.privateJwk.kty === 'oct')
      return `# ${key.kid} is an HMAC secret (base64url): ${String(key.privateJwk.k)}\n`;
    return loadCrypto()
      .createPrivateKey({ key: key.privateJwk as JsonWebKey, format: 'jwk' })
      .export({
        type: 'pkcs8',
        format: 'pem',
      }) as string;
  }
  return loadCrypto()
    .createPublicKey({ key: key.publicJwk as JsonWebKey, format: 'jwk' })
    .export({
      type: 'spki',
      format: 'pem',
    }) as string;
}

/** The keys `opts` selects: retired keys never; HMAC secrets only with --private. */
function selectKeys(all: KeyRecord[], opts: ExportOptions): KeyRecord[] {
  let keys = all.filter((key) => key.status !== 'retired');
  if (opts.kid) {
    keys = keys.filter((key) => key.kid === opts.kid);
    if (!keys.length)
      throw usageError(
        'ERR_UNKNOWN_KID',
        `no key with kid "${opts.kid}" (retired keys are not exported)`,
        { where: '--kid', hint: 'run `authctl keys list`' },
      );
    if (!opts.private && !keys[0]!.publicJwk) {
      throw usageError(
        'ERR_NO_PUBLIC_KEY',
        `key ${opts.kid} is an HMAC secret: it has no public part to export`,
        { where: '--kid', hint: 'add --private to print the secret itself (handle with care)' },
      );
    }
  }
  if (!opts.private) keys = keys.filter((key) => key.publicJwk);
  if (!keys.length) {
    throw usageError('ERR_NO_KEYS', 'no keys to export yet', {
      hint: 'keys are created on first use: run `authctl token mint` first (HMAC secrets are exported only with --private)',
    });
  }
  return keys;
}

/** `authctl keys export [--kid K] [--pem] [--private]`. */
export const exportVerb = verb({
  name: 'export',
  summary:
    'print public keys (JWKS, or PEM with --pem); --private includes private keys (handle with care)',
  options: [
    new Option('--kid <kid>', 'only this key'),
    new Option('--pem', 'PEM (SPKI, or PKCS#8 with --private) instead of JWK'),
    new Option('--private', 'include private keys'),
  ],
  examples: [
    'authctl keys export --pem > public.pem',
    'authctl keys export --kid abc --private --pem > private.pem',
  ],
  parse: ({ flags }: { flags: { kid?: string; pem?: boolean; private?: boolean } }) => ({
    kid: flags.kid,
    pem: flags.pem === true,
    private: flags.private === true,
  }),
  async run(opts: ExportOptions, io, deps) {
    const keys = selectKeys(await (await openKeystore(deps, io)).list(), opts);
    if (opts.private)
      io.warn('exporting PRIVATE keys: anyone with this output can sign tokens as the mock issuer');
    return { value: { keys, opts } };
  },
  render: {
    text: ({ keys, opts }) =>
      opts.pem
        ? keys.map((key) => pemOf(key, opts.private)).join('')
        : jsonText(jwksOf(keys, opts)),
    // One JSON document even with --pem: each key's PEM (an HMAC secret's k) beside its kid and alg.
    json: ({ keys, opts }) =>
      opts.pem
        ? {
            keys: keys.map((key) => ({
              kid: key.kid,
              alg: key.alg,
              ...(key.privateJwk.kty === 'oct'
                ? { k: key.privateJwk.k }
                : { pem: pemOf(key, opts.private) }),
            })),
          }
        : jwksOf(keys, opts),
  },
});

function jwksOf(keys: KeyRecord[], opts: ExportOptions) {
  return { keys: keys.map((key) => (opts.private ? key.privateJwk : key.publicJwk)) };
}

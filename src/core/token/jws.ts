import type { KeyObject, SignKeyObjectInput } from 'node:crypto';
import { nodeCrypto } from '../node.js';

/**
 * JWS compact serialisation over node:crypto signatures. `token mint` signs through this rather
 * than jose so that the common path never initialises WebCrypto (a large share of start-up);
 * jose remains the verifier, and tests check these tokens with jose and fast-jwt.
 */

const HASHES: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

export function encodeJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function signJws(
  header: Record<string, unknown> & { alg: string },
  claims: Record<string, unknown>,
  key: KeyObject | Uint8Array,
): string {
  const input = `${encodeJson(header)}.${encodeJson(claims)}`;
  return `${input}.${signInput(header.alg, input, key).toString('base64url')}`;
}

function signInput(alg: string, input: string, key: KeyObject | Uint8Array): Buffer {
  const data = Buffer.from(input);
  const hash = HASHES[alg.slice(2)];
  if (alg.startsWith('HS') && hash)
    return nodeCrypto
      .createHmac(hash, key as Uint8Array)
      .update(data)
      .digest();
  const [digest, keyInput] = asymmetricArgs(alg, key as KeyObject);
  return nodeCrypto.sign(digest, data, keyInput);
}

/** node:crypto `sign` arguments for an asymmetric JWS algorithm. */
function asymmetricArgs(
  alg: string,
  key: KeyObject,
): [string | null, KeyObject | SignKeyObjectInput] {
  const hash = HASHES[alg.slice(2)];
  if (alg === 'EdDSA') return [null, key];
  if (!hash) throw new Error(`unsupported algorithm ${alg}`);
  switch (alg.slice(0, 2)) {
    case 'RS':
      return [hash, key];
    case 'PS':
      return [
        hash,
        {
          key,
          padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING,
          saltLength: nodeCrypto.constants.RSA_PSS_SALTLEN_DIGEST,
        },
      ];
    case 'ES':
      // JOSE wants r || s (IEEE P1363), not DER.
      return [hash, { key, dsaEncoding: 'ieee-p1363' }];
    default:
      throw new Error(`unsupported algorithm ${alg}`);
  }
}

/**
 * The same JWS as `signJws`, but an asymmetric signature is computed on libuv's threadpool
 * (node:crypto `sign` with a callback), so a server can sign several tokens at once.
 */
export function signJwsAsync(
  header: Record<string, unknown> & { alg: string },
  claims: Record<string, unknown>,
  key: KeyObject | Uint8Array,
): Promise<string> {
  if (header.alg.startsWith('HS')) return Promise.resolve(signJws(header, claims, key));
  const input = `${encodeJson(header)}.${encodeJson(claims)}`;
  const [digest, keyInput] = asymmetricArgs(header.alg, key as KeyObject);
  return new Promise((resolve, reject) => {
    nodeCrypto.sign(digest, Buffer.from(input), keyInput, (error, signature) =>
      error ? reject(error) : resolve(`${input}.${signature.toString('base64url')}`),
    );
  });
}

import type { KeyObject, SignKeyObjectInput } from 'node:crypto';
import { loadCrypto } from '../node.js';

/**
 * JWS compact serialisation over node:crypto signatures. `token mint` signs through this rather
 * than jose so that the common path never initialises WebCrypto (a large share of start-up);
 * jose remains the verifier, and tests check these tokens with jose and fast-jwt.
 */

const HASHES: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

export function encodeJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * The last protected header encoded for each key: an issuer signs every token of a key with the
 * same header, so its base64url form is built once, not per token (issue #17). Keyed by the
 * header's JSON, so a different header (another typ, a kid given by hand) is encoded afresh. Weak:
 * a rotated-away key takes its entry with it. Created on first use: no start-up work.
 */
let encodedHeaders: WeakMap<KeyObject | Uint8Array, { json: string; encoded: string }> | undefined;

function encodeHeader(header: Record<string, unknown>, key: KeyObject | Uint8Array): string {
  const json = JSON.stringify(header);
  encodedHeaders ??= new WeakMap();
  const last = encodedHeaders.get(key);
  if (last?.json === json) return last.encoded;
  const encoded = Buffer.from(json).toString('base64url');
  encodedHeaders.set(key, { json, encoded });
  return encoded;
}

export function signJws(
  header: Record<string, unknown> & { alg: string },
  claims: Record<string, unknown>,
  key: KeyObject | Uint8Array,
): string {
  const input = `${encodeHeader(header, key)}.${encodeJson(claims)}`;
  return `${input}.${signInput(header.alg, input, key).toString('base64url')}`;
}

function signInput(alg: string, input: string, key: KeyObject | Uint8Array): Buffer {
  const data = Buffer.from(input);
  const hash = HASHES[alg.slice(2)];
  if (alg.startsWith('HS') && hash)
    return loadCrypto()
      .createHmac(hash, key as Uint8Array)
      .update(data)
      .digest();
  const [digest, keyInput] = asymmetricArgs(alg, key as KeyObject);
  return loadCrypto().sign(digest, data, keyInput);
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
          padding: loadCrypto().constants.RSA_PKCS1_PSS_PADDING,
          saltLength: loadCrypto().constants.RSA_PSS_SALTLEN_DIGEST,
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
  const input = `${encodeHeader(header, key)}.${encodeJson(claims)}`;
  const [digest, keyInput] = asymmetricArgs(header.alg, key as KeyObject);
  return new Promise((resolve, reject) => {
    loadCrypto().sign(digest, Buffer.from(input), keyInput, (error, signature) =>
      error ? reject(error) : resolve(`${input}.${signature.toString('base64url')}`),
    );
  });
}

import type { KeyObject } from 'node:crypto';
import { nodeCrypto } from '../node.js';

const { constants, createHmac, sign } = nodeCrypto;

/**
 * JWS compact serialisation over node:crypto signatures. `token mint` signs through this rather
 * than jose so that the common path never initialises WebCrypto (a large share of start-up);
 * jose remains the verifier, and tests check these tokens with jose and fast-jwt.
 */

const HASHES: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

export function encodeJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function signJws(header: Record<string, unknown> & { alg: string }, claims: Record<string, unknown>, key: KeyObject | Uint8Array): string {
  const input = `${encodeJson(header)}.${encodeJson(claims)}`;
  return `${input}.${signInput(header.alg, input, key).toString('base64url')}`;
}

function signInput(alg: string, input: string, key: KeyObject | Uint8Array): Buffer {
  const data = Buffer.from(input);
  const hash = HASHES[alg.slice(2)];
  if (alg === 'EdDSA') return sign(null, data, key as KeyObject);
  if (!hash) throw new Error(`unsupported algorithm ${alg}`);
  switch (alg.slice(0, 2)) {
    case 'HS':
      return createHmac(hash, key as Uint8Array).update(data).digest();
    case 'RS':
      return sign(hash, data, key as KeyObject);
    case 'PS':
      return sign(hash, data, { key: key as KeyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
    case 'ES':
      // JOSE wants r || s (IEEE P1363), not DER.
      return sign(hash, data, { key: key as KeyObject, dsaEncoding: 'ieee-p1363' });
    default:
      throw new Error(`unsupported algorithm ${alg}`);
  }
}

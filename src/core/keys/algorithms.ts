import { usageError } from '../errors.js';
import { closest } from '../suggest.js';

/** The algorithms that sign with a key pair: the mock issuer's keystore holds these. */
export const KEY_PAIR_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;
/** JWT algorithms authctl can mint and verify. (Kept free of zod: this module is on the `token mint` hot path.) */
export const JWT_ALGORITHMS = [...KEY_PAIR_ALGORITHMS, 'HS256', 'HS384', 'HS512'] as const;
export type JWTAlgorithm = (typeof JWT_ALGORITHMS)[number];

export type KeyType = 'RSA' | 'EC' | 'OKP' | 'oct';

export interface AlgorithmInfo {
  alg: JWTAlgorithm;
  kty: KeyType;
  /** EC curve or OKP subtype. */
  crv?: 'P-256' | 'P-384' | 'P-521' | 'Ed25519';
  /** Hash size in bits; HMAC secrets shorter than this are weak (RFC 7518 §3.2). */
  hashBits: number;
}

const TABLE: Record<JWTAlgorithm, AlgorithmInfo> = {
  RS256: { alg: 'RS256', kty: 'RSA', hashBits: 256 },
  RS384: { alg: 'RS384', kty: 'RSA', hashBits: 384 },
  RS512: { alg: 'RS512', kty: 'RSA', hashBits: 512 },
  PS256: { alg: 'PS256', kty: 'RSA', hashBits: 256 },
  PS384: { alg: 'PS384', kty: 'RSA', hashBits: 384 },
  PS512: { alg: 'PS512', kty: 'RSA', hashBits: 512 },
  ES256: { alg: 'ES256', kty: 'EC', crv: 'P-256', hashBits: 256 },
  ES384: { alg: 'ES384', kty: 'EC', crv: 'P-384', hashBits: 384 },
  ES512: { alg: 'ES512', kty: 'EC', crv: 'P-521', hashBits: 512 },
  EdDSA: { alg: 'EdDSA', kty: 'OKP', crv: 'Ed25519', hashBits: 512 },
  HS256: { alg: 'HS256', kty: 'oct', hashBits: 256 },
  HS384: { alg: 'HS384', kty: 'oct', hashBits: 384 },
  HS512: { alg: 'HS512', kty: 'oct', hashBits: 512 },
};

/** What authctl knows about a JWT algorithm: key type, curve or hash, and how to generate its key. */
export function algorithmInfo(alg: JWTAlgorithm): AlgorithmInfo {
  return TABLE[alg];
}

/**
 * Whether `alg` is an HMAC algorithm (HS256/384/512): signed with a shared secret, not a key pair.
 */
export function isHmac(alg: string): boolean {
  return /^HS(256|384|512)$/.test(alg);
}

/** Parses an algorithm name from a flag or config value (case-insensitive, `eddsa` → `EdDSA`). */
export function parseAlgorithm(input: string, where = '{{alg}}'): JWTAlgorithm {
  const found = JWT_ALGORITHMS.find((alg) => alg.toLowerCase() === input.trim().toLowerCase());
  if (found) return found;
  const suggestion = closest(input, JWT_ALGORITHMS);
  throw usageError('ERR_UNKNOWN_ALG', `unknown algorithm "${input}"`, {
    where,
    hint: `${suggestion ? `did you mean ${suggestion}? ` : ''}supported: ${JWT_ALGORITHMS.join(', ')}`,
  });
}

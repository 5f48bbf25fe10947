import { createHmac, timingSafeEqual } from 'node:crypto';
import { usageError } from '../errors.js';
import { decodeToken, normalizeToken } from './decode.js';

const HASHES: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

export interface CrackResult {
  alg: string;
  cracked: boolean;
  /** The candidate that verifies the signature (a value from the list, so not a private secret). */
  secret?: string;
  tries: number;
  candidates: number;
  ms: number;
  triesPerSecond: number;
}

/**
 * Tries each candidate as the HMAC key of a captured HS256/384/512 token, offline. Bounded by the
 * candidate count (the caller caps list sizes); HMACs come from node:crypto, and the comparison is
 * constant-time even though nothing here is secret, so this never grows a timing side channel when reused.
 */
export function crackHmacToken(input: string, candidates: readonly string[]): CrackResult {
  const token = normalizeToken(input);
  const { header, signature } = decodeToken(token);
  const alg = String(header.alg);
  const hash = HASHES[alg];
  if (!hash) {
    throw usageError('ERR_CRACK_NOT_HMAC', `the token is signed with ${alg}, not HS256/384/512`, {
      where: 'token',
      hint: 'only HMAC-signed tokens have a shared secret to guess; asymmetric keys cannot be guessed from a list',
    });
  }
  const expected = Buffer.from(signature, 'base64url');
  const signingInput = token.slice(0, token.lastIndexOf('.'));
  const started = performance.now();
  let tries = 0;
  let secret: string | undefined;
  for (const candidate of candidates) {
    tries++;
    const mac = createHmac(hash, candidate).update(signingInput).digest();
    if (mac.length === expected.length && timingSafeEqual(mac, expected)) {
      secret = candidate;
      break;
    }
  }
  const ms = performance.now() - started;
  return {
    alg,
    cracked: secret !== undefined,
    secret,
    tries,
    candidates: candidates.length,
    ms: Math.round(ms * 10) / 10,
    triesPerSecond: Math.round(tries / Math.max(ms / 1000, 1e-6)),
  };
}

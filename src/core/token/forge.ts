import { createPublicKey, KeyObject, randomBytes } from 'node:crypto';
import type { CompactJWSHeaderParameters, JWK } from 'jose';
import { isHmac, type JWTAlgorithm } from '../keys/algorithms.js';
import { encodeJson, signJws, signJwsAsync } from './jws.js';

/** Low-level JWS assembly for tokens a normal signer refuses to make. */

const encoder = new TextEncoder();

/** One JSON segment of a JWS, base64url-encoded (the same encoding `token mint` signs). */
export const encodeSegment = encodeJson;

/**
 * The same compact JWS jose's CompactSign makes (JSON header and claims, base64url, signature over
 * both), signed by node:crypto: every probe run forges with the attacker key, and loading jose for
 * it costs ~45 module files at start-up (issue #17). jose still generates keys and verifies. A
 * non-extractable CryptoKey is the exception: jose signs it (see below).
 */
export async function signCompact(
  header: CompactJWSHeaderParameters,
  claims: Record<string, unknown>,
  key: CryptoKey | KeyObject | Uint8Array,
): Promise<string> {
  if (key instanceof Uint8Array) return signJws(header, claims, key);
  // On the threadpool: the probe forges with the attacker key while its requests are in flight.
  if (key instanceof KeyObject) return signJwsAsync(header, claims, key);
  if (key.extractable) return signJwsAsync(header, claims, KeyObject.from(key));
  // Node 24 deprecates KeyObject.from() of a non-extractable CryptoKey (DEP0204: a warning on
  // stderr). Such a key (an API caller's own AttackerKey) is signed by jose, loaded only for it.
  const { CompactSign } = await import('jose');
  return new CompactSign(encoder.encode(JSON.stringify(claims)))
    .setProtectedHeader(header)
    .sign(key);
}

/** HMAC-SHA-256 with any key, including the empty one (WebCrypto refuses zero-length keys; node:crypto does not). */
export function signHs256Raw(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  secret: Uint8Array,
): string {
  return signJws({ ...header, alg: 'HS256' }, claims, secret);
}

export function unsigned(header: Record<string, unknown>, claims: Record<string, unknown>): string {
  return `${encodeSegment(header)}.${encodeSegment(claims)}.`;
}

/** Flips bits in the first signature byte: same length, same encoding, wrong value. */
export function corruptSignature(token: string): string {
  const [h, p, s] = token.split('.');
  const bytes = Buffer.from(s!, 'base64url');
  bytes[0] = bytes[0]! ^ 0x5a;
  return `${h}.${p}.${bytes.toString('base64url')}`;
}

/** SPKI PEM of a public JWK: the "secret" an HS/RS confusion attack uses. */
export function publicPem(jwk: JWK): Uint8Array {
  const pem = createPublicKey({
    key: jwk as import('node:crypto').JsonWebKey,
    format: 'jwk',
  }).export({ type: 'spki', format: 'pem' });
  return encoder.encode(pem as string);
}

/** ECDSA signature length in JOSE (r || s) form. */
export function ecdsaSignatureLength(alg: string): number {
  return alg === 'ES384' ? 96 : alg === 'ES512' ? 132 : 64;
}

export interface AttackerKey {
  alg: JWTAlgorithm;
  /**
   * The key `alg` signs with. A KeyObject (a stored attacker key) and an extractable CryptoKey are
   * signed by node:crypto; a non-extractable one by jose, which also requires it to match `alg`
   * (hash, curve, RSA >= 2048 bits, `sign` usage).
   */
  privateKey: CryptoKey | KeyObject;
  publicJwk: JWK;
}

/** A throwaway key pair nobody publishes: for unknown-kid, embedded-jwk and jku forgeries. */
export async function generateAttackerKey(alg: JWTAlgorithm): Promise<AttackerKey> {
  // Only when no stored attacker key fits (probe/attacker.ts): jose is not loaded for a cached one.
  const { calculateJwkThumbprint, exportJWK, generateKeyPair } = await import('jose');
  const keyAlg: JWTAlgorithm = isHmac(alg) ? 'ES256' : alg;
  const { privateKey, publicKey } = await generateKeyPair(keyAlg, {
    extractable: true,
    crv: keyAlg === 'EdDSA' ? 'Ed25519' : undefined,
  });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { alg: keyAlg, privateKey, publicJwk: { ...jwk, kid, alg: keyAlg, use: 'sig' } };
}

export function randomKid(): string {
  return randomBytes(16).toString('base64url');
}

import type { JWK } from 'jose';
import { loadCrypto } from '../node.js';
import { algorithmInfo, isHmac, type JWTAlgorithm } from './algorithms.js';
import type { KeyRecord, KeyStatus } from './keyring.js';

/** A new key record for `alg`: a 64-byte secret for HS*, else a fresh key pair. `now` is an ISO time. */
export async function generateRecord(
  alg: JWTAlgorithm,
  status: KeyStatus,
  { now, rsaBits }: { now: string; rsaBits: number },
): Promise<KeyRecord> {
  // jose loads lazily: only first use and rotation need it, not every `token mint`.
  const { calculateJwkThumbprint, exportJWK, generateKeyPair } = await import('jose');
  if (isHmac(alg)) {
    // 64 random bytes: longer than the hash of every HS algorithm (RFC 7518 §3.2).
    const privateJwk: JWK = { kty: 'oct', k: loadCrypto().randomBytes(64).toString('base64url') };
    const kid = await calculateJwkThumbprint(privateJwk);
    return {
      kid,
      alg,
      status,
      createdAt: now,
      activatedAt: status === 'active' ? now : undefined,
      origin: 'generated',
      privateJwk: { ...privateJwk, kid, alg },
    };
  }
  const info = algorithmInfo(alg);
  const { privateKey, publicKey } = await generateKeyPair(alg, {
    extractable: true,
    modulusLength: info.kty === 'RSA' ? rsaBits : undefined,
    crv: info.kty === 'OKP' ? 'Ed25519' : undefined,
  });
  return recordFromJwks(
    await exportJWK(privateKey),
    await exportJWK(publicKey),
    alg,
    status,
    'generated',
    now,
  );
}

/** A key pair's record: its kid is the RFC 7638 thumbprint of the public key. */
export async function recordFromJwks(
  privateJwk: JWK,
  publicJwk: JWK,
  alg: JWTAlgorithm,
  status: KeyStatus,
  origin: KeyRecord['origin'],
  now: string,
): Promise<KeyRecord> {
  const { calculateJwkThumbprint } = await import('jose');
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    kid,
    alg,
    status,
    createdAt: now,
    activatedAt: status === 'active' ? now : undefined,
    origin,
    privateJwk: { ...privateJwk, kid, alg },
    publicJwk: { ...publicJwk, kid, alg, use: 'sig' },
  };
}

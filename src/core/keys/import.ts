import type { JWK } from 'jose';
import { usageError } from '../errors.js';
import type { JWTAlgorithm } from './algorithms.js';
import type { Keyring, KeyRecord, KeyStatus } from './keyring.js';
import { algorithmsForJwk, checkPrivateKey, parseKeyMaterial } from './material.js';
import { recordFromJwks } from './records.js';

/** A private key read for import, checked, with the algorithm it will sign. */
export interface ParsedImport {
  privateJwk: JWK;
  publicJwk: JWK;
  alg: JWTAlgorithm;
}

/**
 * Reads one private key (PEM or JWK, or an HMAC secret JWK) and the algorithm to import it for
 * (`alg`, else the first it can sign); refuses public keys, several keys and unsupported ones.
 */
export function parseImport(text: string, source: string, alg?: JWTAlgorithm): ParsedImport {
  // A PEM bundle of key + certificate is common: the one private key in it is the one to import.
  const all = parseKeyMaterial(text, source);
  const privates = all.filter((key) => key.privateJwk);
  if (privates.length > 1)
    throw usageError('ERR_KEY_FORMAT', `expected one private key, found ${privates.length}`, {
      where: source,
      hint: 'split the file and import one private key at a time',
    });
  const privateJwk = (privates[0] ?? all[0]!).privateJwk;
  if (!privateJwk)
    throw usageError('ERR_KEY_NOT_PRIVATE', 'this is a public key; a signing key must be private', {
      where: source,
      hint: 'import the private key (PKCS#8, SEC1, PKCS#1 PEM or a JWK with "d")',
    });
  const candidates = algorithmsForJwk(privateJwk);
  const keyName = [privateJwk.kty, privateJwk.crv].filter(Boolean).join(' ');
  if (candidates.length === 0) {
    throw usageError(
      'ERR_KEY_UNSUPPORTED',
      `this ${keyName} key${privateJwk.alg ? ` (alg ${privateJwk.alg})` : ''} cannot sign JWTs`,
      {
        where: source,
        hint: 'use an RSA (2048+ bits), EC P-256/P-384/P-521 or Ed25519 private key, or an oct secret',
      },
    );
  }
  const chosen = (alg ?? candidates[0]) as JWTAlgorithm;
  if (!candidates.includes(chosen)) {
    throw usageError('ERR_KID_ALG_MISMATCH', `this ${keyName} key cannot sign ${chosen}`, {
      field: 'alg',
      hint: `choose one of: ${candidates.join(', ')}`,
    });
  }
  return { privateJwk, publicJwk: checkPrivateKey(privateJwk, source), alg: chosen };
}

/** The active record of an imported key (`iso` is now); a secret's kid is its own thumbprint. */
export async function importedRecord(
  { privateJwk, publicJwk, alg }: ParsedImport,
  iso: string,
): Promise<KeyRecord> {
  if (privateJwk.kty === 'oct') {
    const { calculateJwkThumbprint } = await import('jose');
    return {
      kid: await calculateJwkThumbprint(privateJwk),
      alg,
      status: 'active' as KeyStatus,
      createdAt: iso,
      activatedAt: iso,
      origin: 'imported' as const,
      privateJwk: { ...privateJwk, alg },
    };
  }
  const { kid: _kid, alg: _alg, use: _use, key_ops: _ops, ...cleanPublic } = publicJwk;
  return recordFromJwks(privateJwk, cleanPublic, alg, 'active', 'imported', iso);
}

/**
 * Kids name one key for one algorithm. The same key material imported for another algorithm (an RSA key as
 * RS256, then as PS256: one key per algorithm) gets its own kid, `<thumbprint>-<alg>`, because many verifiers
 * (jwks-rsa, PyJWKClient) pick a JWK by kid alone. The same material for the same algorithm is nothing to do.
 */
export function distinctKid(ring: Keyring, record: KeyRecord, source: string): void {
  const thumbprint = record.kid;
  const same = ring.keys.filter(
    (key) => key.kid === thumbprint || key.kid.startsWith(`${thumbprint}-`),
  );
  const existing = same.find((key) => key.alg === record.alg);
  if (existing) {
    throw usageError(
      'ERR_KEY_EXISTS',
      `key ${existing.kid} is already in the keystore for ${record.alg}`,
      {
        where: source,
        hint: 'nothing to do; `authctl keys list` shows it (use {{alg}} to import it for another algorithm)',
      },
    );
  }
  if (same.length === 0) return;
  record.kid = `${thumbprint}-${record.alg}`;
  record.privateJwk = { ...record.privateJwk, kid: record.kid };
  if (record.publicJwk) record.publicJwk = { ...record.publicJwk, kid: record.kid };
}

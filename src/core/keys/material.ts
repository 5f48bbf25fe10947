import type { KeyObject } from 'node:crypto';
import { nodeCrypto } from '../node.js';
import type { JWK } from 'jose';
import { usageError } from '../errors.js';

export interface ParsedKey {
  /** Public JWK (for private input, derived from it). */
  publicJwk: JWK;
  /** Private JWK, when the input held a private key. */
  privateJwk?: JWK;
}

/**
 * Reads key material in any common form: PEM (PKCS#8, SPKI, SEC1 "EC PRIVATE KEY", PKCS#1
 * "RSA PRIVATE/PUBLIC KEY", X.509 certificate), a JWK, or a JWKS. `source` names the file in errors.
 */
export function parseKeyMaterial(text: string, source: string): ParsedKey[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return parseJsonKeys(trimmed, source);
  if (trimmed.includes('-----BEGIN')) return parsePemKeys(trimmed, source);
  throw usageError('ERR_KEY_FORMAT', 'not a PEM key, JWK or JWKS', {
    where: source,
    hint: 'give a PEM file (-----BEGIN ... KEY-----), a JWK ({"kty": ...}) or a JWKS ({"keys": [...]})',
  });
}

function parseJsonKeys(text: string, source: string): ParsedKey[] {
  let data: { keys?: JWK[] } & JWK;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw usageError('ERR_KEY_FORMAT', `invalid JSON: ${(error as Error).message}`, { where: source, hint: 'give a JWK or JWKS as JSON' });
  }
  const jwks = Array.isArray(data.keys) ? data.keys : [data];
  if (jwks.length === 0) throw usageError('ERR_KEY_FORMAT', 'the JWKS has no keys', { where: source, hint: 'check that the issuer publishes keys' });
  return jwks.map((jwk, index) => {
    if (!jwk || typeof jwk.kty !== 'string') {
      throw usageError('ERR_KEY_FORMAT', `key ${index} has no "kty"`, { where: source, hint: 'each JWK needs kty (RSA, EC, OKP or oct)' });
    }
    if (jwk.kty === 'oct') return { publicJwk: jwk, privateJwk: jwk };
    const isPrivate = 'd' in jwk && jwk.d !== undefined;
    if (!isPrivate) return { publicJwk: jwk };
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, oth: _oth, ...publicJwk } = jwk as JWK & Record<string, unknown>;
    return { publicJwk: publicJwk as JWK, privateJwk: jwk };
  });
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g;

function parsePemKeys(text: string, source: string): ParsedKey[] {
  const blocks = [...text.matchAll(PEM_BLOCK)];
  if (blocks.length === 0) throw usageError('ERR_KEY_FORMAT', 'malformed PEM (no matching BEGIN/END lines)', { where: source, hint: 'check the file is complete' });
  return blocks.map(([pem, label]) => {
    try {
      if (label === 'CERTIFICATE') return { publicJwk: toJwk(new nodeCrypto.X509Certificate(pem).publicKey) };
      if (/PRIVATE KEY/.test(label!)) {
        const privateKey = nodeCrypto.createPrivateKey(pem);
        return { privateJwk: toJwk(privateKey), publicJwk: toJwk(nodeCrypto.createPublicKey(privateKey)) };
      }
      return { publicJwk: toJwk(nodeCrypto.createPublicKey(pem)) };
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_KEY_FORMAT') throw error;
      throw usageError('ERR_KEY_FORMAT', `cannot read ${label}: ${(error as Error).message}`, {
        where: source,
        hint: 'encrypted keys are not supported: decrypt with `openssl pkey -in key.pem -out plain.pem` first',
      });
    }
  });
}

function toJwk(key: KeyObject): JWK {
  const jwk = key.export({ format: 'jwk' }) as JWK;
  if (!jwk.kty) throw usageError('ERR_KEY_FORMAT', `unsupported key type ${key.asymmetricKeyType}`, { hint: 'use an RSA, EC (P-256/384/521) or Ed25519 key' });
  return jwk;
}

/** Algorithms a JWK can sign or verify with, from its kty/crv (or its own `alg`). */
export function algorithmsForJwk(jwk: JWK): string[] {
  if (jwk.alg) return [jwk.alg];
  switch (jwk.kty) {
    case 'RSA':
      return ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
    case 'EC':
      return jwk.crv === 'P-384' ? ['ES384'] : jwk.crv === 'P-521' ? ['ES512'] : ['ES256'];
    case 'OKP':
      return jwk.crv === 'Ed25519' ? ['EdDSA'] : [];
    case 'oct':
      return ['HS256', 'HS384', 'HS512'];
    default:
      return [];
  }
}

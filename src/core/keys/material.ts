import type { KeyObject } from 'node:crypto';
import { loadCrypto } from '../node.js';
import type { JWK } from 'jose';
import { jsonErrorLocation } from '../config/position.js';
import { syntaxSnippet } from '../snippet.js';
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
    // Not the parser's message: V8 quotes an excerpt of the input, which may be a private key.
    const { reason, line, column } = jsonErrorLocation(error, text);
    throw usageError('ERR_KEY_FORMAT', `invalid JSON: ${reason}`, {
      where: `${source}:${line}:${column}`,
      hint: `give a JWK or JWKS as JSON; fix it at line ${line}, column ${column}\n${syntaxSnippet(text, line, column, { allValues: true })}`,
    });
  }
  const jwks = Array.isArray(data.keys) ? data.keys : [data];
  if (jwks.length === 0)
    throw usageError('ERR_KEY_FORMAT', 'the JWKS has no keys', {
      where: source,
      hint: 'check that the issuer publishes keys',
    });
  return jwks.map((jwk, index) => {
    if (!jwk || typeof jwk.kty !== 'string') {
      throw usageError('ERR_KEY_FORMAT', `key ${index} has no "kty"`, {
        where: source,
        hint: 'each JWK needs kty (RSA, EC, OKP or oct)',
      });
    }
    if (jwk.kty === 'oct') return { publicJwk: jwk, privateJwk: jwk };
    const isPrivate = 'd' in jwk && jwk.d !== undefined;
    if (!isPrivate) return { publicJwk: jwk };
    const {
      d: _d,
      p: _p,
      q: _q,
      dp: _dp,
      dq: _dq,
      qi: _qi,
      oth: _oth,
      ...publicJwk
    } = jwk as JWK & Record<string, unknown>;
    return { publicJwk: publicJwk as JWK, privateJwk: jwk };
  });
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g;

function parsePemKeys(text: string, source: string): ParsedKey[] {
  const blocks = [...text.matchAll(PEM_BLOCK)];
  if (blocks.length === 0)
    throw usageError('ERR_KEY_FORMAT', 'malformed PEM (no matching BEGIN/END lines)', {
      where: source,
      hint: 'check the file is complete',
    });
  return blocks.map(([pem, label]) => {
    try {
      if (label === 'CERTIFICATE')
        return { publicJwk: toJwk(new (loadCrypto().X509Certificate)(pem).publicKey) };
      if (/PRIVATE KEY/.test(label!)) {
        const privateKey = loadCrypto().createPrivateKey(pem);
        return {
          privateJwk: toJwk(privateKey),
          publicJwk: toJwk(loadCrypto().createPublicKey(privateKey)),
        };
      }
      return { publicJwk: toJwk(loadCrypto().createPublicKey(pem)) };
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_KEY_FORMAT') throw error;
      if (/ENCRYPTED/.test(label!) || /Proc-Type:\s*4,ENCRYPTED/.test(pem)) {
        throw usageError('ERR_KEY_ENCRYPTED', 'the key is encrypted (protected by a passphrase)', {
          where: source,
          hint: 'decrypt it first: openssl pkey -in key.pem -out plain.pem',
        });
      }
      throw usageError('ERR_KEY_FORMAT', `cannot read ${label}: ${(error as Error).message}`, {
        where: source,
        hint: 'check the file holds one complete PEM block, copied without changes',
      });
    }
  });
}

function toJwk(key: KeyObject): JWK {
  const jwk = key.export({ format: 'jwk' }) as JWK;
  if (!jwk.kty)
    throw usageError('ERR_KEY_FORMAT', `unsupported key type ${key.asymmetricKeyType}`, {
      hint: 'use an RSA, EC (P-256/384/521) or Ed25519 key',
    });
  return jwk;
}

/** Algorithms a JWK can sign or verify with: from its kty/crv, narrowed to its own `alg` when it has one. */
export function algorithmsForJwk(jwk: JWK): string[] {
  const byType = algorithmsForKeyType(jwk);
  return jwk.alg ? byType.filter((alg) => alg === jwk.alg) : byType;
}

function algorithmsForKeyType(jwk: JWK): string[] {
  switch (jwk.kty) {
    case 'RSA':
      return ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
    case 'EC':
      return jwk.crv === 'P-256'
        ? ['ES256']
        : jwk.crv === 'P-384'
          ? ['ES384']
          : jwk.crv === 'P-521'
            ? ['ES512']
            : [];
    case 'OKP':
      return jwk.crv === 'Ed25519' ? ['EdDSA'] : [];
    case 'oct':
      return ['HS256', 'HS384', 'HS512'];
    default:
      return [];
  }
}

/** RSA keys below this are refused by jose and most verifiers (RFC 7518 §3.3). */
export const MIN_RSA_BITS = 2048;

/**
 * Checks that a private JWK is a usable signing key and returns its public JWK, derived from the
 * private key itself (a JWK's public members are not checked by node:crypto, so a mismatched pair
 * would be published and never verify). A sign/verify round trip proves the parts belong together.
 */
export function checkPrivateKey(privateJwk: JWK, source: string): JWK {
  const invalid = (why: string) =>
    usageError('ERR_KEY_INVALID', `the private key is not usable: ${why}`, {
      where: source,
      hint: 'export the key again from its source (e.g. `openssl pkey -in key.pem -out plain.pem`), or import it as PEM',
    });
  if (privateJwk.kty === 'oct') {
    if (typeof privateJwk.k !== 'string' || !/^[A-Za-z0-9_-]+$/.test(privateJwk.k))
      throw invalid('an oct key needs "k", the secret as non-empty base64url');
    return privateJwk;
  }
  let privateKey: KeyObject;
  try {
    privateKey = loadCrypto().createPrivateKey({
      key: privateJwk as import('node:crypto').JsonWebKey,
      format: 'jwk',
    });
  } catch (error) {
    throw invalid((error as Error).message);
  }
  const bits = privateKey.asymmetricKeyDetails?.modulusLength;
  if (privateKey.asymmetricKeyType === 'rsa' && bits !== undefined && bits < MIN_RSA_BITS) {
    throw usageError(
      'ERR_KEY_TOO_SMALL',
      `the RSA key has ${bits} bits; JWT verifiers require at least ${MIN_RSA_BITS}`,
      {
        where: source,
        hint: `generate a larger one: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:${MIN_RSA_BITS} -out key.pem`,
      },
    );
  }
  const publicKey = loadCrypto().createPublicKey(privateKey);
  const data = Buffer.from('authctl key check');
  const digest = privateKey.asymmetricKeyType === 'ed25519' ? null : 'sha256';
  let matches: boolean;
  try {
    matches = loadCrypto().verify(
      digest,
      data,
      publicKey,
      loadCrypto().sign(digest, data, privateKey),
    );
  } catch (error) {
    throw invalid((error as Error).message);
  }
  if (!matches) throw invalid('its private and public parts do not belong together');
  return toJwk(publicKey);
}

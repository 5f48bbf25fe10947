/**
 * Hashing and key derivation for SigV4/SigV2, all through node:crypto. Derived signing keys are
 * cached per (secret, day, region, service): they are valid for the whole day, and deriving one
 * costs four HMACs -- more than signing a request once the key is known.
 */
import type { KeyObject } from 'node:crypto';
// node:crypto through require(), on first use: its ESM import also loads WebCrypto (node.ts).
import { loadCrypto } from '../node.js';

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export function sha256Hex(data: string | Uint8Array): string {
  if (typeof data === 'string' && data.length === 0) return EMPTY_SHA256;
  // crypto.hash (Node >= 20.12) skips the Hash object: measurably faster for small inputs.
  if (typeof loadCrypto().hash === 'function')
    return loadCrypto().hash('sha256', data as string, 'hex');
  return loadCrypto().createHash('sha256').update(data).digest('hex');
}

export function hmac(key: string | Uint8Array, data: string): Buffer {
  return loadCrypto().createHmac('sha256', key).update(data, 'utf8').digest();
}

export function hmacHex(key: string | Uint8Array | KeyObject, data: string): string {
  return loadCrypto().createHmac('sha256', key).update(data, 'utf8').digest('hex');
}

const MAX_CACHED_KEYS = 64;
interface CachedKey {
  raw: Buffer;
  /** A KeyObject makes each createHmac() cheaper than passing the raw bytes. */
  key: KeyObject;
}
const keyCache = new Map<string, CachedKey>();

let last:
  { secret: string; date: string; region: string; service: string; entry: CachedKey } | undefined;

function cachedKey(secret: string, date: string, region: string, service: string): CachedKey {
  // Most callers sign many requests with one key: compare four short strings before hashing a map key.
  if (
    last &&
    last.secret === secret &&
    last.date === date &&
    last.region === region &&
    last.service === service
  )
    return last.entry;
  const entry = lookupKey(secret, date, region, service);
  last = { secret, date, region, service, entry };
  return entry;
}

function lookupKey(secret: string, date: string, region: string, service: string): CachedKey {
  const cacheKey = `${date}\n${region}\n${service}\n${secret}`;
  const cached = keyCache.get(cacheKey);
  if (cached) return cached;
  const kDate = hmac(`AWS4${secret}`, date);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  const raw = hmac(kService, 'aws4_request');
  if (keyCache.size >= MAX_CACHED_KEYS) keyCache.delete(keyCache.keys().next().value!);
  const entry = { raw, key: loadCrypto().createSecretKey(raw) };
  keyCache.set(cacheKey, entry);
  return entry;
}

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
export function deriveSigningKey(
  secret: string,
  date: string,
  region: string,
  service: string,
): Buffer {
  return cachedKey(secret, date, region, service).raw;
}

/** The final step of SigV4: hex HMAC of the string to sign under the (cached) derived key. */
export function signString(
  secret: string,
  date: string,
  region: string,
  service: string,
  stringToSign: string,
): string {
  return loadCrypto()
    .createHmac('sha256', cachedKey(secret, date, region, service).key)
    .update(stringToSign, 'utf8')
    .digest('hex');
}

/** SigV2: base64 HMAC keyed by the secret itself. */
export function hmacBase64(algorithm: 'sha1' | 'sha256', secret: string, data: string): string {
  return loadCrypto().createHmac(algorithm, secret).update(data, 'utf8').digest('base64');
}

// node:crypto through require(), on first use: its ESM import also loads WebCrypto (node.ts).
import { loadCrypto } from '../node.js';

/**
 * The stored and exported form of a key: SHA-256 of the full key's UTF-8 bytes, lowercase hex.
 * A plain hash is enough here (no salt, no KDF) because keys carry 190 bits of randomness:
 * nothing to brute-force, and a service can look a key up by its hash.
 */
export function hashApiKey(key: string): string {
  return loadCrypto().createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex digests (false on any length or encoding mismatch). */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  if (left.length !== 32 || right.length !== 32) return false;
  return loadCrypto().timingSafeEqual(left, right);
}

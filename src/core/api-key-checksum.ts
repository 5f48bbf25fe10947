import { crc32 } from './crc32.js';

/**
 * The API key's checksum (the format is in apikey/format.ts), here so that mask.ts can check it:
 * this module imports nothing that imports the masking layer.
 */
export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const API_KEY_CHECKSUM_LENGTH = 6;

export function encodeBase62(value: number, width: number): string {
  let n = value;
  let out = '';
  while (n > 0) {
    out = BASE62_ALPHABET[n % 62]! + out;
    n = Math.floor(n / 62);
  }
  return out.padStart(width, '0');
}

/** The 6-char checksum of `<prefix>_<body>`. */
export function apiKeyChecksum(prefix: string, body: string): string {
  return encodeBase62(
    crc32(Buffer.from(`${prefix}_${body}`, 'utf8')) >>> 0,
    API_KEY_CHECKSUM_LENGTH,
  );
}

// node:crypto through require(), on first use: its ESM import also loads WebCrypto (node.ts).
import { loadCrypto } from '../node.js';
import { crc32 } from './crc32.js';
import { usageError } from '../errors.js';

/**
 * The API key format: `<prefix>_<body><checksum>`.
 *
 * - prefix: lowercase letters/digits in `_`-separated words, e.g. `ak_test`, `rk_live` (max 32 chars).
 * - body: 32 base62 chars from `crypto.randomBytes` (32 × log2(62) ≈ 190.5 bits of entropy).
 * - checksum: CRC32 of the UTF-8 bytes of `<prefix>_<body>` (everything before the checksum),
 *   as an unsigned 32-bit number in base62, left-padded with `0` to 6 chars.
 *
 * Base62 alphabet, in digit order: `0-9A-Za-z`. The body and checksum contain no `_`, so the
 * last `_` always separates prefix from body. A CRC32 catches every single-character typo and
 * every adjacent transposition (a change confined to 32 consecutive bits), and the fixed length
 * catches truncation, all without a lookup.
 */
export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const API_KEY_BODY_LENGTH = 32;
export const API_KEY_CHECKSUM_LENGTH = 6;
export const API_KEY_PREFIX_MAX_LENGTH = 32;
export const DEFAULT_API_KEY_PREFIX = 'ak_test';

/** Source of the prefix pattern (no anchors). */
export const API_KEY_PREFIX_SOURCE = '[a-z][a-z0-9]*(?:_[a-z0-9]+)*';
/** The documented key pattern; groups: 1 prefix, 2 body, 3 checksum. Secret scanners can use it as is. */
export const API_KEY_PATTERN = new RegExp(
  `^(${API_KEY_PREFIX_SOURCE})_([0-9A-Za-z]{${API_KEY_BODY_LENGTH}})([0-9A-Za-z]{${API_KEY_CHECKSUM_LENGTH}})$`,
);
const PREFIX_PATTERN = new RegExp(`^${API_KEY_PREFIX_SOURCE}$`);

export interface ParsedApiKey {
  prefix: string;
  body: string;
  checksum: string;
}

/** Why a string is not a well-formed key; `ok` when it is. */
export type ApiKeyFormatReason =
  'ok' | 'empty' | 'malformed' | 'truncated' | 'too-long' | 'checksum';

export interface ApiKeyFormatCheck {
  ok: boolean;
  reason: ApiKeyFormatReason;
  /** One line, safe to print: never contains the key. */
  message: string;
  parsed?: ParsedApiKey;
}

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

/** Uniform random base62 string: bytes >= 248 are rejected so `% 62` has no bias. */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of loadCrypto().randomBytes(length * 2)) {
      if (byte < 248) out += BASE62_ALPHABET[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/**
 * Whether `prefix` can start an API key: lower-case letters and digits in `_`-separated segments, within the length limit.
 */
export function isValidApiKeyPrefix(prefix: string): boolean {
  return prefix.length <= API_KEY_PREFIX_MAX_LENGTH && PREFIX_PATTERN.test(prefix);
}

/** Throws a usage error naming `where` when `prefix` cannot be used in a key. */
export function assertApiKeyPrefix(prefix: string, where = '{{prefix}}'): void {
  if (!isValidApiKeyPrefix(prefix)) {
    throw usageError('ERR_APIKEY_PREFIX', `invalid key prefix "${prefix}"`, {
      where,
      hint: `use lowercase letters and digits in _-separated words, at most ${API_KEY_PREFIX_MAX_LENGTH} chars, e.g. ak_test or rk_live`,
    });
  }
}

/** A fresh key with `prefix` (default `ak_test`). */
export function generateApiKey(prefix: string = DEFAULT_API_KEY_PREFIX): string {
  assertApiKeyPrefix(prefix);
  const body = randomBase62(API_KEY_BODY_LENGTH);
  return `${prefix}_${body}${apiKeyChecksum(prefix, body)}`;
}

const TAIL_LENGTH = API_KEY_BODY_LENGTH + API_KEY_CHECKSUM_LENGTH;

/** Checks shape and checksum without any lookup. The message never echoes the key. */
export function checkApiKeyFormat(key: string): ApiKeyFormatCheck {
  if (!key) return { ok: false, reason: 'empty', message: 'no key given' };
  const match = API_KEY_PATTERN.exec(key);
  if (!match) {
    const cut = key.lastIndexOf('_');
    const tail = cut >= 0 ? key.slice(cut + 1) : '';
    const prefix = cut >= 0 ? key.slice(0, cut) : '';
    if (cut > 0 && PREFIX_PATTERN.test(prefix) && /^[0-9A-Za-z]+$/.test(tail)) {
      if (tail.length < TAIL_LENGTH) {
        return {
          ok: false,
          reason: 'truncated',
          message: `key is truncated: ${tail.length} of ${TAIL_LENGTH} chars after the prefix`,
        };
      }
      return {
        ok: false,
        reason: 'too-long',
        message: `key is too long: ${tail.length} chars after the prefix, expected ${TAIL_LENGTH}`,
      };
    }
    return {
      ok: false,
      reason: 'malformed',
      message: 'not an API key: expected <prefix>_<32 base62 chars><6-char checksum>',
    };
  }
  const parsed = { prefix: match[1]!, body: match[2]!, checksum: match[3]! };
  if (parsed.prefix.length > API_KEY_PREFIX_MAX_LENGTH) {
    return {
      ok: false,
      reason: 'malformed',
      message: `key prefix is longer than ${API_KEY_PREFIX_MAX_LENGTH} chars`,
    };
  }
  if (apiKeyChecksum(parsed.prefix, parsed.body) !== parsed.checksum) {
    return {
      ok: false,
      reason: 'checksum',
      message: 'checksum mismatch: the key has a typo or was altered',
      parsed,
    };
  }
  return { ok: true, reason: 'ok', message: 'well-formed', parsed };
}

/** Splits a well-formed key; throws a usage error (without the key in it) otherwise. */
export function parseApiKey(key: string): ParsedApiKey {
  const check = checkApiKeyFormat(key);
  if (!check.ok)
    throw usageError('ERR_APIKEY_FORMAT', check.message, {
      hint: 'copy the whole key again; it ends with a 6-char checksum',
    });
  return check.parsed!;
}

export type MalformedApiKeyKind = 'bad-checksum' | 'truncated' | 'typo' | 'no-prefix' | 'too-long';

/**
 * Derives a deliberately broken key from a good one, for probes and tests:
 * `bad-checksum` keeps the shape but changes the last char, `truncated` drops the last 8 chars,
 * `typo` changes one body char (so the checksum no longer matches), `no-prefix` drops the prefix,
 * `too-long` appends a char.
 */
export function malformApiKey(key: string, kind: MalformedApiKeyKind): string {
  const { prefix, body, checksum } = parseApiKey(key);
  const other = (c: string) => (c === 'A' ? 'B' : 'A');
  switch (kind) {
    case 'bad-checksum':
      return `${prefix}_${body}${checksum.slice(0, -1)}${other(checksum.slice(-1))}`;
    case 'truncated':
      return key.slice(0, -8);
    case 'typo': {
      const i = Math.floor(body.length / 2);
      return `${prefix}_${body.slice(0, i)}${other(body[i]!)}${body.slice(i + 1)}${checksum}`;
    }
    case 'no-prefix':
      return `${body}${checksum}`;
    case 'too-long':
      return `${key}x`;
  }
}

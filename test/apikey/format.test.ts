import { describe, expect, it } from 'vitest';
import {
  API_KEY_BODY_LENGTH,
  API_KEY_PATTERN,
  BASE62_ALPHABET,
  apiKeyChecksum,
  checkApiKeyFormat,
  generateApiKey,
  hashApiKey,
  hashesEqual,
  malformApiKey,
  parseApiKey,
} from '../../src/core/apikey/index.js';
import { AuthctlError } from '../../src/core/errors.js';

/** Bitwise CRC-32 (IEEE, reflected, poly 0xEDB88320): an independent reference for the checksum. */
function referenceCrc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function decodeBase62(text: string): number {
  return [...text].reduce((n, c) => n * 62 + BASE62_ALPHABET.indexOf(c), 0);
}

describe('key format', () => {
  it('generates <prefix>_<32 base62><6 base62 checksum> that passes its own check', () => {
    for (const prefix of ['ak_test', 'rk_live', 'ak_prod_eu', 'x']) {
      const key = generateApiKey(prefix);
      const match = API_KEY_PATTERN.exec(key);
      expect(match, key.slice(0, prefix.length)).not.toBeNull();
      expect(match![1]).toBe(prefix);
      expect(match![2]).toHaveLength(32);
      expect(match![3]).toHaveLength(6);
      expect(checkApiKeyFormat(key)).toMatchObject({ ok: true, reason: 'ok' });
      expect(parseApiKey(key)).toEqual({ prefix, body: match![2], checksum: match![3] });
    }
  });

  it('defaults to the ak_test prefix', () => {
    expect(generateApiKey().startsWith('ak_test_')).toBe(true);
  });

  it('checksum is CRC32 of "<prefix>_<body>" in 6 base62 chars (independent reference)', () => {
    const body = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345';
    const expected = referenceCrc32(`ak_test_${body}`);
    expect(decodeBase62(apiKeyChecksum('ak_test', body))).toBe(expected);
    // A fixed vector documented in the README, so services can test their own implementation.
    expect(referenceCrc32('ak_test_00000000000000000000000000000000')).toBe(
      decodeBase62(apiKeyChecksum('ak_test', '0'.repeat(32))),
    );
    for (let i = 0; i < 200; i++) {
      const { prefix, body: b, checksum } = parseApiKey(generateApiKey('rk_live'));
      expect(decodeBase62(checksum)).toBe(referenceCrc32(`${prefix}_${b}`));
    }
  });

  it('matches the test vector documented in the README (API keys)', () => {
    const body = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345';
    expect(referenceCrc32(`ak_test_${body}`)).toBe(2892512718);
    expect(apiKeyChecksum('ak_test', body)).toBe('39kggw');
    const key = `ak_test_${body}39kggw`;
    expect(checkApiKeyFormat(key).ok).toBe(true);
    expect(hashApiKey(key)).toBe(
      'f9f7af9fd7f585626d23d7ad7a67e7a8f23938dc66f1792bfda2b1c1e2b965b0',
    );
    expect(API_KEY_PATTERN.source).toBe(
      '^([a-z][a-z0-9]*(?:_[a-z0-9]+)*)_([0-9A-Za-z]{32})([0-9A-Za-z]{6})$',
    );
  });

  it('has at least 160 bits of entropy in the body, drawn uniformly from all 62 chars', () => {
    expect(API_KEY_BODY_LENGTH * Math.log2(62)).toBeGreaterThanOrEqual(160);
    const counts = new Map<string, number>();
    const bodies = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const { body } = parseApiKey(generateApiKey());
      bodies.add(body);
      for (const c of body) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    expect(bodies.size).toBe(2000);
    expect(counts.size).toBe(62);
    // 64,000 draws: each char expected ~1032; a biased generator (e.g. plain byte % 62) skews the first 8 by ~+25%.
    for (const [c, n] of counts) {
      expect(n, c).toBeGreaterThan(850);
      expect(n, c).toBeLessThan(1230);
    }
  });

  it('detects every single-character substitution, deletion, insertion and adjacent transposition', () => {
    const alphabet = `${BASE62_ALPHABET}_-. `;
    let checked = 0;
    for (const prefix of ['ak_test', 'rk_live_eu']) {
      for (let n = 0; n < 3; n++) {
        const key = generateApiKey(prefix);
        for (let i = 0; i < key.length; i++) {
          for (const c of alphabet) {
            if (c === key[i]) continue;
            const typo = key.slice(0, i) + c + key.slice(i + 1);
            expect(checkApiKeyFormat(typo).ok, `substitution at ${i}`).toBe(false);
            const inserted = key.slice(0, i) + c + key.slice(i);
            expect(checkApiKeyFormat(inserted).ok, `insertion at ${i}`).toBe(false);
            checked += 2;
          }
          expect(checkApiKeyFormat(key.slice(0, i) + key.slice(i + 1)).ok, `deletion at ${i}`).toBe(
            false,
          );
          if (i + 1 < key.length && key[i] !== key[i + 1]) {
            const swapped = key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2);
            expect(checkApiKeyFormat(swapped).ok, `transposition at ${i}`).toBe(false);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(10_000);
  });

  it('names the reason: truncated, too long, checksum, malformed, empty', () => {
    const key = generateApiKey();
    expect(checkApiKeyFormat(key.slice(0, -1)).reason).toBe('truncated');
    expect(checkApiKeyFormat(key.slice(0, 20)).reason).toBe('truncated');
    expect(checkApiKeyFormat(`${key}A`).reason).toBe('too-long');
    expect(checkApiKeyFormat(malformApiKey(key, 'bad-checksum')).reason).toBe('checksum');
    expect(checkApiKeyFormat(malformApiKey(key, 'typo')).reason).toBe('checksum');
    expect(checkApiKeyFormat(malformApiKey(key, 'truncated')).reason).toBe('truncated');
    expect(checkApiKeyFormat(malformApiKey(key, 'too-long')).reason).toBe('too-long');
    expect(checkApiKeyFormat(malformApiKey(key, 'no-prefix')).reason).toBe('malformed');
    expect(checkApiKeyFormat('Bearer abc').reason).toBe('malformed');
    expect(checkApiKeyFormat('').reason).toBe('empty');
    expect(checkApiKeyFormat(`AK_TEST_${key.slice(8)}`).reason).toBe('malformed');
  });

  it('never echoes the key in a format message', () => {
    const key = generateApiKey();
    const { body } = parseApiKey(key);
    for (const bad of [
      key.slice(0, -3),
      `${key}x`,
      malformApiKey(key, 'bad-checksum'),
      malformApiKey(key, 'no-prefix'),
    ]) {
      const message = checkApiKeyFormat(bad).message;
      expect(message).not.toContain(body.slice(0, 8));
      try {
        parseApiKey(bad);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(AuthctlError);
        expect((error as AuthctlError).code).toBe('ERR_APIKEY_FORMAT');
        expect((error as AuthctlError).message).not.toContain(body.slice(0, 8));
      }
    }
  });

  it('rejects bad prefixes with ERR_APIKEY_PREFIX', () => {
    for (const prefix of ['', 'AK', 'ak-test', '_ak', 'ak_', '1ak', 'ak__test', 'a'.repeat(33)]) {
      expect(() => generateApiKey(prefix), prefix).toThrow(
        expect.objectContaining({ code: 'ERR_APIKEY_PREFIX', kind: 'usage' }),
      );
    }
  });
});

describe('hashing', () => {
  it('is SHA-256 hex of the full key and compares in constant time', () => {
    expect(hashApiKey('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(hashesEqual(hashApiKey('abc'), hashApiKey('abc'))).toBe(true);
    expect(hashesEqual(hashApiKey('abc'), hashApiKey('abd'))).toBe(false);
    expect(hashesEqual(hashApiKey('abc'), 'zz')).toBe(false);
    expect(hashesEqual('', '')).toBe(false);
  });
});

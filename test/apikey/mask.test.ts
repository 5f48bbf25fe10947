import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mask, maskHeaderValue } from '../../src/core/mask.js';
import { generateApiKey, parseApiKey } from '../../src/core/apikey/index.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('mask()', () => {
  it('shows prefix, first 4 and last 4 of an authctl API key, for any prefix shape', () => {
    for (const prefix of ['ak_test', 'rk_live', 'ak_prod_eu', 'x']) {
      const key = generateApiKey(prefix);
      const { body } = parseApiKey(key);
      expect(mask(key)).toBe(`${prefix}_${body.slice(0, 4)}…${key.slice(-4)}`);
    }
    expect(mask('ak_test_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789wXyZ')).toBe('ak_test_AbCd…wXyZ');
  });

  it('keeps its behaviour for JWTs (header kept, claims and signature hidden)', () => {
    const header = Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url');
    const payload = Buffer.from('{"sub":"alice","secret":"hunter2hunter2"}').toString('base64url');
    const jwt = `${header}.${payload}.${randomBytes(64).toString('base64url')}`;
    expect(mask(jwt)).toBe(`${header.slice(0, 10)}…(jwt, ${jwt.length} chars)`);
    expect(mask(jwt)).not.toContain(payload.slice(0, 8));
  });

  it('keeps its behaviour for generic secrets by length', () => {
    expect(mask('')).toBe('');
    expect(mask('a')).toBe('…');
    expect(mask('ab')).toBe('*…');
    expect(mask('abcdefg')).toBe('**…');
    expect(mask('abcdefgh')).toBe('ab…');
    expect(mask('abcdefghijklmno')).toBe('ab…');
    expect(mask('abcdefghijklmnop')).toBe('abcd…mnop');
    expect(mask('0123456789abcdef0123456789abcdef')).toBe('0123…cdef');
  });

  it('keeps the prefix of third-party prefixed keys with a long body', () => {
    expect(mask('sk_live_0123456789abcdefghijklmn')).toBe('sk_live_0123…klmn');
  });

  it('does not show 8 chars of a short prefixed body (at least half stays hidden)', () => {
    expect(mask('sk_abcdefghijkl')).toBe('sk…');
    expect(mask('sk_abcdefghijkl')).not.toContain('efgh');
  });

  it('never splits an emoji or other astral char', () => {
    for (const value of [
      '🔑'.repeat(20),
      `a${'😀'.repeat(7)}`,
      '🔑'.repeat(3),
      `ak_${'𝒳'.repeat(20)}`,
    ]) {
      expect(LONE_SURROGATE.test(mask(value)), value).toBe(false);
    }
    expect(mask('🔑'.repeat(20))).toBe('🔑🔑🔑🔑…🔑🔑🔑🔑');
  });

  it('handles whitespace, newlines and PEM blocks without showing the middle', () => {
    expect(mask('        ')).toBe('  …');
    const pem = `-----BEGIN PRIVATE KEY-----\n${randomBytes(48).toString('base64')}\n-----END PRIVATE KEY-----`;
    const masked = mask(pem);
    expect(masked).toBe('----…----');
    expect(masked).not.toContain('PRIVATE');
  });

  it('reveals at most 8 chars (plus a prefix) of random secrets of any length', () => {
    for (let length = 0; length <= 120; length++) {
      const secret = randomBytes(length).toString('base64').slice(0, length);
      const masked = mask(secret);
      const revealed =
        masked.replace(/….*$/s, '').length +
        (masked.includes('…') && !masked.includes('(jwt') ? masked.split('…')[1]!.length : 0);
      expect(revealed, secret).toBeLessThanOrEqual(Math.max(8, Math.floor(length / 2)));
      if (length >= 16) expect(masked).not.toContain(secret.slice(4, -4));
    }
  });

  it('masks credentials in header values', () => {
    const key = generateApiKey();
    expect(maskHeaderValue('X-API-Key', key)).toBe(mask(key));
    expect(maskHeaderValue('Authorization', `Bearer ${key}`)).toBe(`Bearer ${mask(key)}`);
    expect(maskHeaderValue('Content-Type', 'application/json')).toBe('application/json');
  });
});

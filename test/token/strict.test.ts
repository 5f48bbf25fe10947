import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CompactSign, FlattenedSign } from 'jose';
import {
  encodingProblems,
  headerProblems,
  nonCanonicalReason,
} from '../../src/core/token/strict.js';
import { verifyToken } from '../../src/core/token/verify.js';
import type { VerificationKeys } from '../../src/core/token/keysource.js';

const NOW = Date.parse('2026-01-15T12:00:00Z');
const clock = () => NOW;
const SECRET = new TextEncoder().encode('a-test-secret-of-32-bytes-length');
const keys: VerificationKeys = { jwks: [], secrets: [{ secret: SECRET }], source: '--secret' };
const claims = { sub: 'alice', iss: 'http://127.0.0.1:9400', exp: NOW / 1000 + 600 };

/** A JWS signed by jose (independent of authctl's signer) over exactly `payload`, with `header`. */
async function signed(
  header: Record<string, unknown>,
  payload: string = JSON.stringify(claims),
): Promise<string> {
  const bytes = new TextEncoder().encode(payload);
  if (header.b64 !== false)
    return new CompactSign(bytes).setProtectedHeader({ alg: 'HS256', ...header }).sign(SECRET);
  // jose signs unencoded payloads only in the flattened form: the compact form is its three members.
  const jws = await new FlattenedSign(bytes)
    .setProtectedHeader({ alg: 'HS256', ...header })
    .sign(SECRET);
  return `${jws.protected}.${payload}.${jws.signature}`;
}

const failed = (result: Awaited<ReturnType<typeof verifyToken>>) =>
  Object.fromEntries(
    result.checks.filter((c) => c.status === 'fail').map((c) => [c.check, c.message]),
  );

describe('canonical base64url', () => {
  it('names what is wrong with a segment, and accepts the canonical spelling', () => {
    expect(nonCanonicalReason('AQAB')).toBeUndefined();
    expect(nonCanonicalReason('AQ')).toBeUndefined();
    expect(nonCanonicalReason('AQ==')).toMatch(/padding/);
    expect(nonCanonicalReason('AR')).toMatch(/unused bits/); // 0x01 is "AQ"; "AR" decodes to the same byte
    expect(nonCanonicalReason('A+Q')).toMatch(/alphabet/);
    expect(nonCanonicalReason('AQABA')).toMatch(/length/);
    expect(encodingProblems('e30.e30.AR')).toEqual([
      expect.stringContaining('the signature has non-zero unused bits'),
    ]);
  });

  it('a header or payload with padding is a failed check, not an unreadable token', async () => {
    const token = await signed({});
    const [h, p, s] = token.split('.');
    const padded = `${h}.${p}${'='.repeat((4 - (p!.length % 4)) % 4 || 2)}.${s}`;
    const result = await verifyToken({ token: padded, keys, clock });
    expect(result.valid).toBe(false);
    expect(failed(result).encoding).toMatch(/^the payload has "=" padding/);
  });
});

describe('crit and b64 (RFC 7515 §4.1.11, RFC 7797)', () => {
  it('accepts b64: true listed in crit (the default encoding, spelled out)', async () => {
    const token = await signed({ b64: true, crit: ['b64'] });
    const result = await verifyToken({ token, keys, clock });
    expect(failed(result)).toEqual({});
    expect(result.valid).toBe(true);
  });

  it.each([
    ['crit empty', { crit: [] }, /empty list/],
    ['crit not an array', { crit: 'b64' }, /must be an array/],
    ['crit naming a header that is absent', { crit: ['exp'] }, /"exp", which is not in the header/],
    [
      'crit naming a registered header',
      { crit: ['kid'], kid: 'k1' },
      /"kid", a header parameter RFC 7515 defines/,
    ],
    ['crit naming b64 twice', { b64: true, crit: ['b64', 'b64'] }, /names "b64" twice/],
    [
      'an unknown critical extension',
      { crit: ['x'], x: 1 },
      /"x", an extension this verifier does not understand/,
    ],
    ['b64 without crit', { b64: true }, /RFC 7797 §6 requires/],
    ['b64 not a boolean', { b64: 0, crit: ['b64'] }, /must be true or false/],
  ])('refuses %s', (_, header, message) => {
    expect(headerProblems(header).join('; ')).toMatch(message);
  });

  it('refuses a jose-signed b64:false token whose payload is itself base64url JSON (signature valid)', async () => {
    const encoded = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const token = await signed({ b64: false, crit: ['b64'] }, encoded);
    const result = await verifyToken({ token, keys, clock });
    expect(result.checks.find((c) => c.check === 'signature')?.status).toBe('pass');
    expect(result.valid).toBe(false);
    expect(failed(result).header).toMatch(/"b64": false .* not allowed for a JWT/);
    expect(result.claims).toEqual({}); // the signed text is not decoded into claims nobody signed
  });

  it('refuses b64: false without crit (RFC 7797 §6), even though jose then reads the payload as encoded', async () => {
    const input = `${Buffer.from(JSON.stringify({ alg: 'HS256', b64: false })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    const token = `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
    const result = await verifyToken({ token, keys, clock });
    expect(result.valid).toBe(false);
    expect(failed(result).header).toMatch(/"crit" does not list it/);
  });
});

describe('claims of the wrong shape are verdicts', () => {
  it.each([
    ['exp 1e308', { exp: 1e308 }, 'expiry', /exp 1e\+308 is not a NumericDate/],
    ['nbf -1e308', { nbf: -1e308 }, 'not-before', /nbf -1e\+308 is not a NumericDate/],
    ['exp as a string', { exp: '2030' }, 'expiry', /exp "2030" is not a NumericDate/],
  ])('%s', async (_, extra, check, message) => {
    const token = await signed({}, JSON.stringify({ ...claims, ...extra }));
    const result = await verifyToken({ token, keys, clock });
    expect(result.valid).toBe(false);
    expect(failed(result)[check]).toMatch(message);
  });

  it('an aud or tenant object with a toString member is quoted as JSON, and control characters never reach the message', async () => {
    const token = await signed(
      {},
      JSON.stringify({ ...claims, aud: [{ toString: 1 }, 'a\u001b[2Jb'], tid: { toString: 1 } }),
    );
    const result = await verifyToken({ token, keys, clock, audience: ['api://x'], tenant: 'acme' });
    expect(failed(result).audience).toBe(
      'audience mismatch: expected api://x, token has {"toString":1}, a?[2Jb',
    );
    expect(failed(result).tenant).toMatch(/token has \{"toString":1\}/);
  });
});

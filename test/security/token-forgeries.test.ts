/**
 * Attack suite for `token verify`: hand-built forgeries of a genuine token (non-canonical
 * encodings, crit/b64 tricks) and a fixed-seed fuzz of garbage tokens. A verifier must answer
 * every one with a verdict (valid or a named failed check) or a usage error, never an internal
 * error, and no changed token string may verify.
 */
import { createHmac } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAuthctlError } from '../../src/core/errors.js';
import { Keystore } from '../../src/core/keys/keystore.js';
import { normalizeToken } from '../../src/core/token/decode.js';
import { keysFromKeystore, type VerificationKeys } from '../../src/core/token/keysource.js';
import { mintToken } from '../../src/core/token/mint.js';
import { verifyToken } from '../../src/core/token/verify.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { pick, rng } from '../helpers/rng.js';

const NOW = Date.parse('2026-01-15T12:00:00Z');
const clock = () => NOW;
const SECRET = 'fuzz-secret-0123456789abcdefghij';
const secretKeys: VerificationKeys = {
  jwks: [],
  secrets: [{ secret: new TextEncoder().encode(SECRET) }],
  source: '--secret',
};
const b64 = (text: string) => Buffer.from(text).toString('base64url');
const EXP = NOW / 1000 + 600;

/** An HS256 JWS over raw header and payload JSON text (so it can hold 1e400, duplicate keys, ...). */
function hs256(headerJson: string, payloadJson: string): string {
  const input = `${b64(headerJson)}.${b64(payloadJson)}`;
  return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
}

/** The same base64url segment with its last character's unused low bit flipped: the same bytes, another string. */
function flipUnusedBit(segment: string): string | undefined {
  const unused = [0, 0, 4, 2][segment.length % 4]!;
  if (!unused) return undefined;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  return segment.slice(0, -1) + alphabet[alphabet.indexOf(segment.at(-1)!) ^ 1];
}

/** What every result must be: a verdict (valid, or failed checks each with a code), or a usage error (exit 2). */
async function verdict(
  token: string,
  keys: VerificationKeys,
): Promise<{ valid: boolean; failed: string[] } | 'usage'> {
  try {
    const result = await verifyToken({
      token,
      keys,
      clock,
      audience: ['api://orders'],
      tenant: 'acme',
      requireRoles: ['admin'],
      requireScopes: ['read'],
    });
    for (const check of result.checks) {
      if (check.status === 'fail') expect(check.code, check.message).toMatch(/^ERR_/);
      expect(check.message).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F]/);
    }
    return {
      valid: result.valid,
      failed: result.checks.filter((c) => c.status === 'fail').map((c) => c.check),
    };
  } catch (error) {
    if (isAuthctlError(error) && error.kind === 'usage') return 'usage';
    throw new Error(
      `internal error for token ${JSON.stringify(token.slice(0, 200))}: ${(error as Error).stack}`,
    );
  }
}

let dir: string;
let keystore: Keystore;
let genuine: string;
let keystoreKeys: VerificationKeys;
beforeAll(async () => {
  dir = tempDir();
  keystore = new Keystore({ dir, clock });
  genuine = (
    await mintToken({
      keystore,
      clock,
      audience: ['api://orders'],
      tenant: 'acme',
      roles: ['admin'],
      scopes: ['read'],
    })
  ).token;
  keystoreKeys = await keysFromKeystore(keystore);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('non-canonical encodings of a genuine token are rejected (the token string is not malleable)', () => {
  it('the genuine token verifies', async () => {
    expect(await verdict(genuine, keystoreKeys)).toEqual({ valid: true, failed: [] });
  });

  it('"=" padding on the signature', async () => {
    const padded = `${genuine}${'='.repeat((4 - (genuine.split('.')[2]!.length % 4)) % 4)}`;
    expect(padded).not.toBe(genuine);
    expect(await verdict(padded, keystoreKeys)).toEqual({ valid: false, failed: ['encoding'] });
  });

  it('the last base64url character of each segment flipped in its unused bits', async () => {
    const parts = genuine.split('.');
    let tried = 0;
    for (let i = 0; i < 3; i++) {
      const flipped = flipUnusedBit(parts[i]!);
      if (!flipped) continue;
      tried++;
      expect(Buffer.from(flipped, 'base64url')).toEqual(Buffer.from(parts[i]!, 'base64url'));
      const token = parts.map((p, j) => (j === i ? flipped : p)).join('.');
      // A changed header or payload string also breaks the signature (it signs the string); a changed
      // signature string does not (same bytes): only the encoding check catches that one.
      expect(await verdict(token, keystoreKeys), `segment ${i}`).toEqual({
        valid: false,
        failed: i === 2 ? ['encoding'] : ['encoding', 'signature'],
      });
    }
    expect(tried).toBeGreaterThan(0);
  });
});

describe('garbage that used to end in an internal error is a verdict', () => {
  let cliHome: string;
  beforeAll(async () => {
    cliHome = tempDir();
    // A keystore with an RS256 key, so the signature check runs (and fails) on the forged tokens.
    expect((await runCli(['token', 'mint', '--home', cliHome], { cwd: cliHome })).code).toBe(0);
  });
  afterAll(() => rmSync(cliHome, { recursive: true, force: true }));
  const header = '{"alg":"HS256","typ":"JWT"}';
  const claims = (extra: string) =>
    `{"sub":"alice","exp":${EXP},"aud":"api://orders","tid":"acme","roles":["admin"],"scope":"read"${extra}}`;
  it.each([
    ['exp 1e308 in the payload', header, claims(',"exp":1e308'), 'expiry'],
    ['exp 1e400 (Infinity) in the payload', header, claims(',"exp":1e400'), 'expiry'],
    ['iat and nbf out of range', header, claims(',"iat":1e308,"nbf":-1e308'), 'not-before'],
    [
      'crit naming an unknown extension',
      '{"alg":"HS256","crit":["x"],"x":1}',
      claims(''),
      'header',
    ],
    ['crit naming an absent header', '{"alg":"HS256","crit":["x"]}', claims(''), 'header'],
    ['alg as an object with toString', '{"alg":{"toString":1}}', claims(''), 'algorithm'],
  ])('%s (signed) fails a named check', async (_, h, p, check) => {
    const result = await verdict(hs256(h, p), secretKeys);
    expect(result).not.toBe('usage');
    expect(result).toMatchObject({ valid: false });
    expect((result as { failed: string[] }).failed).toContain(check);
  });

  it.each([
    ['exp 1e308 in the header', '{"alg":"HS256","exp":1e308}', claims('')],
    [
      'jku and x5u',
      '{"alg":"HS256","jku":"http://127.0.0.1:1/j","x5u":{"toString":1}}',
      claims(''),
    ],
    ['a NUL in sub', header, claims(',"sub":"a\\u0000b"')],
  ])('%s (signed) is a verdict', async (_, h, p) => {
    expect(await verdict(hs256(h, p), secretKeys)).toEqual({ valid: true, failed: [] });
  });

  it.each([
    [
      'exp 1e308 in the payload',
      (h: string) => `${h}.${b64(claims(',"exp":1e308'))}.AAAA`,
      'expiry',
    ],
    [
      'exp 1e308 in the header',
      () => `${b64('{"alg":"RS256","exp":1e308}')}.${b64(claims(''))}.AAAA`,
      'signature',
    ],
    [
      'crit ["x"]',
      () => `${b64('{"alg":"RS256","crit":["x"]}')}.${b64(claims(''))}.AAAA`,
      'header',
    ],
    [
      'jku + x5u',
      () => `${b64('{"alg":"RS256","jku":"http://a/","x5u":"http://b/"}')}.${b64(claims(''))}.AAAA`,
      'signature',
    ],
    ['a NUL in sub', (h: string) => `${h}.${b64(claims(',"sub":"\\u0000"'))}.AAAA`, 'signature'],
  ])('through the binary: %s exits 1 with a failed check', async (_, build, check) => {
    const token = build(b64('{"alg":"RS256"}'));
    const { code, stdout, stderr } = await runCli(
      ['token', 'verify', token, '--home', cliHome, '--json'],
      { cwd: cliHome },
    );
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(code, stderr).toBe(1);
    expect(JSON.parse(stdout).checks).toContainEqual(
      expect.objectContaining({ check, status: 'fail' }),
    );
  });
});

describe('deeply nested claims', () => {
  // docs/output.md: a malformed token is a verdict in `token verify` (exit 1) and an input error in
  // `token decode` (exit 2); either way the depth is named and nothing overflows.
  it('are rejected naming the depth (verify: a verdict, exit 1; decode: an input error, exit 2), in-process and through the binary with --json (printing them overflowed the stack)', async () => {
    const deep = `{"sub":"a","exp":${EXP},"x":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    const token = hs256('{"alg":"HS256"}', deep);
    expect(await verdict(token, secretKeys)).toBe('usage');
    const home = tempDir();
    try {
      for (const [expected, command] of [
        [1, ['token', 'verify', '-', '--secret', SECRET, '--json']],
        [2, ['token', 'decode', '-', '--json']],
      ] as const) {
        const { code, stdout, stderr } = await runCli([...command, '--home', home], {
          cwd: home,
          input: token,
        });
        expect(code, stderr).toBe(expected);
        expect(stdout + stderr).toContain('nests JSON 200001 levels deep, over the limit of 64');
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

/** Raw JSON values that have broken verifiers: out-of-range numbers, objects posing as strings, nesting. */
const HOSTILE_VALUES = [
  '1e308',
  '-1e308',
  '1e400',
  '-0',
  '0.5',
  '"\\u0000"',
  '"\\u001b[2J"',
  '"\\ud800"',
  '{"toString":1}',
  '{"valueOf":{},"toString":{}}',
  '[]',
  '[[[[[[[]]]]]]]',
  'null',
  'true',
  '""',
  '"x"',
  '"../../../etc/passwd"',
  '{"__proto__":{"admin":true}}',
  '[{"toString":1}]',
  '"HS256"',
  '"none"',
  '"RS256"',
  '["b64"]',
  '["x","x"]',
  '["alg"]',
  '[]',
  'false',
  `${'['.repeat(3000)}${']'.repeat(3000)}`,
];
const HEADER_NAMES = [
  'alg',
  'kid',
  'jku',
  'x5u',
  'jwk',
  'crit',
  'b64',
  'typ',
  'x5c',
  'exp',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'x',
];
const CLAIM_NAMES = [
  'exp',
  'nbf',
  'iat',
  'iss',
  'aud',
  'sub',
  'scope',
  'scp',
  'roles',
  'tid',
  '__proto__',
  'toString',
];

function hostileObject(
  random: () => number,
  names: readonly string[],
  base: Record<string, string>,
): string {
  const fields = { ...base };
  const count = Math.floor(random() * 4);
  for (let i = 0; i < count; i++) fields[pick(random, names)] = pick(random, HOSTILE_VALUES);
  return `{${Object.entries(fields)
    .map(([k, v]) => `${JSON.stringify(k)}:${v}`)
    .join(',')}}`;
}

const SPLICES = [
  '.',
  '=',
  '==',
  '+',
  '/',
  ' ',
  '\n',
  '\u0000',
  'A',
  '_',
  '-',
  'eyJ',
  '..',
  'Bearer ',
  '%',
  '\u00e9',
];

function mutateString(token: string, random: () => number): string {
  let out = token;
  for (let e = 1 + Math.floor(random() * 3); e > 0; e--) {
    const at = Math.floor(random() * (out.length + 1));
    const op = random();
    if (op < 0.35) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(random() * 4));
    else if (op < 0.75) out = out.slice(0, at) + pick(random, SPLICES) + out.slice(at);
    else
      out =
        out.slice(0, at) + String.fromCharCode(32 + Math.floor(random() * 95)) + out.slice(at + 1);
  }
  return out;
}

/** Fixed seed, bounded count: the same few thousand tokens on every run. */
function garbageTokens(seed: number, count: number, genuineTokens: string[]): string[] {
  const random = rng(seed);
  const out: string[] = [];
  const base = { alg: '"HS256"' };
  const claims = {
    sub: '"alice"',
    exp: String(EXP),
    aud: '"api://orders"',
    tid: '"acme"',
    roles: '["admin"]',
    scope: '"read"',
  };
  for (let i = 0; i < count; i++) {
    const kind = random();
    if (kind < 0.5)
      out.push(
        hs256(
          hostileObject(random, HEADER_NAMES, base),
          hostileObject(random, CLAIM_NAMES, claims),
        ),
      );
    else if (kind < 0.6)
      out.push(
        `${b64(hostileObject(random, HEADER_NAMES, base))}.${pick(random, ['', '!!', '.', b64('[1]'), b64('"s"'), Buffer.from([0xff, 0xfe, 0x00]).toString('base64url')])}.AA`,
      );
    else out.push(mutateString(pick(random, genuineTokens), random));
  }
  return out;
}

describe('fixed-seed garbage-token fuzz', () => {
  it(
    '3,000 garbage tokens in-process: every one a verdict or a usage error; no changed token string verifies',
    { timeout: 120_000 },
    async () => {
      const hsGenuine = hs256(
        '{"alg":"HS256","typ":"JWT"}',
        `{"sub":"alice","exp":${EXP},"aud":"api://orders","tid":"acme","roles":["admin"],"scope":"read"}`,
      );
      const tokens = garbageTokens(0x5eed, 3000, [genuine, hsGenuine]);
      const tally = { valid: 0, rejected: 0, usage: 0 };
      for (const [i, token] of tokens.entries()) {
        // Mutations of the RS256 token against the keystore; the rest alternate between the two key sets.
        for (const keys of [
          token.startsWith(genuine.slice(0, 16)) || i % 2 ? keystoreKeys : secretKeys,
        ]) {
          const result = await verdict(token, keys);
          if (result === 'usage') tally.usage++;
          else if (result.valid) {
            tally.valid++;
            // Only an unchanged genuine token (or a re-signed garbage one) may verify.
            const normalized = normalizeToken(token);
            if (
              normalized.startsWith(genuine.split('.')[0]!) ||
              normalized.startsWith(hsGenuine.split('.')[0]!)
            ) {
              expect(
                [genuine, hsGenuine],
                `a mutated token verified: ${JSON.stringify(token)}`,
              ).toContain(normalized);
            }
          } else tally.rejected++;
        }
      }
      // The mix really exercises all three outcomes.
      expect(tally.valid).toBeGreaterThan(0);
      expect(tally.rejected).toBeGreaterThan(1000);
      expect(tally.usage).toBeGreaterThan(50);
    },
  );

  it(
    '20 garbage tokens through the binary: exit 0, 1 or 2, never 3 or a stack trace',
    { timeout: 120_000 },
    async () => {
      const home = tempDir();
      const tokens = garbageTokens(0xbad, 20, [genuine]);
      try {
        for (let i = 0; i < tokens.length; i += 4) {
          const batch = tokens.slice(i, i + 4).map(async (token) => {
            // `-` reads the token from stdin: garbage may start with "-" or hold a NUL, which argv cannot carry.
            const { code, stderr } = await runCli(
              ['token', 'verify', '-', '--secret', SECRET, '--home', home],
              { cwd: home, input: token },
            );
            expect(stderr, JSON.stringify(token)).not.toMatch(/\n\s+at |internal error|--verbose/);
            expect([0, 1, 2], `${JSON.stringify(token)}: ${stderr}`).toContain(code);
          });
          await Promise.all(batch);
        }
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    },
  );
});

import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { WEAK_SECRETS } from '../../src/core/probe/weak-secrets.js';
import { runCli, tempDir } from '../helpers/cli.js';

/** Tokens come from jose, not from authctl, so the crack is checked against an independent signer. */
const hs = (alg: string, key: Uint8Array | string) =>
  new SignJWT({ sub: 'alice' })
    .setProtectedHeader({ alg })
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(typeof key === 'string' ? new TextEncoder().encode(key) : key);

describe('authctl token crack', () => {
  it('finds a documented placeholder secret (exit 1), naming it and its source, with the speed', async () => {
    const token = await hs('HS256', 'tobemodified');
    const result = await runCli(['token', 'crack', token]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /CRACKED the HS256 secret is "tobemodified" \(Strapi \.env\.example\)/,
    );
    expect(result.stdout).toMatch(/\d+ of \d+ candidates in [\d.]+ ms \([\d,]+ tries\/s\)/);
    const json = await runCli(['token', 'crack', '--json'], { input: `Bearer ${token}\n` });
    expect(json.code).toBe(1);
    const doc = JSON.parse(json.stdout) as {
      cracked: boolean;
      secret: string;
      tries: number;
      candidates: number;
      triesPerSecond: number;
      alg: string;
    };
    expect(doc).toMatchObject({
      cracked: true,
      secret: 'tobemodified',
      alg: 'HS256',
      candidates: WEAK_SECRETS.length,
    });
    expect(doc.tries).toBe(WEAK_SECRETS.indexOf('tobemodified') + 1);
    expect(doc.triesPerSecond).toBeGreaterThan(0);
  });

  it('tries the whole list and exits 0 for a strong secret; --wordlist entries come after the bundled list (HS512)', async () => {
    const strong = await hs('HS256', randomBytes(32));
    const none = await runCli(['token', 'crack', strong, '--json']);
    expect(none.code).toBe(0);
    expect(JSON.parse(none.stdout)).toMatchObject({ cracked: false, tries: WEAK_SECRETS.length });
    const dir = tempDir();
    const list = path.join(dir, 'words.txt');
    writeFileSync(list, '# team guesses\r\nacme-2023\r\nAcme!2024 prod\r\n');
    const token = await hs('HS512', 'Acme!2024 prod');
    const found = await runCli(['token', 'crack', token, '--wordlist', list]);
    expect(found.code).toBe(1);
    expect(found.stdout).toContain(`"Acme!2024 prod" (${list})`);
    expect(found.stdout).toContain(
      `${WEAK_SECRETS.length + 2} of ${WEAK_SECRETS.length + 2} candidates`,
    );
  });

  it('refuses asymmetric and malformed tokens, and a missing wordlist, with exit 2', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const rs = await new SignJWT({ sub: 'a' })
      .setProtectedHeader({ alg: 'RS256' })
      .sign(privateKey);
    const asym = await runCli(['token', 'crack', rs]);
    expect(asym.code).toBe(2);
    expect(asym.stderr).toMatch(/the token is signed with RS256, not HS256\/384\/512/);
    const garbage = await runCli(['token', 'crack', 'not.a-token']);
    expect(garbage.code).toBe(2);
    const missing = await runCli([
      'token',
      'crack',
      await hs('HS256', 'x'),
      '--wordlist',
      '/nonexistent/words.txt',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /cannot read --wordlist file: ENOENT \(--wordlist \/nonexistent\/words\.txt\)/,
    );
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });
});

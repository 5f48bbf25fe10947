import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { runCli, tempDir } from '../helpers/cli.js';

describe('authctl keys', () => {
  it('8 processes minting at once on an empty keystore end up with ONE key, and all tokens verify', async () => {
    const cwd = tempDir();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => runCli(['token', 'mint', '--sub', 'race'], { cwd })),
    );
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const kids = new Set(results.map((r) => decodeProtectedHeader(r.stdout.trim()).kid));
    expect(kids.size).toBe(1);
    const keys = JSON.parse((await runCli(['keys', 'list', '--json'], { cwd })).stdout);
    expect(keys).toHaveLength(1);
    const jwks = createLocalJWKSet(JSON.parse((await runCli(['keys', 'jwks'], { cwd })).stdout));
    for (const r of results) await jwtVerify(r.stdout.trim(), jwks);
  });

  it('rotate keeps the old key published for the grace period; --drop-old removes it', async () => {
    const cwd = tempDir();
    const before = (await runCli(['token', 'mint'], { cwd })).stdout.trim();
    const rotated = await runCli(['keys', 'rotate', '--grace', '1h', '--json'], { cwd });
    expect(rotated.code).toBe(0);
    const summary = JSON.parse(rotated.stdout);
    expect(summary.demoted[0].status).toBe('grace');
    const after = (await runCli(['token', 'mint'], { cwd })).stdout.trim();
    expect(decodeProtectedHeader(after).kid).toBe(summary.activated.kid);
    let jwks = JSON.parse((await runCli(['keys', 'jwks'], { cwd })).stdout);
    expect(jwks.keys).toHaveLength(2);
    await jwtVerify(before, createLocalJWKSet(jwks));
    expect((await runCli(['token', 'verify', before], { cwd })).code).toBe(0);

    await runCli(['keys', 'rotate', '--drop-old'], { cwd });
    jwks = JSON.parse((await runCli(['keys', 'jwks'], { cwd })).stdout);
    expect(jwks.keys).toHaveLength(2); // the grace key from the first rotation and the new active one
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).not.toContain(summary.activated.kid);
    const verify = await runCli(['token', 'verify', after], { cwd });
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain('is not published');
  });

  it('staged rotation: publish, activate, retire', async () => {
    const cwd = tempDir();
    const first = (await runCli(['token', 'mint', '--alg', 'ES256'], { cwd })).stdout.trim();
    const oldKid = decodeProtectedHeader(first).kid;
    const published = JSON.parse(
      (await runCli(['keys', 'rotate', '--alg', 'ES256', '--stage', 'publish', '--json'], { cwd }))
        .stdout,
    ).published;
    expect(
      decodeProtectedHeader(
        (await runCli(['token', 'mint', '--alg', 'ES256'], { cwd })).stdout.trim(),
      ).kid,
    ).toBe(oldKid);
    let kids = JSON.parse((await runCli(['keys', 'jwks'], { cwd })).stdout).keys.map(
      (k: { kid: string }) => k.kid,
    );
    expect(kids).toEqual(expect.arrayContaining([oldKid, published.kid]));
    await runCli(['keys', 'rotate', '--alg', 'ES256', '--stage', 'activate'], { cwd });
    expect(
      decodeProtectedHeader(
        (await runCli(['token', 'mint', '--alg', 'ES256'], { cwd })).stdout.trim(),
      ).kid,
    ).toBe(published.kid);
    await runCli(['keys', 'rotate', '--alg', 'ES256', '--stage', 'retire'], { cwd });
    kids = JSON.parse((await runCli(['keys', 'jwks'], { cwd })).stdout).keys.map(
      (k: { kid: string }) => k.kid,
    );
    expect(kids).toEqual([published.kid]);
    const bad = await runCli(['keys', 'rotate', '--alg', 'ES256', '--stage', 'activate'], { cwd });
    expect(bad.code).toBe(2);
  });

  it('imports PKCS#1, SEC1 and PKCS#8 PEM keys, then signs with them', async () => {
    const cwd = tempDir();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const ed = generateKeyPairSync('ed25519');
    const cases: [string, string, string][] = [
      ['pkcs1.pem', rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string, 'PS256'],
      ['sec1.pem', ec.privateKey.export({ type: 'sec1', format: 'pem' }) as string, 'ES384'],
      ['pkcs8.pem', ed.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 'EdDSA'],
    ];
    for (const [name, pem, alg] of cases) {
      writeFileSync(path.join(cwd, name), pem);
      const imported = await runCli(
        ['keys', 'import', name, ...(alg === 'PS256' ? ['--alg', 'PS256'] : []), '--json'],
        { cwd },
      );
      expect(imported.code, imported.stderr).toBe(0);
      expect(JSON.parse(imported.stdout).alg).toBe(alg);
      const token = (await runCli(['token', 'mint', '--alg', alg], { cwd })).stdout.trim();
      const publicKey = (alg === 'PS256' ? rsa : alg === 'ES384' ? ec : ed).publicKey;
      const { importSPKI } = await import('jose');
      await jwtVerify(
        token,
        await importSPKI(publicKey.export({ type: 'spki', format: 'pem' }) as string, alg),
      );
    }
    const pub = path.join(cwd, 'public.pem');
    writeFileSync(pub, rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string);
    const refused = await runCli(['keys', 'import', pub], { cwd });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('public key');
  });

  it('export prints public PEM by default; never private keys unless asked', async () => {
    const cwd = tempDir();
    await runCli(['token', 'mint'], { cwd });
    const exported = await runCli(['keys', 'export', '--pem'], { cwd });
    expect(exported.stdout).toContain('BEGIN PUBLIC KEY');
    expect(exported.stdout).not.toContain('PRIVATE');
    const privateKey = JSON.parse(readFileSync(path.join(cwd, '.authctl', 'keys.json'), 'utf8'))
      .keys[0].privateJwk.d;
    expect((await runCli(['keys', 'export'], { cwd })).stdout).not.toContain(privateKey);
    expect((await runCli(['keys', 'list', '--json'], { cwd })).stdout).not.toContain(privateKey);
    const withPrivate = await runCli(['keys', 'export', '--private', '--pem'], { cwd });
    expect(withPrivate.stdout).toContain('BEGIN PRIVATE KEY');
    expect(withPrivate.stderr).toContain('PRIVATE keys');
  });

  it('export --pem --json is one JSON document; an HMAC kid without --private says why', async () => {
    const cwd = tempDir();
    await runCli(['token', 'mint', '--alg', 'ES256'], { cwd });
    await runCli(['token', 'mint', '--alg', 'HS256'], { cwd });
    const keys = JSON.parse((await runCli(['keys', 'list', '--json'], { cwd })).stdout) as {
      kid: string;
      alg: string;
    }[];
    const json = await runCli(['keys', 'export', '--pem', '--json'], { cwd });
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.keys).toHaveLength(1);
    expect(doc.keys[0]).toMatchObject({
      alg: 'ES256',
      pem: expect.stringContaining('BEGIN PUBLIC KEY'),
    });
    const hmac = keys.find((k) => k.alg === 'HS256')!;
    // --kid=KID: a kid may begin with '-' (base64url), which the root's short flags would take apart.
    const refused = await runCli(['keys', 'export', `--kid=${hmac.kid}`], { cwd });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `key ${hmac.kid} is an HMAC secret: it has no public part to export (--kid)`,
    );
    expect(refused.stderr).toContain('--private');
  });

  it('rotate says where the old key stays: the JWKS for public keys, token verify for HMAC secrets', async () => {
    const cwd = tempDir();
    await runCli(['token', 'mint', '--alg', 'HS256'], { cwd });
    await runCli(['token', 'mint', '--alg', 'ES256'], { cwd });
    const hs = await runCli(['keys', 'rotate', '--alg', 'HS256', '--grace', '1h'], { cwd });
    expect(hs.stdout).toMatch(
      /^active key is now \S+ \(HS256\)\nold key \S+ stays accepted by `authctl token verify` until \S+Z\n$/,
    );
    const es = await runCli(['keys', 'rotate', '--alg', 'ES256', '--drop-old'], { cwd });
    expect(es.stdout).toMatch(
      /^active key is now \S+ \(ES256\)\nold key \S+ no longer in the JWKS\n$/,
    );
  });

  it('keys jwks on a fresh keystore creates the default signing key, as token mint does, and says so (issue #11)', async () => {
    const cwd = tempDir();
    const first = await runCli(['keys', 'jwks'], { cwd });
    expect(first.code, first.stderr).toBe(0);
    const jwks = JSON.parse(first.stdout);
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ alg: 'RS256', kty: 'RSA', use: 'sig' });
    expect(first.stderr).toContain(`created the RS256 signing key ${jwks.keys[0].kid}`);
    // The key is the one token mint signs with: its token verifies against the printed JWKS.
    const token = (await runCli(['token', 'mint'], { cwd })).stdout.trim();
    expect(decodeProtectedHeader(token).kid).toBe(jwks.keys[0].kid);
    await jwtVerify(token, createLocalJWKSet(jwks));
    const again = await runCli(['keys', 'jwks'], { cwd });
    expect(JSON.parse(again.stdout)).toEqual(jwks);
    expect(again.stderr).toBe('');
  });

  it('keys jwks with an HMAC default algorithm explains on stderr why the set is empty', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'authctl.toml'), '[token]\nalg = "HS256"\n');
    const result = await runCli(['keys', 'jwks'], { cwd });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ keys: [] });
    expect(result.stderr).toMatch(
      /warning: the JWKS is empty: the default algorithm HS256 .* is never published/,
    );
  });
});

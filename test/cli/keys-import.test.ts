import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { runCli, tempDir } from '../helpers/cli.js';

/** Every refused import: exit 2, one line naming the file, a hint, and nothing written to the keystore. */
async function expectRefused(
  cwd: string,
  file: string,
  content: string,
  message: RegExp,
  extra: string[] = [],
) {
  writeFileSync(path.join(cwd, file), content);
  const result = await runCli(['keys', 'import', file, ...extra], { cwd });
  expect(result.code, result.stderr).toBe(2);
  expect(result.stderr).toMatch(/^authctl: error: .+\n {2}hint: .+\n$/);
  expect(result.stderr.split('\n')[0]).toMatch(message);
  expect(result.stdout).toBe('');
  expect(existsSync(path.join(cwd, '.authctl', 'keys.json'))).toBe(false);
}

describe('authctl keys import refuses keys that could not sign a verifiable JWT', () => {
  it('a JWK whose alg is not a JWS algorithm, a curve JWTs do not use, or X25519', async () => {
    const cwd = tempDir();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      format: 'jwk',
    });
    await expectRefused(
      cwd,
      'enc.json',
      JSON.stringify({ ...rsa, alg: 'RSA-OAEP' }),
      /RSA key \(alg RSA-OAEP\) cannot sign JWTs \(enc\.json\)/,
    );
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    await expectRefused(cwd, 'k1.pem', k1, /EC secp256k1 key cannot sign JWTs \(k1\.pem\)/);
    const x25519 = generateKeyPairSync('x25519').privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    await expectRefused(cwd, 'x.pem', x25519, /OKP X25519 key cannot sign JWTs/);
  });

  it('broken key material: bad EC members, mismatched RSA parts, an oct JWK without k', async () => {
    const cwd = tempDir();
    await expectRefused(
      cwd,
      'ec.json',
      JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'bad', y: 'bad', d: 'bad' }),
      /the private key is not usable: .+ \(ec\.json\)/,
    );
    const a = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      format: 'jwk',
    });
    const b = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      format: 'jwk',
    });
    await expectRefused(
      cwd,
      'mixed.json',
      JSON.stringify({ ...a, n: b.n }),
      /the private key is not usable/,
    );
    await expectRefused(cwd, 'oct.json', JSON.stringify({ kty: 'oct' }), /an oct key needs "k"/);
  });

  it('an RSA key under 2048 bits, an encrypted PEM, and garbage inside PEM armour (each with its own hint)', async () => {
    const cwd = tempDir();
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    await expectRefused(cwd, 'small.pem', small, /1024 bits; JWT verifiers require at least 2048/);
    const encrypted = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
      cipher: 'aes-256-cbc',
      passphrase: 'x',
    }) as string;
    await expectRefused(cwd, 'enc.pem', encrypted, /the key is encrypted/);
    writeFileSync(
      path.join(cwd, 'garbage.pem'),
      '-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n',
    );
    const garbage = await runCli(['keys', 'import', 'garbage.pem'], { cwd });
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toContain('cannot read PRIVATE KEY');
    expect(garbage.stderr).not.toContain('encrypted');
  });

  it('an EC JWK whose x/y belong to another key is refused; --inactive keys are published, never activated', async () => {
    const cwd = tempDir();
    const own = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      format: 'jwk',
    });
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      format: 'jwk',
    });
    await expectRefused(
      cwd,
      'mixed.json',
      JSON.stringify({ ...own, x: other.x, y: other.y }),
      /private and public parts do not belong together/,
    );
    writeFileSync(path.join(cwd, 'k.json'), JSON.stringify(own));
    const imported = await runCli(['keys', 'import', 'k.json', '--inactive', '--json'], { cwd });
    expect(imported.code, imported.stderr).toBe(0);
    const record = JSON.parse(imported.stdout);
    expect(record).toMatchObject({ status: 'published', alg: 'ES256' });
    expect(record.activatedAt).toBeUndefined();
    const jwks = JSON.parse((await runCli(['keys', 'jwks'], { cwd })).stdout);
    expect(jwks.keys[0]).toMatchObject({ x: own.x, y: own.y, kid: record.kid });
  });
});

describe('authctl keys import of a PEM bundle', () => {
  it('imports the one private key of a key + public key/certificate bundle; refuses two private keys', async () => {
    const cwd = tempDir();
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const bundle = (pair.publicKey.export({ type: 'spki', format: 'pem' }) as string) + privatePem;
    writeFileSync(path.join(cwd, 'bundle.pem'), bundle);
    const imported = await runCli(['keys', 'import', 'bundle.pem', '--json'], { cwd });
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ alg: 'ES256', status: 'active' });
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    await expectRefused(
      tempDir(),
      'two.pem',
      privatePem + other,
      /expected one private key, found 2 \(two\.pem\)/,
    );
  });
});

describe('keystore that cannot be read', () => {
  it('is one clear error naming the file, exit 3, no stack trace', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, '.authctl'), 'not a directory');
    const result = await runCli(['token', 'mint'], { cwd });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /^authctl: error: cannot read the keystore \S+keys\.json: a part of the path is a file, not a directory \(ENOTDIR\) \(.+keys\.json\)\n {2}hint: .*--home/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('JSON syntax errors in the keystore or a key file never quote the (secret) content', async () => {
    const cwd = tempDir();
    await runCli(['token', 'mint'], { cwd });
    const file = path.join(cwd, '.authctl', 'keys.json');
    const secret = 'SECRETPRIVATEMATERIAL';
    writeFileSync(file, `{"version": 1, "keys": [{"privateJwk": {"d": ${secret}}}]}`);
    const corrupt = await runCli(['keys', 'list'], { cwd });
    expect(corrupt.code).toBe(2);
    expect(corrupt.stderr).toMatch(
      /^authctl: error: keystore file is not valid JSON: Unexpected token 'S' \(.+keys\.json:1:46\)\n/,
    );
    expect(corrupt.stderr).not.toContain('ECRETPRIV');
    expect(readFileSync(file, 'utf8')).toContain(secret);
    writeFileSync(path.join(cwd, 'key.json'), `{"kty": "EC", "d": ${secret}}`);
    const imported = await runCli(['keys', 'import', 'key.json'], { cwd });
    expect(imported.code).toBe(2);
    expect(imported.stderr).toContain('invalid JSON');
    expect(imported.stderr).not.toContain('ECRETPRIV');
  });

  it('a key entry with broken private material is a clear error, and the file is left as it was', async () => {
    const cwd = tempDir();
    await runCli(['token', 'mint'], { cwd });
    const file = path.join(cwd, '.authctl', 'keys.json');
    const ring = JSON.parse(readFileSync(file, 'utf8'));
    delete ring.keys[0].privateJwk.p;
    writeFileSync(file, JSON.stringify(ring));
    const result = await runCli(['token', 'mint'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(
        `^authctl: error: key ${ring.keys[0].kid} in the keystore is not a usable private key \\(.+keys\\.json\\)\n {2}hint: `,
      ),
    );
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(ring);
  });

  it('a keystore entry is never rewritten by a refused import', async () => {
    const cwd = tempDir();
    await runCli(['token', 'mint'], { cwd });
    const file = path.join(cwd, '.authctl', 'keys.json');
    const before = readFileSync(file, 'utf8');
    mkdirSync(path.join(cwd, 'in'));
    writeFileSync(
      path.join(cwd, 'in', 'bad.json'),
      JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'c' }),
    );
    expect((await runCli(['keys', 'import', 'in/bad.json'], { cwd })).code).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('the same RSA key imported as RS256, then --alg PS256, is kept for both under distinct kids (issue #11)', async () => {
    const cwd = tempDir();
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    writeFileSync(path.join(cwd, 'key.pem'), pem);
    const rs = await runCli(['keys', 'import', 'key.pem', '--json'], { cwd });
    expect(rs.code, rs.stderr).toBe(0);
    const ps = await runCli(['keys', 'import', 'key.pem', '--alg', 'PS256', '--json'], { cwd });
    expect(ps.code, ps.stderr).toBe(0);
    const [rsKey, psKey] = [JSON.parse(rs.stdout), JSON.parse(ps.stdout)];
    expect(psKey).toMatchObject({ alg: 'PS256', status: 'active', kid: `${rsKey.kid}-PS256` });
    const jwks = JSON.parse((await runCli(['keys', 'jwks'], { cwd })).stdout);
    expect(jwks.keys.map((k: { kid: string; alg: string }) => `${k.alg} ${k.kid}`).sort()).toEqual([
      `PS256 ${psKey.kid}`,
      `RS256 ${rsKey.kid}`,
    ]);
    // Both algorithms sign with it, and each token verifies against the JWKS (jose picks the key by kid).
    for (const alg of ['RS256', 'PS256']) {
      const token = (await runCli(['token', 'mint', '--alg', alg], { cwd })).stdout.trim();
      const { protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks));
      expect(protectedHeader.kid).toBe(alg === 'RS256' ? rsKey.kid : psKey.kid);
    }
    // Importing it again for an algorithm it already has is still nothing to do, naming the algorithm.
    const again = await runCli(['keys', 'import', 'key.pem', '--alg', 'PS256'], { cwd });
    expect(again.code).toBe(2);
    expect(again.stderr.split('\n')[0]).toBe(
      `authctl: error: key ${psKey.kid} is already in the keystore for PS256 (key.pem)`,
    );
  });
});

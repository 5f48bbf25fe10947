import { describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { jwtVerify } from 'jose';
import path from 'node:path';
import { runCli, tempDir } from '../helpers/cli.js';

/** A bad flag: exit 2, one error line naming the flag, one hint line, nothing on stdout, no keys created. */
const BAD_FLAGS: [string[], string][] = [
  [['token', 'mint', '--bits', '1024'], '--bits'],
  [['token', 'mint', '--bits', '99999'], '--bits'],
  [['token', 'mint', '--tenant-claim', 'org id', '--tenant', 'x'], '--tenant-claim'],
  [['token', 'mint', '--roles-claim', 'a b'], '--roles-claim'],
  [['token', 'mint', '--scope-claim', ''], '--scope-claim'],
  [['token', 'mint', '--header', 'alg=none'], '--header'],
  [['token', 'mint', '--jku-url', 'not a url', '--defect', 'jku'], '--jku-url'],
  [['token', 'mint', '--skew', '90s'], '--skew'],
  [['token', 'mint', '--skew', '90s', '--defect', 'wrong-issuer'], '--skew'],
  [
    ['token', 'mint', '--jku-url', 'http://127.0.0.1:1/jwks.json', '--defect', 'embedded-jwk'],
    '--jku-url',
  ],
  [['token', 'verify', 'a.b.c', '--alg', 'RS257'], '--alg'],
  [['token', 'verify', 'a.b.c', '--alg', 'none'], '--alg'],
  [['token', 'verify', 'a.b.c', '--leeway', '-5m'], '--leeway'],
  [['token', 'verify', 'a.b.c', '--tenant-claim', 'bad ptr', '--tenant', 'x'], '--tenant-claim'],
  [['token', 'verify', 'a.b.c', '--jwks', 'jwks.json', '--secret', 's'], '--secret'],
  [
    ['token', 'verify', 'a.b.c', '--jwks', 'jwks.json', '--discover', 'http://127.0.0.1:9400'],
    '--discover',
  ],
  [
    ['token', 'mint', '--defect', 'expired', '--defect', 'not-yet-valid'],
    '--defect expired and --defect not-yet-valid',
  ],
  [
    [
      'token',
      'mint',
      '--defect',
      'alg-none',
      '--defect',
      'wrong-issuer',
      '--defect',
      'bad-signature',
    ],
    '--defect alg-none and --defect bad-signature',
  ],
  [
    ['token', 'mint', '--defect', 'missing-tenant', '--defect', 'wrong-tenant:x'],
    '--defect missing-tenant and --defect wrong-tenant:x',
  ],
  [['keys', 'rotate', '--grace', '-5m'], '--grace'],
  [['keys', 'rotate', '--bits', '512'], '--bits'],
];

describe('bad flags of token and keys', () => {
  it.each(BAD_FLAGS)('%j names %s, exit 2', async (args, flag) => {
    const cwd = tempDir();
    const result = await runCli(args, { cwd });
    expect(result.code, result.stderr).toBe(2);
    const [line, hint, ...rest] = result.stderr.split('\n');
    expect(line).toMatch(/^authctl: error: /);
    expect(line).toContain(flag);
    expect(hint).toMatch(/^ {2}hint: /);
    expect(rest.join('')).toBe('');
    expect(result.stdout).toBe('');
    expect(existsSync(path.join(cwd, '.authctl', 'keys.json'))).toBe(false);
  });

  it('verify accepts --alg in any case and comma lists', async () => {
    const cwd = tempDir();
    const token = (await runCli(['token', 'mint'], { cwd })).stdout.trim();
    const result = await runCli(['token', 'verify', token, '--alg', 'es256,rs256'], { cwd });
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it('[token] secret_env in config is used for HS* only (mint and verify), and named in its error', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'authctl.toml'), '[token]\nsecret_env = "JWT_SECRET"\n');
    const rs = await runCli(['token', 'mint'], { cwd, env: { JWT_SECRET: undefined } });
    expect(rs.code, rs.stderr).toBe(0);
    const unset = await runCli(['token', 'mint', '--alg', 'HS256'], {
      cwd,
      env: { JWT_SECRET: undefined },
    });
    expect(unset.code).toBe(2);
    expect(unset.stderr.split('\n')[0]).toBe(
      'authctl: error: environment variable JWT_SECRET is not set ([token] secret_env = "JWT_SECRET" in config)',
    );
    const secret = 'a-secret-of-at-least-thirty-two-bytes!';
    const hs = await runCli(['token', 'mint', '--alg', 'HS256'], {
      cwd,
      env: { JWT_SECRET: secret },
    });
    expect(hs.code, hs.stderr).toBe(0);
    await jwtVerify(hs.stdout.trim(), new TextEncoder().encode(secret));
    // token verify (local keystore by default) uses the same configured secret for HS tokens.
    const verified = await runCli(['token', 'verify', hs.stdout.trim()], {
      cwd,
      env: { JWT_SECRET: secret },
    });
    expect(verified.code, verified.stdout).toBe(0);
    expect(
      (await runCli(['token', 'verify', rs.stdout.trim()], { cwd, env: { JWT_SECRET: undefined } }))
        .code,
    ).toBe(0);
    const mixed = await runCli(['token', 'mint', '--secret-env', 'JWT_SECRET'], {
      cwd,
      env: { JWT_SECRET: secret },
    });
    expect(mixed.stderr.split('\n')[0]).toBe(
      'authctl: error: a secret only signs HS256/384/512, not RS256 (--secret-env)',
    );
  });

  it('--json errors are one JSON document on stdout naming the flag', async () => {
    const result = await runCli(['keys', 'rotate', '--bits', '100', '--json'], { cwd: tempDir() });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error).toMatchObject({
      code: 'ERR_BAD_NUMBER',
      where: '--bits',
    });
  });

  it('colour only when asked for: FORCE_COLOR colours errors, --no-color and NO_COLOR turn it off', async () => {
    const args = ['token', 'mint', '--ttl', 'soon'];
    const ESC = '\u001b[';
    expect(
      (await runCli(args, { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } })).stderr,
    ).toContain(ESC);
    expect(
      (await runCli([...args, '--no-color'], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } }))
        .stderr,
    ).not.toContain(ESC);
    expect((await runCli(args, { env: { NO_COLOR: '1', FORCE_COLOR: '1' } })).stderr).not.toContain(
      ESC,
    );
  });

  it('--kid alone signs with that key in its own algorithm; with a different --alg it says which', async () => {
    const cwd = tempDir();
    const es = (await runCli(['token', 'mint', '--alg', 'ES256', '--json'], { cwd })).stdout;
    const kid = JSON.parse(es).header.kid;
    const byKid = await runCli(['token', 'mint', `--kid=${kid}`, '--json'], { cwd });
    expect(byKid.code, byKid.stderr).toBe(0);
    expect(JSON.parse(byKid.stdout).header).toMatchObject({ alg: 'ES256', kid });
    const clash = await runCli(['token', 'mint', `--kid=${kid}`, '--alg', 'RS256'], { cwd });
    expect(clash.code).toBe(2);
    expect(clash.stderr.split('\n')[0]).toBe(
      `authctl: error: key ${kid} is an ES256 key, not RS256 (--kid)`,
    );
  });

  it("--defect psychic-signature carries the kid of the keystore's ES256 key (issue #11), whatever --alg", async () => {
    const cwd = tempDir();
    for (const alg of [[], ['--alg', 'ES256'], ['--alg', 'RS256']]) {
      const minted = await runCli(
        ['token', 'mint', '--defect', 'psychic-signature', ...alg, '--json'],
        { cwd },
      );
      expect(minted.code, minted.stderr).toBe(0);
      const header = JSON.parse(minted.stdout).header;
      const jwks = JSON.parse((await runCli(['keys', 'jwks'], { cwd })).stdout);
      const es256 = jwks.keys.filter((k: { alg: string }) => k.alg === 'ES256');
      expect(es256).toHaveLength(1);
      expect(header).toEqual({ alg: 'ES256', typ: 'JWT', kid: es256[0].kid });
      const decoded = JSON.parse(
        Buffer.from(minted.stdout.match(/"token": "[^.]+/)![0].slice(10), 'base64url').toString(),
      );
      expect(decoded.kid).toBe(es256[0].kid);
    }
  });

  it('--defect given twice combines defects that compose into one token (issue #11: the last one used to win)', async () => {
    const cwd = tempDir();
    const minted = await runCli(
      [
        'token',
        'mint',
        '--defect',
        'wrong-audience',
        '--defect',
        'expired',
        '--defect',
        'alg-none',
        '--aud',
        'api://orders',
        '--json',
      ],
      { cwd },
    );
    expect(minted.code, minted.stderr).toBe(0);
    const doc = JSON.parse(minted.stdout);
    expect(doc.defect).toBe('wrong-audience,expired,alg-none');
    const [header, payload, signature] = doc.token.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString()).alg).toBe('none');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    expect(claims.aud).toBe('api://wrong-audience.authctl.invalid');
    expect(claims.exp).toBeLessThan(Date.now() / 1000);
    expect(signature).toBe('');
    // Claim defects alone stay signed by the keystore key: jose verifies the signature and sees both defects.
    const signed = JSON.parse(
      (
        await runCli(
          [
            'token',
            'mint',
            '--defect',
            'wrong-issuer',
            '--defect',
            'missing-scope',
            '--defect',
            'wrong-issuer',
            '--scope',
            'a',
            '--json',
          ],
          { cwd },
        )
      ).stdout,
    );
    expect(signed.defect).toBe('wrong-issuer,missing-scope');
    const jwks = JSON.parse((await runCli(['keys', 'jwks'], { cwd })).stdout);
    const { createLocalJWKSet } = await import('jose');
    const { payload: verified } = await jwtVerify(signed.token, createLocalJWKSet(jwks));
    expect(verified.iss).toBe('https://wrong-issuer.authctl.invalid');
    expect(verified.scope).toBeUndefined();
  });
});

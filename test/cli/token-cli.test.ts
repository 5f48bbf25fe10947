import { describe, expect, it } from 'vitest';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createLocalJWKSet, jwtVerify, decodeJwt } from 'jose';
import { runCli, tempDir } from '../helpers/cli.js';

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

describe('authctl token mint (built binary)', () => {
  it('prints only the token and a newline on stdout, creates 0600 keys in a 0700 dir', async () => {
    const cwd = tempDir();
    const result = await runCli(['token', 'mint', '--sub', 'alice'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[A-Za-z0-9_.-]+\n$/);
    expect(result.stdout.trim()).toMatch(JWT);
    // The first write says where the private keys went (issue #14), and nothing else.
    const home = path.join(cwd, '.authctl');
    expect(result.stderr).toBe(
      `created the keystore ${path.join(home, 'keys.json')} (private keys, mode 0600); ${path.join(home, '.gitignore')} keeps it out of git\n`,
    );
    expect(statSync(path.join(cwd, '.authctl')).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(cwd, '.authctl', 'keys.json')).mode & 0o777).toBe(0o600);
    const jwks = JSON.parse((await runCli(['keys', 'jwks'], { cwd })).stdout);
    const { payload } = await jwtVerify(result.stdout.trim(), createLocalJWKSet(jwks), {
      issuer: 'http://127.0.0.1:9400',
    });
    expect(payload.sub).toBe('alice');
  });

  it('maps flags to claims: aud, scopes, roles, tenant pointer, --claim JSON values, header fields, ttl', async () => {
    const cwd = tempDir();
    const result = await runCli(
      [
        'token',
        'mint',
        '--sub',
        'bob',
        '--aud',
        'api://a',
        '--aud',
        'api://b',
        '--scope',
        'read',
        '--scope',
        'write',
        '--role',
        'admin',
        '--tenant',
        'acme',
        '--tenant-claim',
        '/org/id',
        '--roles-claim',
        '/realm_access/roles',
        '--claim',
        '/org/name=Acme',
        '--claim',
        'level=3',
        '--claim',
        'flags={"beta":true}',
        '--header',
        'x-test=1',
        '--ttl',
        '2h',
        '--json',
      ],
      { cwd },
    );
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.claims).toMatchObject({
      sub: 'bob',
      aud: ['api://a', 'api://b'],
      scope: 'read write',
      org: { id: 'acme', name: 'Acme' },
      realm_access: { roles: ['admin'] },
      level: 3,
      flags: { beta: true },
    });
    expect(doc.claims.exp - doc.claims.iat).toBe(7200);
    expect(doc.header['x-test']).toBe('1');
    expect(decodeJwt(doc.token)).toEqual(doc.claims);
    expect(doc.expiresAt).toBe(new Date(doc.claims.exp * 1000).toISOString());
  });

  it('--output header and curl', async () => {
    const cwd = tempDir();
    expect((await runCli(['token', 'mint', '--output', 'header'], { cwd })).stdout).toMatch(
      /^Authorization: Bearer [\w.-]+\n$/,
    );
    expect((await runCli(['token', 'mint', '-o', 'curl'], { cwd })).stdout).toMatch(
      /^-H 'Authorization: Bearer [\w.-]+'\n$/,
    );
  });

  it('HS256 with a base64 secret from the environment (Relay JWT_SIGNING_KEY) verifies with the decoded secret', async () => {
    const cwd = tempDir();
    const raw = Buffer.from('relay-signing-key-that-is-32-bytes!!');
    const result = await runCli(
      [
        'token',
        'mint',
        '--alg',
        'HS256',
        '--secret-env',
        'JWT_SIGNING_KEY',
        '--secret-encoding',
        'base64',
        '--sub',
        'svc',
      ],
      {
        cwd,
        env: { JWT_SIGNING_KEY: raw.toString('base64') },
      },
    );
    expect(result.code).toBe(0);
    const { payload } = await jwtVerify(result.stdout.trim(), new Uint8Array(raw), {
      algorithms: ['HS256'],
    });
    expect(payload.sub).toBe('svc');
  });

  it('presets from authctl.toml, overridden by flags', async () => {
    const cwd = tempDir();
    writeFileSync(
      path.join(cwd, 'authctl.toml'),
      `
[token]
issuer = "https://issuer.example"
audience = "api://orders"
tenant_claim = "/tid"
scope_claim = "scp"
scope_format = "array"

[tokens.admin]
sub = "root"
roles = ["admin"]
scopes = ["orders:write"]
tenant = "acme"
ttl = "5m"
`,
    );
    const result = await runCli(
      ['token', 'mint', '--preset', 'admin', '--tenant', 'globex', '--json'],
      { cwd },
    );
    expect(result.code).toBe(0);
    const { claims } = JSON.parse(result.stdout);
    expect(claims).toMatchObject({
      iss: 'https://issuer.example',
      sub: 'root',
      aud: 'api://orders',
      roles: ['admin'],
      scp: ['orders:write'],
      tid: 'globex',
    });
    expect(claims.exp - claims.iat).toBe(300);
    const unknown = await runCli(['token', 'mint', '--preset', 'admn'], { cwd });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('did you mean admin?');
  });

  it('--defect expired is otherwise valid; unknown defect suggests the closest', async () => {
    const cwd = tempDir();
    // Bounds from clock readings around the run, not a fixed window: a slow spawn cannot fail it.
    const before = Math.floor(Date.now() / 1000);
    const expired = await runCli(
      ['token', 'mint', '--defect', 'expired', '--skew', '90s', '--json'],
      { cwd },
    );
    const after = Math.ceil(Date.now() / 1000);
    const { claims } = JSON.parse(expired.stdout);
    expect(claims.exp).toBeGreaterThanOrEqual(before - 90);
    expect(claims.exp).toBeLessThanOrEqual(after - 90);
    const verify = await runCli(['token', 'verify', JSON.parse(expired.stdout).token], { cwd });
    expect(verify.code).toBe(1);
    const ago = Number(/✗ expiry\s+expired (\d+) s ago \(leeway 0 s\)/.exec(verify.stdout)?.[1]);
    expect(ago).toBeGreaterThanOrEqual(90);
    expect(ago).toBeLessThanOrEqual(90 + (Math.ceil(Date.now() / 1000) - before));
    expect(verify.stdout).toMatch(/✓ signature/);
    const typo = await runCli(['token', 'mint', '--defect', 'expird'], { cwd });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(
      /^authctl: error: unknown defect "expird" \(--defect\)\n  hint: did you mean expired\?/,
    );
  });
});

describe('errors and exit codes', () => {
  it('bad input: one line + hint, exit 2, no stack trace', async () => {
    const cwd = tempDir();
    for (const args of [
      ['token', 'mint', '--ttl', 'soon'],
      ['token', 'mint', '--alg', 'RS257'],
      ['token', 'mint', '--claim', 'novalue'],
      ['token', 'decode', 'not-a-token'],
    ]) {
      const result = await runCli(args, { cwd });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^authctl: error: .+\n  hint: .+/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    expect((await runCli(['token', 'mint', '--alg', 'RS257'], { cwd })).stderr).toContain(
      'did you mean RS256?',
    );
  });

  it('unknown commands and flags suggest the closest', async () => {
    const command = await runCli(['tokn']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('Did you mean token?');
    const help = await runCli(['help', 'tokn']);
    expect(help.code).toBe(2);
    expect(help.stderr).toBe(
      "authctl: error: unknown command 'tokn'\n  hint: Did you mean token?\n",
    );
    const flag = await runCli(['token', 'mint', '--sbu', 'x']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--sub');
  });

  it('a group without its subcommand is a usage error naming the subcommands', async () => {
    const result = await runCli(['token']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('a subcommand is required');
    expect(result.stderr).toMatch(/mint \[options\][\s\S]*decode[\s\S]*verify[\s\S]*defects/);
    const typo = await runCli(['token', 'mnt', '--sub', 'x']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("unknown command 'mnt'");
    expect(typo.stderr).toContain('Did you mean mint?');
  });

  it('TOML syntax errors point at file:line:col with a caret', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'authctl.toml'), '[token]\nissuer = "x"\naudience = [\n');
    const result = await runCli(['token', 'mint'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/TOML syntax error: .* \(.*authctl\.toml:4:1\)/);
    expect(result.stderr).toContain('^');
  });

  it('unknown config keys get "did you mean"', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, '.authctlrc.json'), JSON.stringify({ token: { isuer: 'x' } }));
    const result = await runCli(['token', 'mint'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown key "token.isuer"');
    expect(result.stderr).toContain('did you mean "issuer"?');
  });

  it('a corrupted keystore gives a clear error and is never overwritten', async () => {
    const cwd = tempDir();
    await runCli(['token', 'mint'], { cwd });
    const file = path.join(cwd, '.authctl', 'keys.json');
    writeFileSync(file, '{"version": 1, "keys": [');
    const result = await runCli(['token', 'mint'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('keystore file is not valid JSON');
    expect(readFileSync(file, 'utf8')).toBe('{"version": 1, "keys": [');
  });

  it('--verbose shows the stack trace; --json errors are a JSON document', async () => {
    const cwd = tempDir();
    const json = await runCli(['token', 'mint', '--ttl', 'x', '--json'], { cwd });
    expect(JSON.parse(json.stdout).error).toMatchObject({
      code: 'ERR_BAD_DURATION',
      where: '--ttl',
    });
    // An error with an underlying cause (here: the keystore path is a file): stack only when asked.
    writeFileSync(path.join(cwd, '.authctl'), 'not a directory');
    const plain = await runCli(['token', 'mint'], { cwd });
    expect(plain.code).toBe(3);
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    for (const verbose of [['--verbose'], ['-v']]) {
      const result = await runCli(['token', 'mint', ...verbose], { cwd });
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(
        /^authctl: error: cannot read the keystore \S+keys\.json: a part of the path is a file, not a directory \(ENOTDIR\)/,
      );
      expect(result.stderr).toMatch(/ENOTDIR[^\n]*\n(.*\n)*\s+at /);
    }
    const debug = await runCli(['token', 'mint'], { cwd, env: { AUTHCTL_DEBUG: '1' } });
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});

describe('token decode / verify / defects', () => {
  it('decode reads stdin and says nothing was verified', async () => {
    const cwd = tempDir();
    const token = (await runCli(['token', 'mint', '--sub', 'carol'], { cwd })).stdout;
    const decoded = await runCli(['token', 'decode'], { cwd, input: token });
    expect(decoded.code).toBe(0);
    expect(decoded.stdout).toContain('"sub": "carol"');
    expect(decoded.stdout).toMatch(/exp\s+\S+Z\s+expires in 1[45]m/);
    expect(decoded.stderr).toContain('NOT verified');
    const json = JSON.parse(
      (await runCli(['token', 'decode', '-', '--json'], { cwd, input: token })).stdout,
    );
    expect(json).toMatchObject({ verified: false, claims: { sub: 'carol' } });
  });

  it('verify reports every failed check and exits 1; a JWKS file works as a key source', async () => {
    const cwd = tempDir();
    const token = (
      await runCli(['token', 'mint', '--aud', 'api://other', '--tenant', 'acme'], { cwd })
    ).stdout.trim();
    const jwksFile = path.join(cwd, 'jwks.json');
    writeFileSync(jwksFile, (await runCli(['keys', 'jwks'], { cwd })).stdout);
    const result = await runCli(
      [
        'token',
        'verify',
        token,
        '--jwks',
        jwksFile,
        '--aud',
        'api://datapress',
        '--tenant',
        'globex',
        '--require-role',
        'admin',
        '--json',
      ],
      { cwd },
    );
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.valid).toBe(false);
    expect(
      report.checks
        .filter((c: { status: string }) => c.status === 'fail')
        .map((c: { check: string }) => c.check)
        .sort(),
    ).toEqual(['audience', 'role', 'tenant']);
    const ok = await runCli(['token', 'verify', token, '--aud', 'api://other'], { cwd });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('token is valid');
  });

  it('verify --jwks accepts PEM files (SPKI, PKCS#1 public and private, SEC1) and a JWK; PEM keys have no kid', async () => {
    const cwd = tempDir();
    const rs = (await runCli(['token', 'mint'], { cwd })).stdout.trim();
    const es = (await runCli(['token', 'mint', '--alg', 'ES256'], { cwd })).stdout.trim();
    const ring = JSON.parse(readFileSync(path.join(cwd, '.authctl', 'keys.json'), 'utf8'));
    const key = (alg: string) =>
      createPrivateKey({
        key: ring.keys.find((k: { alg: string }) => k.alg === alg).privateJwk,
        format: 'jwk',
      });
    const files: [string, string, string][] = [
      [
        'spki.pem',
        createPublicKey(key('RS256')).export({ type: 'spki', format: 'pem' }) as string,
        rs,
      ],
      [
        'pkcs1-public.pem',
        createPublicKey(key('RS256')).export({ type: 'pkcs1', format: 'pem' }) as string,
        rs,
      ],
      ['pkcs1-private.pem', key('RS256').export({ type: 'pkcs1', format: 'pem' }) as string, rs],
      ['sec1.pem', key('ES256').export({ type: 'sec1', format: 'pem' }) as string, es],
      ['key.jwk.json', JSON.stringify(createPublicKey(key('ES256')).export({ format: 'jwk' })), es],
    ];
    for (const [name, content, token] of files) {
      writeFileSync(path.join(cwd, name), content);
      const result = await runCli(['token', 'verify', token, '--jwks', name], { cwd });
      expect(result.code, `${name}: ${result.stdout}`).toBe(0);
      expect(result.stdout).toContain(`signature verifies with the key from ${name}`);
    }
    const wrong = await runCli(['token', 'verify', rs, '--jwks', 'pkcs1-public.pem'], {
      cwd: tempDir(),
    });
    expect(wrong.code).toBe(2); // the file is relative to the cwd: not found there
  });

  it('defects lists every defect', async () => {
    const result = await runCli(['token', 'defects', '--json']);
    const kinds = JSON.parse(result.stdout).map((d: { kind: string }) => d.kind);
    expect(kinds).toContain('psychic-signature');
    expect(kinds).toHaveLength(19);
  });

  it('verify without --aud says the audience was not checked, in words and in --json (issue #11)', async () => {
    const cwd = tempDir();
    const token = (
      await runCli(['token', 'mint', '--aud', 'api://someone-else'], { cwd })
    ).stdout.trim();
    const human = await runCli(['token', 'verify', token], { cwd });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(
      '- audience   audience not checked: no expected audience given (pass --aud; the token has aud "api://someone-else")',
    );
    const json = JSON.parse((await runCli(['token', 'verify', token, '--json'], { cwd })).stdout);
    expect(json.audienceChecked).toBe(false);
    expect(json.checks).toContainEqual({
      check: 'audience',
      status: 'skip',
      message: expect.stringMatching(/^audience not checked/),
    });
    const checked = JSON.parse(
      (await runCli(['token', 'verify', token, '--aud', 'api://someone-else', '--json'], { cwd }))
        .stdout,
    );
    expect(checked.audienceChecked).toBe(true);
    expect(checked.checks).toContainEqual({
      check: 'audience',
      status: 'pass',
      message: 'audience includes api://someone-else',
    });
  });
});

// `authctl idp serve` configured with no flags at all, the way a CI service container runs it:
// AUTHCTL_* variables (src/core/idp/env.ts), AUTHCTL_CONFIG_INLINE / AUTHCTL_CONFIG_FILE and
// AUTHCTL_KEYS_FILE. Precedence flag > env > config file > default, each checked on a real issuer.
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, runCli, tempDir } from '../helpers/cli.js';
import { spawnUntilLine, stopStarted } from '../e2e/helpers.js';

afterAll(stopStarted);

/** Starts `idp serve --json --no-log` with these flags and variables; returns the ready line. */
async function serve(
  args: string[],
  env: Record<string, string>,
  cwd = tempDir('authctl-idp-env-'),
) {
  const proc = await spawnUntilLine([BIN, 'idp', 'serve', '--json', '--no-log', ...args], {
    env: {
      PATH: process.env.PATH,
      AUTHCTL_HOME: path.join(cwd, '.authctl'),
      NO_COLOR: '1',
      ...env,
    },
    cwd,
    key: 'issuer',
  });
  await proc.stop();
  return proc.line as { issuer: string; port: number; layout: string; control: string | null };
}

/** A project directory whose authctl.toml sets these [idp] lines. */
function project(idpToml: string): string {
  const dir = tempDir('authctl-idp-env-project-');
  writeFileSync(path.join(dir, 'authctl.toml'), `[idp]\n${idpToml}\n`);
  return dir;
}

describe('idp serve settings: flag > env > config file > default', () => {
  const file = 'issuer_url = "http://from-file:9400"\nport = 0';

  it('the flag wins over the variable and the file', async () => {
    const line = await serve(
      ['--issuer-url', 'http://from-flag:9400'],
      { AUTHCTL_ISSUER_URL: 'http://from-env:9400' },
      project(file),
    );
    expect(line.issuer).toBe('http://from-flag:9400');
  });

  it('the variable wins over the file', async () => {
    expect(
      (await serve([], { AUTHCTL_ISSUER_URL: 'http://from-env:9400' }, project(file))).issuer,
    ).toBe('http://from-env:9400');
  });

  it('the file applies when neither is given', async () => {
    expect((await serve([], {}, project(file))).issuer).toBe('http://from-file:9400');
  });

  it('the default (the listen URL) applies when nothing is given', async () => {
    const line = await serve([], { AUTHCTL_PORT: '0' });
    expect(line.issuer).toBe(`http://127.0.0.1:${line.port}`);
  });

  it("AUTHCTL_PORT overrides the file's port, and --port overrides AUTHCTL_PORT", async () => {
    // Port 1 is privileged: reaching it would fail to listen, so success proves the override.
    expect((await serve([], { AUTHCTL_PORT: '0' }, project('port = 1'))).port).toBeGreaterThan(
      1024,
    );
    expect((await serve(['--port', '0'], { AUTHCTL_PORT: '1' })).port).toBeGreaterThan(1024);
  });

  it('AUTHCTL_LAYOUT, AUTHCTL_CONTROL and AUTHCTL_HOST reach the issuer', async () => {
    const line = await serve([], {
      AUTHCTL_PORT: '0',
      AUTHCTL_LAYOUT: 'entra',
      AUTHCTL_CONTROL: 'false',
      AUTHCTL_HOST: '127.0.0.1',
    });
    expect(line.layout).toBe('entra');
    expect(line.control).toBeNull();
  });

  it("AUTHCTL_VENDOR makes the root issuer a vendor's (a Keycloak realm)", async () => {
    const line = await serve([], { AUTHCTL_PORT: '0', AUTHCTL_VENDOR: 'keycloak' });
    expect(line.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/realms\/default$/);
    expect((line as Record<string, unknown>).token).toBe(
      `${line.issuer}/protocol/openid-connect/token`,
    );
    expect(line.layout).toBe('keycloak');
  });
});

describe('settings added with the security hardening', () => {
  it('AUTHCTL_CORS_ORIGINS lets that origin read answers; others still get no CORS header', async () => {
    const cwd = tempDir('authctl-idp-env-');
    const proc = await spawnUntilLine([BIN, 'idp', 'serve', '--json', '--no-log'], {
      env: {
        PATH: process.env.PATH,
        AUTHCTL_HOME: path.join(cwd, '.authctl'),
        NO_COLOR: '1',
        AUTHCTL_PORT: '0',
        AUTHCTL_CORS_ORIGINS: 'https://app.example, http://app:3000',
      },
      cwd,
      key: 'issuer',
    });
    try {
      const { discovery } = proc.line as { discovery: string };
      const allowed = await fetch(discovery, { headers: { Origin: 'http://app:3000' } });
      expect(allowed.headers.get('access-control-allow-origin')).toBe('http://app:3000');
      const other = await fetch(discovery, { headers: { Origin: 'https://evil.example' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await proc.stop();
    }
  });

  it('a bad AUTHCTL_MAX_ENTRIES exits 2 naming the variable', async () => {
    const r = await runCli(['idp', 'serve', '--port', '0'], {
      cwd: tempDir('authctl-idp-env-'),
      env: { AUTHCTL_HOME: tempDir('authctl-idp-env-home-'), AUTHCTL_MAX_ENTRIES: 'lots' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/AUTHCTL_MAX_ENTRIES/);
  });
});

describe('a whole config from the environment', () => {
  it('AUTHCTL_CONFIG_INLINE as TOML', async () => {
    expect(
      (
        await serve([], {
          AUTHCTL_CONFIG_INLINE: '[idp]\nport = 0\nissuer_url = "http://idp:9400"',
        })
      ).issuer,
    ).toBe('http://idp:9400');
  });

  it('AUTHCTL_CONFIG_INLINE as JSON, under a per-setting variable', async () => {
    const line = await serve([], {
      AUTHCTL_CONFIG_INLINE:
        '{"idp": {"port": 0, "issuer_url": "http://inline:9400", "layout": "okta"}}',
      AUTHCTL_ISSUER_URL: 'http://env:9400',
    });
    expect(line).toMatchObject({ issuer: 'http://env:9400', layout: 'okta' });
  });

  it('AUTHCTL_CONFIG_FILE names a file anywhere', async () => {
    const config = path.join(tempDir('authctl-idp-env-file-'), 'issuer.toml');
    writeFileSync(config, '[idp]\nport = 0\nissuer_url = "http://mounted:9400"\n');
    expect((await serve([], { AUTHCTL_CONFIG_FILE: config })).issuer).toBe('http://mounted:9400');
  });
});

describe('signing keys from AUTHCTL_KEYS_FILE', () => {
  it('the issuer signs with the mounted key, and a restart with the same key still works', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyFile = path.join(tempDir('authctl-idp-env-key-'), 'signing.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const dir = tempDir('authctl-idp-env-keys-');
    const env = {
      PATH: process.env.PATH,
      AUTHCTL_HOME: path.join(dir, '.authctl'),
      AUTHCTL_PORT: '0',
      AUTHCTL_KEYS_FILE: keyFile,
    };
    for (let start = 0; start < 2; start++) {
      const proc = await spawnUntilLine([BIN, 'idp', 'serve', '--json', '--no-log'], {
        env,
        cwd: dir,
        key: 'issuer',
      });
      try {
        const { issuer, token, jwks } = proc.line as {
          issuer: string;
          token: string;
          jwks: string;
        };
        const reply = await fetch(token, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${Buffer.from('ci:ci-secret').toString('base64')}`,
          },
          body: 'grant_type=client_credentials',
        });
        expect(reply.status).toBe(200);
        const accessToken = ((await reply.json()) as { access_token: string }).access_token;
        // Verified with the mounted key's public half, not with anything authctl publishes.
        await expect(jwtVerify(accessToken, publicKey, { issuer })).resolves.toBeTruthy();
        await expect(
          jwtVerify(accessToken, createRemoteJWKSet(new URL(jwks)), { issuer }),
        ).resolves.toBeTruthy();
      } finally {
        await proc.stop();
      }
    }
  });

  it('an unreadable AUTHCTL_KEYS_FILE exits 2 naming the variable', async () => {
    const r = await runCli(['idp', 'serve', '--port', '0'], {
      cwd: tempDir('authctl-idp-env-'),
      env: {
        AUTHCTL_HOME: tempDir('authctl-idp-env-home-'),
        AUTHCTL_KEYS_FILE: '/nonexistent/key.pem',
      },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/AUTHCTL_KEYS_FILE/);
  });
});

describe('a bad value names the variable and exits 2', () => {
  it.each([
    ['AUTHCTL_PORT', 'ninety'],
    ['AUTHCTL_PORT', '70000'],
    ['AUTHCTL_ISSUER_URL', 'ftp://idp'],
    ['AUTHCTL_LAYOUT', 'azure'],
    ['AUTHCTL_VENDOR', 'ping'],
    ['AUTHCTL_CONTROL', 'maybe'],
    ['AUTHCTL_LOG', 'sometimes'],
    ['AUTHCTL_ALG', 'HS1'],
  ])('%s=%s', async (name, value) => {
    const r = await runCli(['idp', 'serve'], {
      cwd: tempDir('authctl-idp-env-'),
      env: { AUTHCTL_HOME: tempDir('authctl-idp-env-home-'), [name]: value },
    });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toContain(name);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('AUTHCTL_CONFIG_INLINE and AUTHCTL_CONFIG_FILE together are refused', async () => {
    const r = await runCli(['idp', 'serve'], {
      cwd: tempDir('authctl-idp-env-'),
      env: { AUTHCTL_CONFIG_INLINE: '[idp]', AUTHCTL_CONFIG_FILE: 'x.toml' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/AUTHCTL_CONFIG_INLINE and AUTHCTL_CONFIG_FILE/);
  });

  it('a syntax error in AUTHCTL_CONFIG_INLINE names the variable', async () => {
    const r = await runCli(['idp', 'serve'], {
      cwd: tempDir('authctl-idp-env-'),
      env: { AUTHCTL_CONFIG_INLINE: '[idp\nport = 0' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/AUTHCTL_CONFIG_INLINE/);
  });
});

// What a user does first with an installed authctl (npm tarball, global prefix, project, single-file
// binary): mint a token, run the mock issuer, lint a config, probe an example service. Each check
// drives `command` (an executable, never this repository's bin/) as a child process and verifies the
// result independently (jose, plain HTTP).
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { expect } from 'vitest';
import type { CliResult } from '../helpers/cli.js';
import { copyWith, spawnUntilLine, stopAll, tempDir, type Proc } from '../e2e/helpers.js';

export const FIXTURES = path.resolve(import.meta.dirname, '..', 'fixtures', 'config');

export interface Installed {
  /** The executable: `<prefix>/bin/authctl`, `node_modules/.bin/authctl` or the binary. */
  command: string;
  /** Environment for every run (PATH decides whether a `node` is found at all). */
  env: NodeJS.ProcessEnv;
  /** The shipped example services (their server.mjs runs under this repository's node). */
  examples: string;
}

/** Runs the installed authctl once. */
export function run(
  app: Installed,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(app.command, args, {
      cwd: options.cwd ?? tempDir('authctl-installed-'),
      env: { ...app.env, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

export const show = (r: CliResult) =>
  `exit ${r.code}\n--- stdout\n${r.stdout.slice(-3000)}\n--- stderr\n${r.stderr.slice(-3000)}`;

/** `authctl idp serve --port 0 --json` from the installed command, until its ready line. */
export async function startInstalledIdp(
  app: Installed,
  home: string,
  args: string[] = [],
): Promise<Proc & { issuer: string }> {
  const proc = await spawnUntilLine(
    ['idp', 'serve', '--port', '0', '--json', '--no-log', '--home', home, ...args],
    {
      command: app.command,
      env: { ...app.env, NO_COLOR: '1' },
      cwd: home,
      key: 'issuer',
      timeoutMs: 60_000,
    },
  );
  return { ...proc, issuer: proc.line.issuer as string };
}

/** `token mint` prints a JWT that verifies (jose) against the keystore's own `keys jwks`. */
export async function checkMint(app: Installed): Promise<void> {
  const home = tempDir('authctl-installed-home-');
  const minted = await run(app, ['token', 'mint', '--sub', 'alice', '--aud', 'api://installed'], {
    env: { AUTHCTL_HOME: home },
  });
  expect(minted.code, show(minted)).toBe(0);
  const jwks = await run(app, ['keys', 'jwks'], { env: { AUTHCTL_HOME: home } });
  expect(jwks.code, show(jwks)).toBe(0);
  const { payload } = await jwtVerify(
    minted.stdout.trim(),
    createLocalJWKSet(JSON.parse(jwks.stdout) as JSONWebKeySet),
    { audience: 'api://installed' },
  );
  expect(payload.sub).toBe('alice');
}

/** `idp serve` answers discovery, `idp wait` sees it (exit 0), and it stops on SIGTERM. */
export async function checkIdp(app: Installed): Promise<void> {
  const home = tempDir('authctl-installed-idp-');
  const idp = await startInstalledIdp(app, home);
  try {
    const discovery = (await (
      await fetch(`${idp.issuer}/.well-known/openid-configuration`)
    ).json()) as { issuer: string; jwks_uri: string };
    expect(discovery.issuer).toBe(idp.issuer);
    const wait = await run(app, ['idp', 'wait', idp.issuer, '--timeout', '20s']);
    expect(wait.code, show(wait)).toBe(0);
  } finally {
    await idp.stop();
  }
}

/**
 * `idp serve --tls` makes its local CA (the X.509 writer, @peculiar/asn1-x509, is there: a
 * dependency of the package, inside the binary), curl trusting only that CA reads discovery, and
 * `idp wait` finds the CA in the home.
 */
export async function checkIdpTls(app: Installed): Promise<void> {
  const home = tempDir('authctl-installed-tls-');
  const idp = await startInstalledIdp(app, home, ['--tls']);
  try {
    expect(idp.issuer).toMatch(/^https:\/\//);
    const ca = idp.line.caCert as string;
    expect(ca).toBe(path.join(home, 'tls', 'ca.pem'));
    const curl = spawnSync(
      'curl',
      ['-sS', '--cacert', ca, `${idp.issuer}/.well-known/openid-configuration`],
      {
        encoding: 'utf8',
      },
    );
    expect(curl.status, curl.stderr).toBe(0);
    expect(JSON.parse(curl.stdout).issuer).toBe(idp.issuer);
    const wait = await run(app, ['idp', 'wait', idp.issuer, '--home', home, '--timeout', '20s']);
    expect(wait.code, show(wait)).toBe(0);
  } finally {
    await idp.stop();
  }
}

/** `verify-config` passes a valid fixture (0) and fails an invalid one (1). */
export async function checkVerifyConfig(app: Installed): Promise<void> {
  const ok = await run(app, [
    'verify-config',
    path.join(FIXTURES, 'valid', 'datapress', 'minimal.toml'),
  ]);
  expect(ok.code, show(ok)).toBe(0);
  const bad = await run(app, [
    'verify-config',
    path.join(FIXTURES, 'invalid', 'datapress', 'algorithm-hs256.toml'),
    '--json',
  ]);
  expect(bad.code, show(bad)).toBe(1);
  expect(JSON.parse(bad.stdout).ok).toBe(false);
  // A forced built-in profile file (Relay) is loaded on its own: from templates/profiles/ or, in
  // the single-file binary, from the copies embedded at build time.
  const relay = await run(app, [
    'verify-config',
    path.join(FIXTURES, 'invalid', 'relay', 'signing-key-short.env'),
    '--profile',
    'relay',
    '--json',
  ]);
  expect(relay.code, show(relay)).toBe(1);
  expect(JSON.parse(relay.stdout).findings.map((f: { rule: string }) => f.rule)).toEqual([
    'auth/weak-hmac-secret',
  ]);
  const relayOk = await run(app, [
    'verify-config',
    path.join(FIXTURES, 'valid', 'relay', 'production.env'),
    '--profile',
    'relay',
  ]);
  expect(relayOk.code, show(relayOk)).toBe(0);
}

/** `probe` against the shipped DataPress example (run by this repository's node) passes. */
export async function checkProbe(app: Installed): Promise<void> {
  const dir = tempDir('authctl-installed-probe-');
  const idp = await startInstalledIdp(app, dir);
  let service: Proc | undefined;
  try {
    const config = copyWith(
      path.join(app.examples, 'datapress', 'datapress.toml'),
      path.join(dir, 'datapress.toml'),
      { 'http://127.0.0.1:9400': idp.issuer },
    );
    service = await spawnUntilLine(
      [path.join(app.examples, 'datapress', 'server.mjs'), '--config', config],
      {
        env: {
          PATH: process.env.PATH,
          PORT: '0',
          DATAPRESS_ADMIN_TOKEN: 'installed-admin-token-0123456789',
        },
        key: 'listening',
      },
    );
    const url = service.line.listening as string;
    const spec = copyWith(
      path.join(app.examples, 'datapress', 'probe.toml'),
      path.join(dir, 'probe.toml'),
      { 'http://127.0.0.1:9400': idp.issuer, 'http://127.0.0.1:8080': url },
    );
    const probe = await run(
      app,
      ['probe', '--spec', spec, '--no-progress', '--junit', path.join(dir, 'probe.xml')],
      { cwd: dir, env: { AUTHCTL_HOME: dir } },
    );
    expect(probe.code, show(probe)).toBe(0);
    expect(probe.stdout).toMatch(/pass/i);
  } finally {
    await stopAll([service, idp]);
  }
}

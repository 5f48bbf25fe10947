import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { BIN, freePort, runCli, tempDir } from '../helpers/cli.js';
import { seededHome } from './helpers.js';

interface Served {
  child: ChildProcess;
  info: Record<string, any>;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Spawns `authctl idp serve` and resolves once its first stdout line (the URLs) is out. */
function serve(args: string[], home: string, cwd?: string): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'idp', 'serve', '--home', home, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 15_000);
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('\n')) {
        clearTimeout(timer);
        let info: Record<string, any> = {};
        try {
          info = JSON.parse(stdout.split('\n')[0]!);
        } catch {
          // human output
        }
        resolve({ child, info, stdout: () => stdout, stderr: () => stderr, exited });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (!stdout)
        reject(Object.assign(new Error(`serve exited ${code}: ${stderr}`), { code, stderr }));
    });
  });
}

describe('authctl idp (CLI)', () => {
  let served: Served;
  let home: string;
  let url: string;
  beforeAll(async () => {
    home = await seededHome();
    served = await serve(['--port', '0', '--json'], home);
    url = served.info.issuer;
  });
  afterAll(() => {
    if (served.child.exitCode === null) served.child.kill('SIGKILL');
  });

  it('serve --port 0 --json prints one JSON line with the URLs', () => {
    const lines = served.stdout().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(served.info.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(served.info).toMatchObject({
      discovery: `${url}/.well-known/openid-configuration`,
      jwks: `${url}/jwks`,
      token: `${url}/token`,
      control: `${url}/_authctl`,
    });
  });

  it('idp wait returns once the issuer answers; exits 3 when none does', async () => {
    const ok = await runCli(['idp', 'wait', url, '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ issuer: url });
    const port = await freePort();
    const none = await runCli(['idp', 'wait', `http://127.0.0.1:${port}`, '--timeout', '300ms']);
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/issuer did not answer within 0\.3s/);
    expect(none.stderr).toMatch(/hint:/);
  });

  it('idp fault --token 500 after a timed JWKS fault shows each fault with its own end (issue #11)', async () => {
    try {
      const timed = await runCli(['idp', 'fault', '--jwks', '503', '--for', '1h', '--url', url]);
      expect(timed.code, timed.stderr).toBe(0);
      const [, jwksEnd] = /^JWKS: 503 until (\S+Z)$/m.exec(timed.stdout)!;
      expect(Math.abs(Date.parse(jwksEnd!) - (Date.now() + 3600_000))).toBeLessThan(60_000);
      const token = await runCli(['idp', 'fault', '--token', '500', '--url', url]);
      expect(token.code, token.stderr).toBe(0);
      // The token fault lasts until cleared; only the JWKS fault carries the 1h end.
      expect(token.stdout).toBe(
        `JWKS: 503 until ${jwksEnd}\ntoken endpoint: HTTP 500 until \`authctl idp fault clear\`\n`,
      );
      const json = JSON.parse(
        (await runCli(['idp', 'fault', '--latency', '1ms', '--url', url, '--json'])).stdout,
      );
      expect(json.ends).toEqual({ jwks: Date.parse(jwksEnd!) });
    } finally {
      await runCli(['idp', 'fault', 'clear', '--url', url]);
    }
  });

  it('idp rotate, fault, clock, requests, client/user/claims drive the running issuer', async () => {
    const rotated = await runCli(['idp', 'rotate', '--url', url, '--json']);
    expect(rotated.code).toBe(0);
    const kid = JSON.parse(rotated.stdout).activated.kid;
    const jwks = (await (await fetch(`${url}/jwks`)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toContain(kid);

    const fault = await runCli(['idp', 'fault', '--jwks', '503', '--for', '30s', '--url', url]);
    expect(fault.code).toBe(0);
    expect(fault.stdout).toMatch(/JWKS: 503/);
    expect((await fetch(`${url}/jwks`)).status).toBe(503);
    expect((await runCli(['idp', 'fault', 'clear', '--url', url])).code).toBe(0);
    expect((await fetch(`${url}/jwks`)).status).toBe(200);
    const badFault = await runCli(['idp', 'fault', '--jwks', 'flaky', '--url', url]);
    expect(badFault.code).toBe(2);
    expect(badFault.stderr).toMatch(/unknown JWKS fault "flaky"/);

    const clock = await runCli(['idp', 'clock', '--advance', '2h', '--url', url, '--json']);
    expect(JSON.parse(clock.stdout).offsetSeconds).toBeGreaterThanOrEqual(7199);
    expect((await runCli(['idp', 'clock', '--reset', '--url', url])).stdout).toMatch(/offset 0s/);

    expect(
      (
        await runCli([
          'idp',
          'user',
          'add',
          'alice',
          '--password',
          'pw',
          '--tenant',
          'acme',
          '--url',
          url,
        ])
      ).code,
    ).toBe(0);
    expect(
      (await runCli(['idp', 'claims', '--user', 'alice', '--claim', 'org_id=42', '--url', url]))
        .code,
    ).toBe(0);
    const token = await fetch(`${url}/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'password',
        username: 'alice',
        password: 'pw',
        client_id: 'c',
        client_secret: 's',
      }),
    });
    const claims = JSON.parse(
      Buffer.from(
        String(((await token.json()) as { access_token: string }).access_token.split('.')[1]),
        'base64url',
      ).toString(),
    );
    expect(claims).toMatchObject({ sub: 'alice', tid: 'acme', org_id: 42 });

    const requests = await runCli(['idp', 'requests', '--path', '/token', '--url', url, '--json']);
    const list = JSON.parse(requests.stdout).requests;
    expect(list.at(-1)).toMatchObject({
      method: 'POST',
      path: '/token',
      status: 200,
      clientId: 'c',
    });
    expect(requests.stdout).not.toContain('"pw"');

    expect(
      (
        await runCli([
          'idp',
          'client',
          'add',
          'ci',
          '--secret',
          's3',
          '--grant',
          'client_credentials',
          '--url',
          url,
        ])
      ).code,
    ).toBe(0);
    const strict = await fetch(`${url}/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'c',
        client_secret: 's',
      }),
    });
    expect(strict.status).toBe(401);
    const state = await runCli(['idp', 'state', '--url', url]);
    expect(state.stdout).toMatch(/clients\s+ci/);
  });

  it('idp doctor passes for the exact URL and explains a trailing-slash mismatch (exit 1)', async () => {
    const ok = await runCli(['idp', 'doctor', '--from', url, '--json']);
    expect(ok.code).toBe(0);
    expect(
      JSON.parse(ok.stdout)[0].checks.map((c: { name: string; ok: boolean }) => [c.name, c.ok]),
    ).toEqual([
      ['discovery', true],
      ['issuer', true],
      ['vendor', true],
      ['jwks', true],
      ['issuers', true],
    ]);
    const slash = await runCli(['idp', 'doctor', '--from', `${url}/`]);
    expect(slash.code).toBe(1);
    expect(slash.stdout).toMatch(/only a trailing slash differs/);
    const down = await runCli(['idp', 'doctor', '--from', `http://127.0.0.1:${await freePort()}`]);
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(/ECONNREFUSED/);
  });

  it('control verbs exit 3 with a hint when no issuer runs there', async () => {
    const result = await runCli(['idp', 'rotate', '--url', `http://127.0.0.1:${await freePort()}`]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/cannot reach the issuer's control API/);
  });

  it('exits 3 with a clear message when the port is in use', async () => {
    const port = new URL(url).port;
    const result = await runCli(['idp', 'serve', '--port', port, '--home', home]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(new RegExp(`port ${port} on 127.0.0.1 is already in use`));
  });

  it('rejects bad flags with exit 2', async () => {
    const layout = await runCli([
      'idp',
      'serve',
      '--port',
      '0',
      '--layout',
      'ping',
      '--home',
      home,
    ]);
    expect(layout.code).toBe(2);
    expect(layout.stderr).toMatch(/unknown claim layout "ping" \(--layout\)/);
    const vendor = await runCli([
      'idp',
      'serve',
      '--port',
      '0',
      '--vendor',
      'ping',
      '--home',
      home,
    ]);
    expect(vendor.code).toBe(2);
    expect(vendor.stderr).toMatch(/unknown vendor "ping" \(--vendor\)/);
    expect(vendor.stderr).toMatch(/use one of: default, entra, auth0, okta, keycloak, cognito/);
    expect((await runCli(['idp', 'serve', '--port', '70000'])).code).toBe(2);
    expect((await runCli(['idp', 'serve', '--issuer-url', 'ftp://x'])).code).toBe(2);
    const query = await runCli([
      'idp',
      'serve',
      '--port',
      '0',
      '--home',
      home,
      '--issuer-url',
      'http://idp.test:9400/?tenant=a',
    ]);
    expect(query.code).toBe(2);
    expect(query.stderr).toMatch(/has a query or fragment.*\(--issuer-url\)/);
  });

  it('shuts down cleanly on SIGTERM (exit 0)', async () => {
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
    expect(served.stderr()).toMatch(/SIGTERM: stopping the issuer/);
  });
});

describe('authctl idp serve (human output)', () => {
  it('does not warn for any loopback address (127.0.0.0/8)', async () => {
    const served = await serve(
      ['--port', '0', '--host', '127.0.0.2', '--json'],
      await seededHome(),
    );
    try {
      expect(served.info.issuer).toMatch(/^http:\/\/127\.0\.0\.2:\d+$/);
      expect(served.stderr()).not.toContain('DEVELOPMENT ONLY');
    } finally {
      served.child.kill('SIGINT');
      expect(await served.exited).toBe(0);
    }
  });

  it('prints the URLs, a curl and the service snippet; warns loudly off loopback; publishes --issuer-url', async () => {
    const home = await seededHome();
    const served = await serve(
      ['--port', '0', '--host', '0.0.0.0', '--issuer-url', 'http://host.docker.internal:9400'],
      home,
    );
    try {
      // The banner may arrive in several chunks: wait for its last line (generous deadline, no fixed sleep).
      for (
        const deadline = Date.now() + 10_000;
        !served.stdout().includes('Ctrl+C stops it.') && Date.now() < deadline;
      ) {
        await new Promise((r) => setTimeout(r, 20));
      }
      const out = served.stdout();
      expect(out).toMatch(/issuer\s+http:\/\/host\.docker\.internal:9400\n/);
      expect(out).toContain(
        'curl -s -u my-client:my-secret -d grant_type=client_credentials http://host.docker.internal:9400/token',
      );
      expect(out).toContain('[auth]\n  issuer = "http://host.docker.internal:9400"');
      expect(served.stderr()).toMatch(
        /warning: binding 0\.0\.0\.0: this mock issuer is for DEVELOPMENT ONLY/,
      );
      const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)![1];
      const doc = (await (
        await fetch(`http://127.0.0.1:${port}/.well-known/openid-configuration`)
      ).json()) as { issuer: string; jwks_uri: string };
      expect(doc).toMatchObject({
        issuer: 'http://host.docker.internal:9400',
        jwks_uri: 'http://host.docker.internal:9400/jwks',
      });
      const doctor = await runCli(['idp', 'doctor', '--from', `http://127.0.0.1:${port}`]);
      expect(doctor.code).toBe(1);
      expect(doctor.stdout).toMatch(/discovery says issuer "http:\/\/host\.docker\.internal:9400"/);
    } finally {
      served.child.kill('SIGINT');
      expect(await served.exited).toBe(0);
    }
  });
});

describe('authctl idp serve (config file)', () => {
  it('reads [idp] from authctl.toml: port, layout, strict clients and users', async () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'authctl.toml'),
      [
        '[idp]',
        'port = 0',
        'layout = "okta"',
        '',
        '[idp.clients.ci]',
        'secret = "ci-secret"',
        'grants = ["client_credentials", "password"]',
        '',
        '[idp.users.alice]',
        'password = "pw"',
        'roles = ["admin"]',
        '',
      ].join('\n'),
    );
    const served = await serve(['--json'], await seededHome(), dir);
    try {
      const url = served.info.issuer;
      const post = (body: Record<string, string>) =>
        fetch(`${url}/token`, { method: 'POST', body: new URLSearchParams(body) });
      expect(
        (await post({ grant_type: 'client_credentials', client_id: 'ci', client_secret: 'wrong' }))
          .status,
      ).toBe(401);
      const ok = (await (
        await post({
          grant_type: 'password',
          username: 'alice',
          password: 'pw',
          client_id: 'ci',
          client_secret: 'ci-secret',
          scope: 'a b',
        })
      ).json()) as { access_token: string };
      const claims = JSON.parse(
        Buffer.from(ok.access_token.split('.')[1]!, 'base64url').toString(),
      );
      expect(claims).toMatchObject({ sub: 'alice', groups: ['admin'], scp: ['a', 'b'], cid: 'ci' });
    } finally {
      served.child.kill('SIGTERM');
      await served.exited;
    }
  });

  it('rejects an unknown [idp] key with the file and a hint (exit 2)', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'authctl.toml'), '[idp]\nprot = 9400\n');
    const result = await runCli(['idp', 'serve'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/authctl\.toml/);
    expect(result.stderr).toMatch(/prot/);
  });

  it('rejects an issuer_url that is not an http(s) URL, or has a query (exit 2)', async () => {
    for (const value of ['host.docker.internal:9400', 'http://idp.test:9400/#x']) {
      const dir = tempDir();
      writeFileSync(path.join(dir, 'authctl.toml'), `[idp]\nport = 0\nissuer_url = "${value}"\n`);
      const result = await runCli(['idp', 'serve'], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /idp\.issuer_url: must be an http\(s\) URL without query or fragment/,
      );
    }
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, runCli, tempDir } from '../helpers/cli.js';

interface Served {
  child: ChildProcess;
  info: { listen: string; issuer: string; port: number };
  stderr: () => string;
}

let served: Served | undefined;
afterEach(async () => {
  if (served && served.child.exitCode === null) {
    const exited = new Promise((resolve) => served!.child.once('exit', resolve));
    served.child.kill('SIGTERM');
    await exited;
  }
  served = undefined;
});

/** `idp serve --json` with stderr captured (the control token is printed there). */
async function serve(args: string[], env: Record<string, string> = {}): Promise<Served> {
  const dir = tempDir('authctl-control-token-');
  const child = spawn(
    process.execPath,
    [BIN, 'idp', 'serve', '--port', '0', '--json', '--no-log', ...args],
    {
      cwd: dir,
      env: {
        ...process.env,
        AUTHCTL_HOME: path.join(dir, '.authctl'),
        AUTHCTL_CONTROL_TOKEN: undefined,
        NO_COLOR: '1',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`idp serve exited with ${code}: ${stderr}`)));
  });
  return { child, info: JSON.parse(line), stderr: () => stderr };
}

const state = (listen: string, token?: string) =>
  fetch(`${listen}/_authctl/state`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('security: off loopback, the control API needs a control token', () => {
  it('generates one at start (printed once on stderr, never on stdout), and refuses control requests without it', async () => {
    served = await serve(['--host', '0.0.0.0']);
    const token = /control token[^\n]*\n([A-Za-z0-9_-]{43})\n/.exec(served.stderr())?.[1];
    expect(token, served.stderr()).toBeDefined();
    expect(JSON.stringify(served.info)).not.toContain(token!);
    const none = await state(served.info.listen);
    expect([none.status, none.headers.get('www-authenticate')]).toEqual([
      401,
      'Bearer realm="authctl-control"',
    ]);
    expect((await state(served.info.listen, `${token}x`)).status).toBe(401);
    expect((await state(served.info.listen, token)).status).toBe(200);
    for (const [method, p] of [
      ['POST', '/rotate'],
      ['POST', '/fault'],
      ['POST', '/clock'],
      ['POST', '/clients'],
      ['DELETE', '/requests'],
    ]) {
      const refused = await fetch(`${served.info.listen}/_authctl${p}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: method === 'POST' ? '{"jwks":"503","advance":"1h","id":"x","secret":"s"}' : undefined,
      });
      expect([p, refused.status]).toEqual([p, 401]);
    }
    // The issuer itself needs no token; the refused requests changed nothing.
    expect((await fetch(`${served.info.listen}/jwks`)).status).toBe(200);
    expect(
      (
        (await (await state(served.info.listen, token)).json()) as {
          clock: { offsetSeconds: number };
        }
      ).clock.offsetSeconds,
    ).toBe(0);
    expect(served.stderr().split(token!).length - 1).toBe(1);

    // The CLI verbs send it from AUTHCTL_CONTROL_TOKEN or --control-token, and say what is missing.
    const missing = await runCli(['idp', 'state', '--url', served.info.listen], {
      env: { AUTHCTL_CONTROL_TOKEN: undefined },
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/requires a control token[\s\S]*AUTHCTL_CONTROL_TOKEN/);
    expect(
      (
        await runCli(['idp', 'state', '--url', served.info.listen], {
          env: { AUTHCTL_CONTROL_TOKEN: token },
        })
      ).code,
    ).toBe(0);
    expect(
      (
        await runCli([
          'idp',
          'clock',
          '--advance',
          '1h',
          '--url',
          served.info.listen,
          '--control-token',
          token!,
        ])
      ).code,
    ).toBe(0);
    const wrong = await runCli([
      'idp',
      'state',
      '--url',
      served.info.listen,
      '--control-token',
      'nope',
    ]);
    expect([wrong.code, /refused the control token/.test(wrong.stderr)]).toEqual([2, true]);
    expect(wrong.stderr).not.toContain(token!);
  });

  it('uses AUTHCTL_CONTROL_TOKEN when given (and does not print it)', async () => {
    const given = 'given-control-token-0123456789abcdef';
    served = await serve(['--host', '0.0.0.0'], { AUTHCTL_CONTROL_TOKEN: given });
    expect(served.stderr()).not.toContain(given);
    expect((await state(served.info.listen)).status).toBe(401);
    expect((await state(served.info.listen, given)).status).toBe(200);
  });

  it('keeps the loopback issuer as it was: no token needed, none printed', async () => {
    served = await serve([]);
    expect(served.stderr()).not.toMatch(/control token/);
    expect((await state(served.info.listen)).status).toBe(200);
  });
});

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli, tempDir } from '../helpers/cli.js';

/** Issue #11: `idp serve --ready-file` / `idp wait --ready-file`, and an issuer that outlived `npx ... & kill $!`. */

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A directory with an `authctl` on PATH that runs this checkout's binary, as an installed one would. */
function shimPath(dir: string): string {
  const bin = path.join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    path.join(bin, 'authctl'),
    `#!/bin/sh\nexec ${quote(process.execPath)} ${quote(BIN)} "$@"\n`,
    { mode: 0o755 },
  );
  return `${bin}${path.delimiter}${process.env.PATH}`;
}

/** Resolves once `url` refuses connections (the issuer is gone); rejects if it still answers after `ms`. */
async function gone(url: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} still answers after ${ms} ms`);
}

async function readyFile(
  file: string,
  ms = 15_000,
): Promise<{ issuer: string; port: number; discovery: string }> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${file} was not written within ${ms} ms`);
}

const exited = (child: ChildProcess) =>
  new Promise((resolve) =>
    child.exitCode !== null || child.signalCode !== null
      ? resolve(undefined)
      : child.once('exit', resolve),
  );

describe('idp serve --ready-file and idp wait --ready-file', () => {
  it('the example in `idp serve --help` works as written (it used to race `> idp.json &` against jq)', async () => {
    const dir = tempDir('authctl-ready-');
    const help = (await runCli(['idp', 'serve', '--help'])).stdout;
    const example = help
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line.includes('&') && line.includes('idp wait'));
    expect(example).toBe(
      'authctl idp serve --port 0 --ready-file idp.json & authctl idp wait --ready-file idp.json',
    );
    const script = `${example}\ncode=$?\nkill $!\nwait\nexit $code`;
    const run = spawnSync('sh', ['-c', script], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: shimPath(dir),
        AUTHCTL_HOME: path.join(dir, 'home'),
        NO_COLOR: '1',
      },
      timeout: 30_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/issuer http:\/\/127\.0\.0\.1:\d+ answered after/);
    // Stopped cleanly: the ready file is removed so a later wait cannot trust a dead issuer.
    expect(existsSync(path.join(dir, 'idp.json'))).toBe(false);
  });

  it('the ready file is the --json ready line, written once listening; a stale one from a killed run is replaced', async () => {
    const dir = tempDir('authctl-ready-');
    const file = path.join(dir, 'idp.json');
    writeFileSync(file, JSON.stringify({ issuer: 'http://127.0.0.1:1' }));
    const child = spawn(
      process.execPath,
      [BIN, 'idp', 'serve', '--port', '0', '--json', '--no-log', '--ready-file', 'idp.json'],
      {
        cwd: dir,
        env: { ...process.env, AUTHCTL_HOME: path.join(dir, 'home') },
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    try {
      const waited = await runCli(['idp', 'wait', '--ready-file', 'idp.json', '--json'], {
        cwd: dir,
      });
      expect(waited.code, waited.stderr).toBe(0);
      const ready = JSON.parse(readFileSync(file, 'utf8'));
      expect(JSON.parse(waited.stdout).issuer).toBe(ready.issuer);
      let line = '';
      for await (const chunk of child.stdout!) if ((line += chunk).includes('\n')) break;
      expect(ready).toEqual(JSON.parse(line));
      const discovery = await (await fetch(ready.discovery)).json();
      expect(discovery.issuer).toBe(ready.issuer);
    } finally {
      child.kill('SIGTERM');
      await exited(child);
    }
    expect(existsSync(file)).toBe(false);
  });

  it('idp wait errors name its own argument and flags, not a serve flag', async () => {
    const bad = await runCli(['idp', 'wait', 'ftp://example.com']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'authctl: error: "ftp://example.com" is not an http(s) URL (URL)\n  hint: e.g. authctl idp wait http://127.0.0.1:9400\n',
    );
    const both = await runCli(['idp', 'wait', 'http://127.0.0.1:9400', '--ready-file', 'idp.json']);
    expect(both.code).toBe(2);
    expect(both.stderr.split('\n')[0]).toBe(
      'authctl: error: give either an issuer URL or --ready-file, not both (--ready-file)',
    );
    const missing = await runCli([
      'idp',
      'wait',
      '--ready-file',
      path.join(tempDir(), 'never.json'),
      '--timeout',
      '300ms',
    ]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(
      /never\.json is not written yet\) \(.*never\.json\)\n {2}hint: is `authctl idp serve --ready-file` running with the same file\?/,
    );
  });
});

describe('the issuer stops when npm, which started it, dies (npx authctl idp serve & kill $!)', () => {
  /**
   * npm exec runs a bin as `sh -c 'authctl' ...`: SIGKILL of npm leaves that shell waiting on the issuer,
   * SIGTERM kills the shell but not the issuer. This launcher plays npm: a real process with npm's
   * environment that starts the issuer through `sh -c` (the trailing `; :` keeps sh from exec-ing).
   */
  function npmLike(dir: string): ChildProcess {
    const serve = `${quote(process.execPath)} ${quote(BIN)} idp serve --port 0 --no-log --ready-file idp.json; :`;
    const launcher = `const { spawn } = require('node:child_process'); spawn('sh', ['-c', ${JSON.stringify(serve)}], { stdio: 'ignore' }); setInterval(() => {}, 1000);`;
    return spawn(process.execPath, ['-e', launcher], {
      cwd: dir,
      stdio: 'ignore',
      env: {
        ...process.env,
        AUTHCTL_HOME: path.join(dir, 'home'),
        npm_lifecycle_event: 'npx',
        npm_command: 'exec',
      },
    });
  }

  it('SIGKILL of the npm process (its sh -c wrapper survives)', async () => {
    const dir = tempDir('authctl-parent-');
    const launcher = npmLike(dir);
    try {
      const ready = await readyFile(path.join(dir, 'idp.json'));
      expect((await fetch(ready.discovery)).ok).toBe(true);
      launcher.kill('SIGKILL');
      await gone(ready.discovery);
    } finally {
      launcher.kill('SIGKILL');
    }
  });

  it('SIGKILL of the intermediate shell, its direct parent', async () => {
    const dir = tempDir('authctl-parent-');
    const launcher = npmLike(dir);
    try {
      const ready = await readyFile(path.join(dir, 'idp.json'));
      const shells = spawnSync('pgrep', ['-P', String(launcher.pid), 'sh'], { encoding: 'utf8' })
        .stdout.trim()
        .split('\n')
        .filter(Boolean);
      expect(shells).toHaveLength(1);
      process.kill(Number(shells[0]), 'SIGKILL');
      await gone(ready.discovery);
    } finally {
      launcher.kill('SIGKILL');
    }
  });

  const npx = spawnSync('npx', ['--version'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!npx).each(['SIGTERM', 'SIGKILL'] as const)(
    'the real `npx authctl idp serve`, npx killed with %s',
    async (signal) => {
      // A project with authctl installed (this checkout, linked), as after `npm install authctl`.
      const dir = tempDir('authctl-npx-');
      writeFileSync(
        path.join(dir, 'package.json'),
        JSON.stringify({
          name: 'npx-project',
          version: '1.0.0',
          private: true,
          dependencies: { authctl: '*' },
        }),
      );
      mkdirSync(path.join(dir, 'node_modules', '.bin'), { recursive: true });
      symlinkSync(ROOT, path.join(dir, 'node_modules', 'authctl'));
      symlinkSync('../authctl/bin/authctl.cjs', path.join(dir, 'node_modules', '.bin', 'authctl'));
      const child = spawn(
        'npx',
        [
          '--offline',
          'authctl',
          'idp',
          'serve',
          '--port',
          '0',
          '--no-log',
          '--ready-file',
          'idp.json',
        ],
        {
          cwd: dir,
          stdio: 'ignore',
          env: {
            ...process.env,
            AUTHCTL_HOME: path.join(dir, 'home'),
            npm_config_update_notifier: 'false',
            npm_lifecycle_event: undefined,
            npm_command: undefined,
          },
        },
      );
      try {
        const ready = await readyFile(path.join(dir, 'idp.json'), 30_000);
        expect((await fetch(ready.discovery)).ok).toBe(true);
        child.kill(signal);
        await gone(ready.discovery);
      } finally {
        child.kill('SIGKILL');
      }
    },
    60_000,
  );
});

import { describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BIN, runCli, tempDir } from '../helpers/cli.js';

const ESC = '\x1b[';

/** util-linux `script` gives the child a real pseudo-terminal; without it the pty cases cannot run. */
const hasScript = (() => {
  try {
    return execFileSync('script', ['--version'], { encoding: 'utf8' }).includes('util-linux');
  } catch {
    return false;
  }
})();

/** A config verify-config reports errors for: findings on stdout, the summary line on stderr. */
function badConfig(): string {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'x.toml'), '[token]\nissuer = "http://x"\nalg = "none"\n');
  return dir;
}

/** Runs a shell command line on a pseudo-terminal; resolves with what reached the terminal. */
function onPty(
  command: string,
  cwd: string,
  env: Record<string, string | undefined> = {},
): Promise<string> {
  const base = {
    ...process.env,
    NO_COLOR: undefined,
    FORCE_COLOR: undefined,
    AUTHCTL_DEBUG: undefined,
    ...env,
  };
  return new Promise((resolve, reject) => {
    execFile(
      'script',
      ['-qec', command, '/dev/null'],
      { cwd, env: base, timeout: 20_000 },
      (error, stdout) => {
        // verify-config exits 1 for findings; script passes it on (-e). Anything else is a broken run.
        if (error && error.code !== 1) reject(error);
        else resolve(stdout);
      },
    );
  });
}

const authctl = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)}`;

describe('colour is decided per stream', () => {
  it.skipIf(!hasScript)(
    'stdout redirected to a file gets no escapes while stderr on the terminal keeps colour',
    async () => {
      const cwd = badConfig();
      const terminal = await onPty(`${authctl} verify-config x.toml > report.txt`, cwd);
      const report = readFileSync(path.join(cwd, 'report.txt'), 'utf8');
      expect(report).toContain('config/invalid-value');
      expect(report).not.toContain(ESC);
      expect(terminal).toContain('2 errors');
      expect(terminal).toContain(ESC);
    },
  );

  it.skipIf(!hasScript)(
    'stderr redirected gets no escapes while the report on the terminal keeps colour',
    async () => {
      const cwd = badConfig();
      const terminal = await onPty(`${authctl} verify-config x.toml 2> status.txt`, cwd);
      const status = readFileSync(path.join(cwd, 'status.txt'), 'utf8');
      expect(status).toContain('2 errors');
      expect(status).not.toContain(ESC);
      expect(terminal).toContain('config/invalid-value');
      expect(terminal).toContain(ESC);
    },
  );

  it.skipIf(!hasScript)(
    'FORCE_COLOR=0 turns colour off on a terminal (and NO_COLOR still does)',
    async () => {
      const cwd = badConfig();
      for (const env of [{ FORCE_COLOR: '0' }, { FORCE_COLOR: 'false' }, { NO_COLOR: '1' }]) {
        const terminal = await onPty(`${authctl} verify-config x.toml`, cwd, env);
        expect(terminal, JSON.stringify(env)).toContain('config/invalid-value');
        expect(terminal, JSON.stringify(env)).not.toContain(ESC);
      }
    },
  );

  it('on pipes FORCE_COLOR=1 turns colour on for both streams and FORCE_COLOR=0 leaves it off', async () => {
    const cwd = badConfig();
    const forced = await runCli(['verify-config', 'x.toml'], {
      cwd,
      env: { NO_COLOR: undefined, FORCE_COLOR: '1' },
    });
    expect(forced.code).toBe(1);
    expect(forced.stdout).toContain(ESC);
    expect(forced.stderr).toContain(ESC);
    const off = await runCli(['verify-config', 'x.toml'], {
      cwd,
      env: { NO_COLOR: undefined, FORCE_COLOR: '0' },
    });
    expect(off.code).toBe(1);
    expect(off.stdout + off.stderr).not.toContain(ESC);
    const plain = await runCli(['verify-config', 'x.toml'], {
      cwd,
      env: { NO_COLOR: undefined, FORCE_COLOR: undefined },
    });
    expect(plain.stdout + plain.stderr).not.toContain(ESC);
  });
});

// Progress on stderr for slow work, only on a terminal: a 4096-bit RSA key takes long enough for the
// spinner to draw, run in-process with stderr claiming to be a TTY, and not at all when it is not.
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CliContext, type GlobalOptions } from '../../src/cli/context.js';
import { run } from '../../src/cli/main.js';
import { tempDir } from '../helpers/cli.js';

(globalThis as Record<string, unknown>).__AUTHCTL_VERSION__ = '0.0.0-test';

async function runWithStderr(args: string[], tty: boolean, quiet = false) {
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: tty });
  let err = '';
  stdout.resume();
  stderr.on('data', (c) => (err += c));
  const globals: GlobalOptions = { json: false, quiet, verbose: false, color: false };
  const dir = tempDir('authctl-progress-');
  const ctx = new CliContext(
    globals,
    { stdout, stderr, stdin: Readable.from([]) },
    { NO_COLOR: '1' },
    dir,
  );
  const code = await run(ctx, ['--home', dir, ...args]);
  return { code, stderr: err };
}

describe('progress for RSA key generation', () => {
  it('draws a spinner with the elapsed time on a terminal, then erases its line', async () => {
    // 8192 bits takes seconds; 4096 is enough for several 100 ms frames on any machine this runs on.
    let result = await runWithStderr(['keys', 'rotate', '--bits', '4096'], true);
    for (let i = 0; i < 5 && !result.stderr.includes('generating'); i++)
      result = await runWithStderr(['keys', 'rotate', '--bits', '4096'], true);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /\r\x1b\[2K {2}[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] generating a 4096-bit RS256 key \d+\.\ds/,
    );
    expect(result.stderr).toMatch(/\r\x1b\[2K(?!.*generating)/s);
  }, 120_000);

  it('prints nothing of it when stderr is not a terminal', async () => {
    const result = await runWithStderr(['keys', 'rotate', '--bits', '4096'], false);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('generating');
    expect(result.stderr).not.toContain('\x1b[2K');
  }, 120_000);
});

import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

interface ErrorDocument {
  error: { code: string; message: string; hint?: string };
}

/** Runs authctl and parses stdout as the one JSON document --json promises. */
async function jsonRun(
  args: string[],
  cwd = tempDir(),
): Promise<{ code: number; doc: ErrorDocument; stderr: string }> {
  const result = await runCli(args, { cwd });
  expect(result.stdout.trim(), `stdout of authctl ${args.join(' ')}`).not.toBe('');
  return {
    code: result.code,
    doc: JSON.parse(result.stdout) as ErrorDocument,
    stderr: result.stderr,
  };
}

describe('--json error contract', () => {
  it('usage errors from the parser print {"error":{code,message,hint}} on stdout with exit 2', async () => {
    const command = await jsonRun(['tokn', '--json']);
    expect(command.code).toBe(2);
    expect(command.doc.error).toEqual({
      code: 'ERR_UNKNOWN_COMMAND',
      message: "unknown command 'tokn'",
      hint: 'Did you mean token?',
    });
    // The human line stays on stderr, as without --json.
    expect(command.stderr).toBe(
      "authctl: error: unknown command 'tokn'\n  hint: Did you mean token?\n",
    );

    const flag = await jsonRun(['token', 'mint', '--sbu', 'x', '--json']);
    expect(flag.code).toBe(2);
    expect(flag.doc.error).toEqual({
      code: 'ERR_UNKNOWN_OPTION',
      message: "unknown option '--sbu'",
      hint: 'Did you mean --sub?',
    });

    const missingValue = await jsonRun(['token', 'mint', '--json', '--sub']);
    expect(missingValue.code).toBe(2);
    expect(missingValue.doc.error.code).toBe('ERR_OPTION_MISSING_ARGUMENT');
    expect(missingValue.doc.error.message).toContain('--sub');
    expect(missingValue.doc.error.hint).toBe('run with --help to see the usage');
  });

  it('the paths main.ts answers itself (help <typo>, a group without subcommand) follow the same contract', async () => {
    const help = await jsonRun(['help', 'tokn', '--json']);
    expect(help.code).toBe(2);
    expect(help.doc.error).toEqual({
      code: 'ERR_UNKNOWN_COMMAND',
      message: "unknown command 'tokn'",
      hint: 'Did you mean token?',
    });

    const group = await jsonRun(['token', '--json']);
    expect(group.code).toBe(2);
    expect(group.doc.error.code).toBe('ERR_SUBCOMMAND_REQUIRED');
    expect(group.doc.error.message).toBe('a subcommand is required');
  });

  it('runtime errors keep their document and exit code; without --json stdout stays empty', async () => {
    const missing = await jsonRun(['--config', 'nope.toml', 'token', 'mint', '--json']);
    expect(missing.code).toBe(2);
    expect(missing.doc.error.code).toMatch(/^ERR_/);
    expect(missing.doc.error.message).toContain('nope.toml');

    const plain = await runCli(['token', 'mint', '--sbu', 'x'], { cwd: tempDir() });
    expect(plain.code).toBe(2);
    expect(plain.stdout).toBe('');
  });

  it('a secret quoted back by the parser is masked in the JSON document too', async () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl';
    const result = await jsonRun(['token', 'mint', `--tok=${token}`, '--json']);
    expect(result.code).toBe(2);
    expect(JSON.stringify(result.doc)).not.toContain(token);
    expect(result.stderr).not.toContain(token);
  });
});

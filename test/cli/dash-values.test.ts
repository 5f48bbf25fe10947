// A value that begins with '-' (a base64url kid, a subject, a negative number) reaches its option
// whole (src/cli/dash-values.ts), though commander parses the root's global flags (-v, -q) first.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { joinDashValues } from '../../src/cli/dash-values.js';
import { runCli, tempDir } from '../helpers/cli.js';

describe('values that begin with "-"', () => {
  const program = new Command('t').option('-v, --verbose').option('-q, --quiet');
  program
    .command('mint')
    .option('--kid <kid>')
    .option('-s, --sub <sub>')
    .option('--json')
    .option('--pretty [style]');

  it.each([
    [
      ['mint', '--kid', '-v0bD'],
      ['mint', '--kid=-v0bD'],
    ],
    [
      ['mint', '-s', '-q1'],
      ['mint', '-s-q1'],
    ],
    // A following option is a missing value, not the value.
    [
      ['mint', '--kid', '--json'],
      ['mint', '--kid', '--json'],
    ],
    [
      ['mint', '--kid', '-v'],
      ['mint', '--kid', '-v'],
    ],
    // An optional value is taken only with '='; after '--' everything is an operand.
    [
      ['mint', '--pretty', '-x'],
      ['mint', '--pretty', '-x'],
    ],
    [
      ['mint', '--', '--kid', '-v0bD'],
      ['mint', '--', '--kid', '-v0bD'],
    ],
    [
      ['mint', '--kid=-v0bD'],
      ['mint', '--kid=-v0bD'],
    ],
  ])('%j → %j', (args, joined) => {
    expect(joinDashValues(program, args)).toEqual(joined);
  });

  it('the CLI keeps a kid that begins with "-v" whole, and a subject that begins with "-"', async () => {
    const cwd = tempDir('authctl-dash-');
    const kid = await runCli(['keys', 'export', '--kid', '-v0bDl_EJEehEdGC8LE8hbw'], { cwd });
    expect(kid.code).toBe(2);
    expect(kid.stderr).toContain('no key with kid "-v0bDl_EJEehEdGC8LE8hbw"');
    const minted = await runCli(['token', 'mint', '--sub', '-alice', '--json'], { cwd });
    expect(minted.code).toBe(0);
    expect(JSON.parse(minted.stdout).claims.sub).toBe('-alice');
  });
});

import { describe, expect, it } from 'vitest';
import { verifyConfigVerb } from '../../src/cli/verify-config.js';
import { parseVerb } from '../helpers/parse.js';

// Argument -> Options for verify-config, in-process.
describe('verify-config: arguments to options', () => {
  it('files, target, env files, --online timeout', async () => {
    expect(
      await parseVerb(verifyConfigVerb, [
        'a.toml',
        'b.json',
        '--target',
        'staging',
        '--env-file',
        '.env',
        '--env-file',
        '.env.prod',
        '--online',
        '--timeout',
        '2s',
        '--strict',
      ]),
    ).toMatchObject({
      files: ['a.toml', 'b.json'],
      target: 'staging',
      envFiles: ['.env', '.env.prod'],
      online: { timeoutMs: 2000 },
      strict: true,
    });
    await expect(parseVerb(verifyConfigVerb, ['--timeout', '0s'])).rejects.toMatchObject({
      code: 'ERR_BAD_TIMEOUT',
    });
    await expect(parseVerb(verifyConfigVerb, ['--format', 'pdf'])).rejects.toMatchObject({
      code: 'commander.invalidArgument',
    });
  });
});

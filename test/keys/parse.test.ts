import { describe, expect, it } from 'vitest';
import { exportVerb } from '../../src/cli/keys-export.js';
import { importKey, list, rotate } from '../../src/cli/keys.js';
import { parseVerb } from '../helpers/parse.js';

// Argument -> Options for every keys verb, in-process (no authctl process per case).
describe('keys: arguments to options', () => {
  it('rotate: defaults, and every flag read into typed options', async () => {
    expect(await parseVerb(rotate)).toEqual({
      alg: 'RS256',
      graceSeconds: undefined,
      dropOld: false,
      stage: 'all',
      bits: undefined,
    });
    expect(
      await parseVerb(rotate, [
        '--alg',
        'ES256',
        '--grace',
        '10m',
        '--drop-old',
        '--stage',
        'publish',
        '--bits',
        '3072',
      ]),
    ).toEqual({ alg: 'ES256', graceSeconds: 600, dropOld: true, stage: 'publish', bits: 3072 });
  });

  it('rotate: bad values are usage errors naming the flag, before anything runs', async () => {
    await expect(parseVerb(rotate, ['--stage', 'later'])).rejects.toMatchObject({
      code: 'ERR_BAD_STAGE',
      kind: 'usage',
      where: '--stage',
    });
    await expect(parseVerb(rotate, ['--grace', '-5m'])).rejects.toMatchObject({
      kind: 'usage',
      where: '--grace',
    });
    await expect(parseVerb(rotate, ['--alg', 'RS1024'])).rejects.toMatchObject({ kind: 'usage' });
    await expect(parseVerb(rotate, ['--bits', '1024'])).rejects.toMatchObject({
      code: 'ERR_BAD_NUMBER',
    });
  });

  it('import: the file positional and --alg/--inactive', async () => {
    expect(await parseVerb(importKey, ['k.pem'])).toEqual({
      file: 'k.pem',
      alg: undefined,
      activate: true,
    });
    expect(await parseVerb(importKey, ['k.pem', '--alg', 'PS256', '--inactive'])).toEqual({
      file: 'k.pem',
      alg: 'PS256',
      activate: false,
    });
  });

  it('export and list', async () => {
    expect(await parseVerb(exportVerb, ['--kid', 'abc', '--pem'])).toEqual({
      kid: 'abc',
      pem: true,
      private: false,
    });
    expect(await parseVerb(list, ['--json'])).toEqual({});
  });
});

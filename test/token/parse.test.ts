import { describe, expect, it } from 'vitest';
import { decode, verify } from '../../src/cli/token-check.js';
import { crack } from '../../src/cli/token-crack.js';
import { mint, type MintOptions } from '../../src/cli/token-mint.js';
import { parseVerb } from '../helpers/parse.js';

// Argument -> Options for the token verbs, in-process (no authctl process per case).
describe('token: arguments to options', () => {
  it('mint: -o/--output is FILE; token|header|curl keep meaning the printed form (--as)', async () => {
    const plain = await parseVerb<MintOptions>(mint);
    expect(plain).toMatchObject({ form: 'token', outputFile: undefined });
    expect(await parseVerb<MintOptions>(mint, ['--as', 'header'])).toMatchObject({
      form: 'header',
    });
    expect(await parseVerb<MintOptions>(mint, ['-o', 'curl'])).toMatchObject({
      form: 'curl',
      outputFile: undefined,
    });
    expect(await parseVerb<MintOptions>(mint, ['-o', 'token.txt', '--as', 'header'])).toMatchObject(
      { form: 'header', outputFile: 'token.txt' },
    );
    // --as json is --json (as in sign and presign); --output json stays a file named json.
    expect(await parseVerb<MintOptions>(mint, ['--as', 'json'])).toMatchObject({ form: 'json' });
    expect(await parseVerb<MintOptions>(mint, ['-o', 'json'])).toMatchObject({
      form: 'token',
      outputFile: 'json',
    });
    await expect(parseVerb(mint, ['--as', 'cookie'])).rejects.toMatchObject({
      code: 'ERR_BAD_OUTPUT',
      where: '--as',
    });
  });

  it('mint: claims, headers, times and defects are checked at parse time, naming the flag', async () => {
    const opts = await parseVerb<MintOptions>(mint, [
      '--sub',
      'alice',
      '--aud',
      'a',
      '--aud',
      'b',
      '--claim',
      '/org/id=42',
      '--header',
      'typ=at+jwt',
      '--defect',
      'expired',
      '--skew',
      '90s',
      '--nbf',
      '1700000000',
    ]);
    expect(opts.overrides).toMatchObject({
      subject: 'alice',
      audience: ['a', 'b'],
      header: { typ: 'at+jwt' },
    });
    expect(opts.skewSeconds).toBe(90);
    expect(opts.notBefore).toBe(1700000000);
    expect(opts.defect).toHaveLength(1);
    await expect(parseVerb(mint, ['--skew', '90s'])).rejects.toMatchObject({ where: '--skew' });
    await expect(
      parseVerb(mint, ['--jku-url', 'ftp://x', '--defect', 'jku']),
    ).rejects.toMatchObject({ code: 'ERR_BAD_URL', where: '--jku-url' });
    await expect(parseVerb(mint, ['--header', 'typ'])).rejects.toMatchObject({
      code: 'ERR_BAD_PAIR',
    });
    await expect(parseVerb(mint, ['--secret-encoding', 'rot13'])).rejects.toMatchObject({
      code: 'ERR_SECRET_ENCODING',
    });
    await expect(parseVerb(mint, ['--tenant-claim', ''])).rejects.toMatchObject({
      kind: 'usage',
    });
  });

  it('verify: one key source, algorithms split on commas, leeway never negative', async () => {
    expect(
      await parseVerb(verify, ['tok', '--alg', 'RS256,ES256', '--alg', 'PS256', '--leeway', '1m']),
    ).toMatchObject({ token: 'tok', algorithms: ['RS256', 'ES256', 'PS256'], leewaySeconds: 60 });
    await expect(
      parseVerb(verify, ['tok', '--jwks', 'k.json', '--secret', 'x']),
    ).rejects.toMatchObject({ code: 'ERR_KEY_SOURCES', where: '--secret' });
    await expect(parseVerb(verify, ['--leeway', '-1s'])).rejects.toMatchObject({
      code: 'ERR_BAD_DURATION',
    });
  });

  it('decode and crack read the token positional (stdin when absent, read at run time)', async () => {
    expect(await parseVerb(decode, ['abc'])).toEqual({ token: 'abc' });
    expect(await parseVerb(decode)).toEqual({ token: undefined });
    expect(await parseVerb(crack, ['-', '--wordlist', 'w.txt'])).toEqual({
      token: '-',
      wordlist: 'w.txt',
    });
  });
});

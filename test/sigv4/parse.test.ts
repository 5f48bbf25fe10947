import { describe, expect, it } from 'vitest';
import { signVerb } from '../../src/cli/sigv4-sign.js';
import { parseVerb } from '../helpers/parse.js';

const sign = signVerb('sign', 'sign');
const presign = signVerb('presign', 'presign');
const URL = 'https://examplebucket.s3.amazonaws.com/test.txt';

// Argument -> Options for sign/presign, in-process.
describe('sigv4 sign/presign: arguments to options', () => {
  it('method and URL positionals; -H parsed; --expires in seconds', async () => {
    expect(
      await parseVerb(sign, ['PUT', URL, '-H', 'Content-Type: text/plain', '--expires', '15m']),
    ).toMatchObject({
      method: 'PUT',
      url: URL,
      headers: [['Content-Type', 'text/plain']],
      expires: 900,
      form: 'headers',
    });
    expect(await parseVerb(sign, [URL])).toMatchObject({ method: undefined, url: URL });
    await expect(parseVerb(sign, [URL, '-H', 'no-colon'])).rejects.toMatchObject({
      code: 'ERR_SIGV4_BAD_HEADER',
    });
    await expect(parseVerb(presign, [URL, '--expires', 'soon'])).rejects.toMatchObject({
      code: 'ERR_SIGV4_BAD_EXPIRES',
    });
  });

  it('-o/--output is FILE (the response body with --send); old form values mean --as', async () => {
    expect(await parseVerb(sign, [URL, '-o', 'signed.txt'])).toMatchObject({
      outputFile: 'signed.txt',
      bodyFile: undefined,
    });
    expect(await parseVerb(sign, [URL, '--send', '-o', 'body.bin'])).toMatchObject({
      outputFile: undefined,
      bodyFile: 'body.bin',
    });
    expect(await parseVerb(sign, [URL, '--send', '--out-file', 'body.bin'])).toMatchObject({
      bodyFile: 'body.bin',
    });
    expect(await parseVerb(sign, [URL, '--output', 'curl'])).toMatchObject({
      form: 'curl',
      outputFile: undefined,
    });
    expect(await parseVerb(presign, [URL, '--as', 'curl'])).toMatchObject({ form: 'curl' });
    await expect(parseVerb(presign, [URL, '--as', 'headers'])).rejects.toMatchObject({
      code: 'ERR_BAD_OUTPUT',
      where: '--as',
    });
  });
});

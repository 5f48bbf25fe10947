import { describe, expect, it } from 'vitest';
import { parseProbeOptions } from '../../src/cli/probe-options.js';

// `authctl probe`'s flags to options, in-process: every check runs before a spec is read.
describe('probe: flags to options', () => {
  it('reads and converts every flag', () => {
    expect(
      parseProbeOptions({
        flags: {
          spec: 'probe.toml',
          baseUrl: 'http://127.0.0.1:8080//',
          concurrency: 8,
          timeout: '2s',
          waitFor: 'http://127.0.0.1:8080/healthz',
          waitTimeout: '1m',
          format: 'github',
          strict: true,
        },
      }),
    ).toEqual({
      spec: 'probe.toml',
      baseUrl: 'http://127.0.0.1:8080',
      concurrency: 8,
      timeoutMs: 2000,
      waitFor: 'http://127.0.0.1:8080/healthz',
      waitTimeout: '1m',
      waitMs: 60_000,
      format: 'github',
      strict: true,
    });
    expect(parseProbeOptions({ flags: { json: true, format: 'github' } }).format).toBe('json');
    expect(parseProbeOptions({ flags: {} })).toMatchObject({ format: 'text', waitMs: undefined });
    // `human` is the old name of `text`.
    expect(parseProbeOptions({ flags: { format: 'human' } }).format).toBe('text');
    // --dry-run sends nothing, so it waits for nothing either.
    expect(
      parseProbeOptions({ flags: { waitFor: 'http://x', waitTimeout: 'never', dryRun: true } }),
    ).toMatchObject({ waitMs: undefined });
  });

  it('a bad value is a usage error naming its flag', () => {
    const bad = (flags: Parameters<typeof parseProbeOptions>[0]['flags']) => {
      try {
        parseProbeOptions({ flags });
      } catch (error) {
        return error;
      }
      throw new Error('accepted');
    };
    expect(bad({ format: 'xml' })).toMatchObject({ code: 'ERR_BAD_FORMAT', where: '--format' });
    expect(bad({ concurrency: 0 })).toMatchObject({
      code: 'ERR_BAD_NUMBER',
      where: '--concurrency',
    });
    expect(bad({ timeout: '0s' })).toMatchObject({ code: 'ERR_BAD_DURATION', where: '--timeout' });
    expect(bad({ baseUrl: 'ftp://x' })).toMatchObject({ code: 'ERR_BAD_URL', where: '--base-url' });
    expect(bad({ waitFor: 'http://x', waitTimeout: 'soon' })).toMatchObject({
      where: '--wait-timeout',
    });
  });
});

describe('probe: the spec as a positional', () => {
  it('is --spec, as commander reads `authctl probe FILE`; two different specs are refused', async () => {
    const { parseVerb } = await import('../helpers/parse.js');
    const { probeVerb } = await import('../../src/cli/probe.js');
    expect(await parseVerb(probeVerb, ['probe.toml'])).toMatchObject({ spec: 'probe.toml' });
    expect(await parseVerb(probeVerb, ['--spec', 'a.toml', 'a.toml'])).toMatchObject({
      spec: 'a.toml',
    });
    await expect(parseVerb(probeVerb, ['a.toml', '--spec', 'b.toml'])).rejects.toMatchObject({
      code: 'ERR_CONFLICTING_OPTION',
      where: '--spec',
    });
  });
});

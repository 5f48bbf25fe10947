import { describe, expect, it } from 'vitest';
import { demo } from '../../src/cli/demo.js';
import { init } from '../../src/cli/probe-init.js';
import { probeVerb } from '../../src/cli/probe.js';
import { parseVerb } from '../helpers/parse.js';

// Arguments -> Options, in-process, for the verbs that stream while they run (demo, probe) and
// probe init: commander parses as `authctl ...` would, nothing runs.
describe('demo: arguments to options', () => {
  it('--example defaults to datapress; --keep is a boolean', async () => {
    expect(await parseVerb(demo, [])).toEqual({ example: 'datapress', keep: false });
    expect(await parseVerb(demo, ['--example', 'k3', '--keep'])).toEqual({
      example: 'k3',
      keep: true,
    });
  });

  it('an unknown example is a usage error naming --example, with the closest one', async () => {
    await expect(parseVerb(demo, ['--example', 'recsis'])).rejects.toMatchObject({
      code: 'ERR_DEMO_EXAMPLE',
      where: '--example',
      hint: 'did you mean "recsys"?',
    });
  });
});

describe('probe: arguments to options', () => {
  it('reads every flag; --format offers the report formats, `human` still means text', async () => {
    expect(
      await parseVerb(probeVerb, [
        '--spec',
        'probe.toml',
        '--concurrency',
        '4',
        '--timeout',
        '2s',
        '--format',
        'html',
        '-o',
        'probe.html',
        '--no-progress',
      ]),
    ).toMatchObject({
      spec: 'probe.toml',
      concurrency: 4,
      timeoutMs: 2000,
      format: 'html',
      output: 'probe.html',
      progress: false,
    });
    expect(await parseVerb(probeVerb, [])).toMatchObject({ format: 'text' });
    expect(await parseVerb(probeVerb, ['--format', 'human'])).toMatchObject({ format: 'text' });
    expect(await parseVerb(probeVerb, ['--json'])).toMatchObject({ format: 'json' });
  });

  it('a bad value is a usage error naming its flag, before a spec is read', async () => {
    await expect(parseVerb(probeVerb, ['--format', 'xml'])).rejects.toMatchObject({
      code: 'commander.invalidArgument',
      message: expect.stringContaining('--format'),
    });
    await expect(parseVerb(probeVerb, ['--concurrency', 'many'])).rejects.toMatchObject({
      code: 'ERR_BAD_NUMBER',
      where: '--concurrency',
    });
    await expect(parseVerb(probeVerb, ['--base-url', 'ftp://x'])).rejects.toMatchObject({
      code: 'ERR_BAD_URL',
      where: '--base-url',
    });
  });
});

describe('probe init: arguments to options', () => {
  it('-o/--output is the draft file; --out is its old name', async () => {
    const base = ['--from-openapi', 'openapi.json'];
    expect(await parseVerb(init, [...base, '-o', 'probe.toml', '--force'])).toEqual({
      fromOpenapi: 'openapi.json',
      baseUrl: undefined,
      out: 'probe.toml',
      force: true,
    });
    expect(await parseVerb(init, [...base, '--out', 'probe.toml'])).toMatchObject({
      out: 'probe.toml',
    });
    await expect(
      parseVerb(init, [...base, '-o', 'a.toml', '--out', 'b.toml']),
    ).rejects.toMatchObject({ code: 'ERR_CONFLICTING_OPTION' });
    await expect(parseVerb(init, [])).rejects.toMatchObject({
      code: 'commander.missingMandatoryOptionValue',
    });
  });
});

import { describe, expect, it } from 'vitest';
import { demo } from '../../src/cli/demo.js';
import { serve } from '../../src/cli/idp.js';
import { init } from '../../src/cli/probe-init.js';
import { probeVerb } from '../../src/cli/probe.js';
import { parseVerb } from '../helpers/parse.js';

// Arguments -> Options, in-process, for the verbs that stream while they run (demo, probe, idp
// serve) and probe init: commander parses as `authctl ...` would, nothing runs.
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

describe('idp serve: arguments to options', () => {
  it('reads its flags; --no-control / --no-log default to on; --cors-origin repeats', async () => {
    expect(await parseVerb(serve, [])).toMatchObject({ port: undefined, control: true, log: true });
    expect(
      await parseVerb(serve, [
        '--port',
        '0',
        '--host',
        '0.0.0.0',
        '--issuer-url',
        'http://host.docker.internal:9400',
        '--cors-origin',
        'http://localhost:3000',
        '--cors-origin',
        'http://localhost:5173',
        '--no-control',
        '--no-log',
        '--ready-file',
        'idp.json',
      ]),
    ).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      issuerUrl: 'http://host.docker.internal:9400',
      corsOrigin: ['http://localhost:3000', 'http://localhost:5173'],
      control: false,
      log: false,
      readyFile: 'idp.json',
    });
  });

  it('a bad port or issuer URL is a usage error naming the flag, before anything listens', async () => {
    await expect(parseVerb(serve, ['--port', '70000'])).rejects.toMatchObject({
      code: 'ERR_BAD_PORT',
      where: '--port',
    });
    await expect(parseVerb(serve, ['--issuer-url', 'ftp://x'])).rejects.toMatchObject({
      code: 'ERR_BAD_URL',
      where: '--issuer-url',
    });
    await expect(parseVerb(serve, ['--issuer-url', 'http://x/?a=1'])).rejects.toMatchObject({
      code: 'ERR_BAD_URL',
    });
    expect(await parseVerb(serve, ['--store', 'redis://127.0.0.1:6379/0'])).toMatchObject({
      store: 'redis://127.0.0.1:6379/0',
    });
    await expect(parseVerb(serve, ['--store', 'ftp://x'])).rejects.toMatchObject({
      where: '--store',
    });
  });
});

import { describe, expect, it } from 'vitest';
import { claims, clientAdd, device, userAdd } from '../../src/cli/idp-control-add.js';
import { clock, fault, requests, rotate, state } from '../../src/cli/idp-control.js';
import { parseVerb } from '../helpers/parse.js';

// Argument -> Options for the issuer's control verbs, in-process (no authctl process per case).
describe('idp control verbs: arguments to options', () => {
  it('rotate: flags read into options; a bad stage or grace is a usage error naming the flag', async () => {
    expect(
      await parseVerb(rotate, [
        '--stage',
        'publish',
        '--grace',
        '10m',
        '--drop-old',
        '--url',
        'http://127.0.0.1:1',
      ]),
    ).toMatchObject({ stage: 'publish', grace: '10m', dropOld: true, url: 'http://127.0.0.1:1' });
    await expect(parseVerb(rotate, ['--stage', 'later'])).rejects.toMatchObject({
      code: 'ERR_BAD_STAGE',
      where: '--stage',
    });
    await expect(parseVerb(rotate, ['--grace', 'soon'])).rejects.toMatchObject({
      code: 'ERR_BAD_DURATION',
      where: '--grace',
    });
  });

  it('fault: `clear` or flags; any other action is refused', async () => {
    expect(await parseVerb(fault, ['clear'])).toMatchObject({ clear: true });
    expect(await parseVerb(fault, ['--jwks', '503', '--for', '30s'])).toMatchObject({
      clear: false,
      jwks: '503',
      for: '30s',
    });
    await expect(parseVerb(fault, ['start'])).rejects.toMatchObject({ code: 'ERR_BAD_ARGUMENT' });
  });

  it('fault: the flags are checked before the issuer is called (none runs: no --url answers here)', async () => {
    const url = ['--url', 'http://127.0.0.1:1'];
    await expect(parseVerb(fault, [...url, '--jwks', '404'])).rejects.toMatchObject({
      code: 'ERR_BAD_FAULT',
      field: 'jwks',
    });
    await expect(parseVerb(fault, [...url, '--token', '200'])).rejects.toMatchObject({
      code: 'ERR_BAD_FAULT',
      field: 'token',
    });
    await expect(parseVerb(fault, [...url, '--latency', 'slow'])).rejects.toMatchObject({
      code: 'ERR_BAD_DURATION',
    });
    await expect(parseVerb(fault, url)).rejects.toMatchObject({
      code: 'ERR_BAD_FAULT',
      message: 'no fault given',
    });
    expect(await parseVerb(fault, [...url, '--latency', '2s', '--for', '1m'])).toMatchObject({
      latency: '2s',
      for: '1m',
    });
  });

  it('clock, requests and state read their flags; --advance must be a duration', async () => {
    expect(await parseVerb(clock, ['--advance', '2h', '--freeze'])).toMatchObject({
      advance: '2h',
      freeze: true,
    });
    await expect(parseVerb(clock, ['--advance', 'later'])).rejects.toMatchObject({
      where: '--advance',
    });
    expect(await parseVerb(requests, ['--path', '/jwks', '--client', 'ci'])).toMatchObject({
      path: '/jwks',
      client: 'ci',
    });
    expect(await parseVerb(state, ['--control-token', 't0k'])).toMatchObject({
      controlToken: 't0k',
    });
  });

  it('client add and user add: the positional, repeatable flags and parsed claims', async () => {
    expect(
      await parseVerb(clientAdd, [
        'ci',
        '--secret',
        's3',
        '--grant',
        'a',
        '--grant',
        'b',
        '--claim',
        'org=42',
      ]),
    ).toMatchObject({ id: 'ci', secret: 's3', grant: ['a', 'b'], claims: { org: 42 } });
    await expect(parseVerb(clientAdd, ['ci'])).rejects.toMatchObject({
      code: 'ERR_MISSING_SECRET',
    });
    expect(
      await parseVerb(userAdd, ['alice', '--role', 'admin', '--role', 'viewer']),
    ).toMatchObject({
      name: 'alice',
      role: ['admin', 'viewer'],
    });
  });

  it('claims needs exactly one of --client/--user and a --claim (unless --clear)', async () => {
    expect(await parseVerb(claims, ['--user', 'alice', '--claim', '/org/id=7'])).toMatchObject({
      user: 'alice',
      claims: { '/org/id': 7 },
    });
    expect(await parseVerb(claims, ['--clear'])).toMatchObject({ clear: true });
    await expect(parseVerb(claims, ['--claim', 'a=1'])).rejects.toMatchObject({
      code: 'ERR_BAD_ARGUMENT',
    });
    await expect(parseVerb(claims, ['--client', 'ci'])).rejects.toMatchObject({
      where: '--claim',
    });
  });

  it('device: --outcome is required, --after defaults to 0', async () => {
    expect(await parseVerb(device, ['--outcome', 'approve'])).toMatchObject({
      outcome: 'approve',
      after: '0',
    });
    await expect(parseVerb(device, [])).rejects.toMatchObject({
      code: 'commander.missingMandatoryOptionValue',
    });
  });
});

describe('idp wait and doctor: arguments to options', () => {
  it('wait: the timeout in ms, the URL checked, URL and --ready-file exclusive', async () => {
    const { wait } = await import('../../src/cli/idp-check.js');
    expect(await parseVerb(wait, ['http://127.0.0.1:9400/t', '--timeout', '1m'])).toEqual({
      issuer: 'http://127.0.0.1:9400/t',
      readyFile: undefined,
      timeoutMs: 60_000,
    });
    expect(await parseVerb(wait)).toMatchObject({ issuer: undefined, timeoutMs: 30_000 });
    await expect(parseVerb(wait, ['ftp://x'])).rejects.toMatchObject({ code: 'ERR_BAD_URL' });
    await expect(parseVerb(wait, ['http://x', '--ready-file', 'f.json'])).rejects.toMatchObject({
      code: 'ERR_BAD_ARGUMENT',
      where: '--ready-file',
    });
  });

  it('doctor: every --from, in order', async () => {
    const { doctor } = await import('../../src/cli/idp-check.js');
    expect(await parseVerb(doctor, ['--from', 'http://a', '--from', 'http://b'])).toEqual({
      from: ['http://a', 'http://b'],
    });
  });
});

describe('idp serve: flags to options', () => {
  it('the port is a number 0-65535 and the issuer URL an http(s) URL without query, before anything binds', async () => {
    const { parseServeOptions } = await import('../../src/cli/idp-run.js');
    expect(
      parseServeOptions({ port: '0', issuerUrl: 'http://idp:9400/t', control: true, log: false }),
    ).toEqual({ port: 0, issuerUrl: 'http://idp:9400/t', control: true, log: false });
    expect(() => parseServeOptions({ port: '70000', control: true, log: true })).toThrow(
      expect.objectContaining({ code: 'ERR_BAD_PORT', where: '--port' }),
    );
    expect(() =>
      parseServeOptions({ issuerUrl: 'http://idp/?a=1', control: true, log: true }),
    ).toThrow(expect.objectContaining({ code: 'ERR_BAD_URL', where: '--issuer-url' }));
  });

  it('--tls-cert and --tls-key go together (checked before anything is read)', async () => {
    const { parseServeOptions } = await import('../../src/cli/idp-run.js');
    const base = { control: true, log: true };
    expect(parseServeOptions({ ...base, tlsCert: 'c.pem', tlsKey: 'k.pem' })).toMatchObject({
      tlsCert: 'c.pem',
      tlsKey: 'k.pem',
    });
    expect(parseServeOptions({ ...base, tls: true })).toMatchObject({ tls: true });
    expect(() => parseServeOptions({ ...base, tlsKey: 'k.pem' })).toThrow(
      expect.objectContaining({ code: 'ERR_TLS_FLAGS', where: '--tls-key' }),
    );
    expect(() => parseServeOptions({ ...base, tlsCert: 'c.pem' })).toThrow(
      expect.objectContaining({ code: 'ERR_TLS_FLAGS', where: '--tls-cert' }),
    );
  });

  it('wait and doctor take --ca FILE (read when they run)', async () => {
    const { doctor, wait } = await import('../../src/cli/idp-check.js');
    expect(await parseVerb(wait, ['https://127.0.0.1:9400', '--ca', 'ca.pem'])).toMatchObject({
      ca: 'ca.pem',
    });
    expect(await parseVerb(doctor, ['--ca', 'ca.pem'])).toEqual({ from: [], ca: 'ca.pem' });
  });
});

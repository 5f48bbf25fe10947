// `authctl init --profile datapress` end to end: the files it writes drive the shipped DataPress example
// against `authctl idp serve`, and its probe spec probes paths the example really serves (issue #11: the
// spec named /v1/tenants/acme/orders, which DataPress answers with 404).
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  authctl,
  parseJson,
  show,
  startIdp,
  startService,
  stopStarted,
  tempDir,
} from './helpers.js';

afterAll(async () => {
  await stopStarted();
});

describe('init --profile datapress', () => {
  it('its datapress.toml runs the example and its probe.toml passes against it', async () => {
    const dir = tempDir('authctl-e2e-init-');
    const idp = await startIdp(dir);
    const init = await authctl(
      [
        'init',
        '--yes',
        '--profile',
        'datapress',
        '--issuer',
        idp.issuer,
        '--audience',
        'api://datapress',
      ],
      { home: dir },
    );
    expect(init.code, show(init)).toBe(0);
    const service = await startService('datapress', {
      args: ['--config', path.join(dir, 'datapress.toml')],
    });
    const probe = await authctl(
      ['probe', '--spec', 'probe.toml', '--base-url', service.url, '--no-progress', '--json'],
      { home: dir },
    );
    expect(probe.code, show(probe)).toBe(0);
    const report = parseJson(probe);
    expect(report.findings).toEqual([]);
    // Every endpoint of the spec exists on the service: no case came back 404 (path variants such as
    // /API/DATASETS may, and should: they are other paths).
    const plain = report.cases.filter(
      (c: { case: string; status?: number }) => !c.case.includes('/') && c.status !== undefined,
    );
    expect(plain.length).toBeGreaterThan(10);
    expect(
      plain
        .filter((c: { status: number }) => c.status === 404)
        .map((c: { endpoint: string; case: string }) => `${c.endpoint} ${c.case}`),
    ).toEqual([]);
  }, 90_000);
});

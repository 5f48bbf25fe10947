import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { probeHarness, type ProbeReportJson } from './fixtures/harness.js';
import { replayCurl } from './fixtures/replay.js';
import { minimalSpec, writeSpec } from './fixtures/spec.js';

const h = probeHarness();
const statusOf = (stdout: string) => /^HTTP\/1\.1 (\d{3}) /.exec(stdout)?.[1];

describe('probe reproduction commands', () => {
  it('the curl of a finding names the keystore it minted with: run from another directory without AUTHCTL_HOME, it gets the same status', async () => {
    const s = await h.orders(['trust-org-header']);
    const { code, report } = await h.probe(minimalSpec(s.url));
    expect(code).toBe(1);
    const finding = report.findings.find((f) => f.check === 'tenant:spoofed-header')!;
    const elsewhere = tempDir('authctl-replay-');
    const replay = await replayCurl(finding.curl!, { AUTHCTL_HOME: '' }, elsewhere);
    expect(statusOf(replay.stdout)).toBe(finding.got);
    expect(finding.curl).toContain(`authctl --home ${h.home} token mint`);
  });

  it('with --config, the curl names the config too (its home = ... keystore), and reproduces from any directory', async () => {
    const s = await h.orders(['ignore-exp']);
    const project = tempDir('authctl-project-');
    const config = path.join(project, 'authctl.toml');
    // The keystore is found through the config's home, not through AUTHCTL_HOME.
    writeFileSync(config, `home = ${JSON.stringify(h.home)}\n`);
    writeSpec(project, minimalSpec(s.url));
    const result = await runCli(['--config', config, 'probe', '--json', '--no-skew'], {
      cwd: project,
      env: { AUTHCTL_HOME: '' },
      timeoutMs: 90_000,
    });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as ProbeReportJson;
    const finding = report.findings.find((f) => f.check === 'jwt:expired')!;
    expect(finding.curl).toContain(`--config ${config}`);
    const replay = await replayCurl(
      finding.curl!,
      { AUTHCTL_HOME: '' },
      tempDir('authctl-replay-'),
    );
    expect(statusOf(replay.stdout)).toBe(finding.got);
    expect(finding.got).toMatch(/^2\d\d$/);
  });
});

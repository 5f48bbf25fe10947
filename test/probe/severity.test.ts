import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { probeHarness } from './fixtures/harness.js';
import { minimalSpec, writeSpec } from './fixtures/spec.js';

const h = probeHarness();

/** The minimal spec with a top-level [severity] table placed before the endpoints. */
const withPolicy = (url: string, policy: string, extra = '') =>
  minimalSpec(url, extra).replace('[[endpoints]]', `${policy}\n\n[[endpoints]]`);

describe('probe severity policy', () => {
  it('a top-level [severity] lowers a finding on every endpoint: the service that accepts expired tokens passes with warnings', async () => {
    const s = await h.orders(['ignore-exp']);
    const plain = await h.probe(minimalSpec(s.url));
    expect(plain.code).toBe(1);
    const expired = plain.report.findings.filter((f) => f.check === 'jwt:expired');
    expect(expired.map((f) => f.severity)).toEqual(['critical', 'critical']);

    const lowered = await h.probe(withPolicy(s.url, '[severity]\n"jwt:expired" = "warning"'));
    expect(lowered.code).toBe(0);
    expect(
      lowered.report.findings.filter((f) => f.check === 'jwt:expired').map((f) => f.severity),
    ).toEqual(['warning', 'warning']);
    // Warnings still fail with --strict.
    expect(
      (await h.probe(withPolicy(s.url, '[severity]\n"jwt:expired" = "warning"'), ['--strict']))
        .code,
    ).toBe(1);
  });

  it('an endpoint table overrides the top level, and "off" drops the finding there only', async () => {
    const s = await h.orders(['ignore-exp']);
    const spec = withPolicy(s.url, '[severity]\n"jwt" = "error"').replace(
      'allow = ["admin"]\ndeny = ["reader"]',
      'allow = ["admin"]\ndeny = ["reader"]\nseverity = { "jwt:expired" = "off" }',
    );
    const { code, report } = await h.probe(spec);
    expect(code).toBe(1);
    const expired = report.findings.filter((f) => f.check === 'jwt:expired');
    // DELETE's exact "off" beats the top-level family entry "jwt"; GET keeps its finding, as the family says: error.
    expect(expired.map((f) => [f.endpoint, f.severity])).toEqual([
      ['GET /v1/tenants/acme/orders', 'error'],
    ]);
    // The case still ran on DELETE and is listed as failed.
    expect(
      report.cases.find(
        (c) => c.endpoint === 'DELETE /v1/tenants/acme/orders/42' && c.case === 'jwt:expired',
      )?.passed,
    ).toBe(false);
  });

  it('a rule key raises hygiene warnings to errors (a 404 for a 403 fails the run without --strict)', async () => {
    const s = await h.orders(['404-instead-of-403']);
    expect((await h.probe(minimalSpec(s.url))).code).toBe(0);
    const { code, report } = await h.probe(
      withPolicy(s.url, '[severity]\n"probe/hidden-as-404" = "error"'),
    );
    expect(code).toBe(1);
    expect(
      new Set(
        report.findings.filter((f) => f.rule === 'probe/hidden-as-404').map((f) => f.severity),
      ),
    ).toEqual(new Set(['error']));
    // A more specific key (the case) beats the rule.
    const mixed = await h.probe(
      withPolicy(
        s.url,
        '[severity]\n"probe/hidden-as-404" = "error"\n"tenant" = "warning"\n"deny" = "warning"\n"scope:missing" = "off"',
      ),
    );
    expect(mixed.code).toBe(0);
    expect(mixed.report.findings.some((f) => f.check === 'scope:missing')).toBe(false);
  });

  it('an unknown finding id exits 2 at its line with a did-you-mean; a bad value names the key and the choices', async () => {
    const dir = tempDir();
    writeSpec(dir, withPolicy('http://127.0.0.1:9', '[severity]\n"jwt:no-epx" = "error"'));
    const typo = await runCli(['probe'], { cwd: dir, env: { AUTHCTL_HOME: dir } });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(
      /authctl: error: severity: no finding "jwt:no-epx" \(.*probe\.toml:\d+:\d+\)/,
    );
    expect(typo.stderr).toMatch(/hint: did you mean "jwt:no-exp"\?/);
    const line = Number(/probe\.toml:(\d+)/.exec(typo.stderr)![1]);
    expect(
      withPolicy('http://127.0.0.1:9', '[severity]\n"jwt:no-epx" = "error"').split('\n')[line - 1],
    ).toContain('jwt:no-epx');

    writeSpec(dir, withPolicy('http://127.0.0.1:9', '[severity]\n"jwt:no-exp" = "fatal"'));
    const value = await runCli(['probe'], { cwd: dir, env: { AUTHCTL_HOME: dir } });
    expect(value.code).toBe(2);
    expect(value.stderr).toMatch(
      /severity\.jwt:no-exp: must be one of critical, error, warning, off/,
    );
    expect(value.stderr).not.toMatch(/\n\s+at /);

    writeSpec(
      dir,
      minimalSpec('http://127.0.0.1:9').replace(
        'deny = ["reader"]',
        'deny = ["reader"]\nseverity = { "deny:raeder" = "off" }',
      ),
    );
    const cred = await runCli(['probe'], { cwd: dir, env: { AUTHCTL_HOME: dir } });
    expect(cred.code).toBe(2);
    expect(cred.stderr).toMatch(/endpoints\[2\]\.severity: no finding "deny:raeder"/);
    expect(cred.stderr).toMatch(/did you mean "deny:reader"\?/);
  });
});

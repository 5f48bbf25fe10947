import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { probeHarness } from './fixtures/harness.js';
import { AUDIENCE, ISSUER, minimalSpec, writeSpec } from './fixtures/spec.js';

const h = probeHarness();
/** The minimal spec with reader revoked through the service's own POST /v1/logout. */
const revokeSpec = (url: string, extra = '') =>
  minimalSpec(url).replace(
    'roles = ["viewer"]\n',
    `roles = ["viewer"]\nrevoke = { path = "/v1/logout" }\n${extra}`,
  );
const revokedCase = (report: {
  cases: Array<{ case: string; passed?: boolean; status?: number; ms?: number; endpoint: string }>;
}) => report.cases.find((c) => c.case === 'revoked:reader');

/** A spec whose caller is a real token from an env var, with a revoked one next to it. */
const envSpec = (url: string) => `base_url = "${url}"

[credentials.ci]
type = "env"
env = "CI_TOKEN"
revoked_env = "CI_REVOKED_TOKEN"

[[endpoints]]
path = "/v1/tenants/acme/orders"
tenant = "acme"
allow = ["ci"]
`;

describe('probe revocation', () => {
  it('a service that revokes through its own endpoint refuses the token on the next request (401), and the controls still pass after', async () => {
    const s = await h.orders();
    const { code, report } = await h.probe(revokeSpec(s.url), ['--strict']);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    expect(revokedCase(report)).toMatchObject({
      endpoint: 'GET /v1/tenants/acme/orders',
      passed: true,
      status: 401,
    });
    // The human table places the revocation case in a column (it once had none and the renderer threw).
    const dir = tempDir('authctl-probe-');
    writeSpec(dir, revokeSpec(s.url));
    const human = await runCli(['probe', '--no-skew'], {
      cwd: dir,
      env: { AUTHCTL_HOME: h.home },
      timeoutMs: 90_000,
    });
    expect(human.stderr).toBe('');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^PASS: /m);
  });

  it('flags a logout that does not revoke as critical, with the time it kept accepting', async () => {
    const s = await h.orders(['ignore-revocation']);
    const { code, report } = await h.probe(revokeSpec(s.url));
    expect(code).toBe(1);
    const bad = report.findings.filter((f) => f.severity !== 'warning');
    expect(bad.map((f) => [f.case, f.severity, f.rule])).toEqual([
      ['revoked:reader', 'critical', 'probe/accepts-invalid-credential'],
    ]);
    expect(bad[0]!.message).toMatch(
      /revoked token of "reader" still accepted [\d.]+s after POST \/v1\/logout answered 204, past the next request/,
    );
    expect(bad[0]!.curl).not.toMatch(/Bearer eyJ[\w-]{20,}\.[\w-]{20,}/);
  });

  it('revoke_within is the stated bound: a revocation cached for 1.5 s passes within 3s and is reported past 0s', async () => {
    const s = await h.orders(['slow-revocation']);
    const ok = await h.probe(revokeSpec(s.url, 'revoke_within = "3s"\n'));
    expect(ok.code).toBe(0);
    const c = revokedCase(ok.report)!;
    expect(c.passed).toBe(true);
    expect(c.ms).toBeGreaterThanOrEqual(1000);
    const strict = await h.probe(revokeSpec(s.url));
    expect(strict.code).toBe(1);
    expect(strict.report.findings.map((f) => f.case)).toContain('revoked:reader');
  });

  it('revoked_env: a token revoked ahead of the run must get 401 (case jwt:revoked), judged right both ways', async () => {
    for (const [flaws, expected] of [
      [[], 0],
      [['ignore-revocation'], 1],
    ] as const) {
      const s = await h.orders([...flaws]);
      const mint = async () =>
        (
          await runCli(
            [
              'token',
              'mint',
              '--sub',
              'ci',
              '--aud',
              AUDIENCE,
              '--iss',
              ISSUER,
              '--tenant',
              'acme',
              '--tenant-claim',
              '/tid',
              '--role',
              'admin',
            ],
            { env: { AUTHCTL_HOME: h.home } },
          )
        ).stdout.trim();
      const [valid, revoked] = [await mint(), await mint()];
      const logout = await fetch(`${s.url}/v1/logout`, {
        method: 'POST',
        headers: { authorization: `Bearer ${revoked}` },
      });
      expect(logout.status).toBe(204);
      const { code, report, stdout } = await h.probe(envSpec(s.url), [], {
        CI_TOKEN: valid,
        CI_REVOKED_TOKEN: revoked,
      });
      expect(code).toBe(expected);
      expect(report.cases.find((c) => c.case === 'jwt:revoked')?.passed).toBe(expected === 0);
      if (expected)
        expect(report.findings.filter((f) => f.severity === 'critical').map((f) => f.case)).toEqual(
          ['jwt:revoked'],
        );
      expect(stdout).not.toContain(revoked);
    }
  });
});

import { createServer } from 'node:net';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/core/keys/keystore.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { replayCurl } from './fixtures/replay.js';
import {
  startJwksServer,
  startOrdersService,
  type Flaw,
  type RunningService,
} from './fixtures/orders-service.js';
import { AUDIENCE, ISSUER, SCOPED_ENDPOINT, minimalSpec, writeSpec } from './fixtures/spec.js';

interface Finding {
  check: string;
  rule: string;
  severity: string;
  case: string;
  endpoint: string;
  curl?: string;
  fix: string;
}
interface Report {
  status: string;
  exitCode: number;
  findings: Finding[];
  skew?: { toleratedSeconds: number; atLeast: boolean };
  skews?: Array<{
    endpoint: string;
    toleratedSeconds: number;
    atLeast: boolean;
    requests: number;
    confirmedFrom?: string;
  }>;
  summary: { checks: number; requests: number };
  cases: Array<{ case: string; passed?: boolean; status?: number }>;
}

let home: string;
let jwks: RunningService;
const running: RunningService[] = [];

beforeAll(async () => {
  home = tempDir('authctl-probe-home-');
  const keystore = new Keystore({ dir: home });
  await keystore.signingKey('RS256');
  jwks = await startJwksServer(() => keystore.jwks());
});

afterAll(async () => {
  await Promise.all([...running, jwks].map((s) => s.close()));
});

async function service(
  flaws: Flaw[] = [],
  extra: {
    clockToleranceSeconds?: number;
    invoicesClockToleranceSeconds?: number;
    audience?: string;
    port?: number;
  } = {},
): Promise<RunningService> {
  const s = await startOrdersService({
    jwksUrl: jwks.url,
    issuer: ISSUER,
    audience: extra.audience ?? AUDIENCE,
    flaws,
    clockToleranceSeconds: extra.clockToleranceSeconds,
    invoicesClockToleranceSeconds: extra.invoicesClockToleranceSeconds,
    port: extra.port,
  });
  running.push(s);
  return s;
}

/** The spec file of the last probe() call, to run the same spec again in another format. */
let lastSpec: string | undefined;

async function probe(
  url: string,
  args: string[] = [],
): Promise<{ code: number; report: Report; stderr: string }> {
  const dir = tempDir('authctl-probe-');
  lastSpec = writeSpec(dir, minimalSpec(url, SCOPED_ENDPOINT));
  const result = await runCli(['probe', '--json', ...args], {
    cwd: dir,
    env: { AUTHCTL_HOME: home },
    timeoutMs: 60_000,
  });
  let report: Report;
  try {
    report = JSON.parse(result.stdout) as Report;
  } catch {
    throw new Error(`no JSON on stdout (exit ${result.code}): ${result.stderr}`);
  }
  return { code: result.code, report, stderr: result.stderr };
}

function freePort(): Promise<number> {
  const server = createServer();
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    }),
  );
}

const failing = (report: Report, severities = ['critical', 'error']) =>
  [
    ...new Set(report.findings.filter((f) => severities.includes(f.severity)).map((f) => f.check)),
  ].sort();

describe('authctl probe against fixture services', () => {
  it('passes the correct service with --strict (no finding at all) and measures its 30 s leeway', async () => {
    const s = await service();
    const { code, report } = await probe(s.url, ['--strict']);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    expect(report.status).toBe('ok');
    expect(report.summary.checks).toBeGreaterThan(80);
    // Every generated negative case ran and held.
    for (const id of [
      'no-credentials',
      'jwt:alg-none',
      'jwt:jku',
      'jwt:hs-confusion',
      'tenant:spoofed-header',
      'tenant:other-path',
      'scope:missing',
      'deny:reader',
      'deny:reader/upper-case',
    ]) {
      expect(
        report.cases.some((c) => c.case === id && c.passed === true),
        id,
      ).toBe(true);
    }
    expect(report.skew?.atLeast).toBe(false);
    expect(report.skew!.toleratedSeconds).toBeGreaterThanOrEqual(28);
    expect(report.skew!.toleratedSeconds).toBeLessThanOrEqual(31);
  });

  it('measures the clock skew of each endpoint: a router with its own, larger leeway is named', async () => {
    const s = await service([], { invoicesClockToleranceSeconds: 400 });
    const { report } = await probe(s.url);
    const skews = new Map(report.skews!.map((k) => [k.endpoint, k]));
    expect([...skews.keys()].sort()).toEqual([
      'DELETE /v1/tenants/acme/orders/42',
      'GET /v1/tenants/acme/invoices',
      'GET /v1/tenants/acme/orders',
    ]);
    expect(skews.get('GET /v1/tenants/acme/orders')!.toleratedSeconds).toBeLessThanOrEqual(31);
    expect(skews.get('GET /v1/tenants/acme/invoices')!.toleratedSeconds).toBeGreaterThanOrEqual(
      398,
    );
    // The first endpoint is bisected (about 11 requests); the others try its answer first: the
    // orders router shares its verifier, so it confirms it (2 requests, 3 when the answer was a
    // second off: exp is in whole seconds).
    const first = report.skews![0]!;
    expect(first.requests).toBeGreaterThanOrEqual(10);
    const sharing = report
      .skews!.slice(1)
      .filter((skew) => Math.abs(skew.toleratedSeconds - first.toleratedSeconds) <= 1);
    // At least DELETE /orders/42, which shares the orders router's verifier.
    expect(sharing.length).toBeGreaterThan(0);
    for (const skew of sharing) expect(skew.requests, skew.endpoint).toBeLessThan(10);
    // The invoices router has its own leeway: bisected, so it confirms nothing.
    expect(
      report.skews!.find((k) => k.endpoint.includes('invoices'))!.confirmedFrom,
    ).toBeUndefined();
    // Only the lax router is reported, once, under its own endpoint.
    const found = report.findings.filter((f) => f.rule === 'probe/clock-skew');
    expect(found.map((f) => f.endpoint)).toEqual(['GET /v1/tenants/acme/invoices']);
    const text = await runCli(['probe', '--no-color'], {
      cwd: path.dirname(lastSpec!),
      env: { AUTHCTL_HOME: home },
    });
    expect(text.stdout).toMatch(
      /clock skew: GET \/v1\/tenants\/acme\/invoices accepts tokens up to (39\d|4\d\d)s past exp/,
    );
    expect(text.stdout).toMatch(
      /clock skew: GET \/v1\/tenants\/acme\/orders accepts tokens up to [23]\ds past exp/,
    );
  });

  const planted: Array<[Flaw, string[]]> = [
    ['alg-none', ['jwt:alg-none', 'jwt:alg-none-case']],
    ['ignore-exp', ['jwt:expired']],
    ['trust-org-header', ['tenant:spoofed-header']],
    ['hs-confusion', ['jwt:hs-confusion']],
    ['upper-case-bypass', ['variant:upper-case']],
    ['trust-jku', ['jwt:jku']],
    ['no-tenant-check', ['tenant:other', 'tenant:other-path', 'tenant:spoofed-header']],
  ];
  for (const [flaw, checks] of planted) {
    it(`flags exactly the planted flaw: ${flaw}`, async () => {
      const s = await service([flaw]);
      const { code, report } = await probe(s.url);
      expect(code).toBe(1);
      expect(failing(report)).toEqual(checks);
      for (const f of report.findings.filter((x) => x.severity === 'critical')) {
        expect(f.curl).toMatch(/^curl /);
        expect(f.fix.length).toBeGreaterThan(20);
      }
      if (flaw === 'trust-org-header') {
        // The redacted curl command mints its token again, so it reproduces the finding as printed.
        const curl = report.findings.find((f) => f.severity === 'critical')!.curl!;
        expect(curl).toMatch(
          /"Authorization: Bearer \$\(authctl --home \S+ token mint .* --defect wrong-tenant:acme-other\)"/,
        );
        const replay = await replayCurl(curl, { AUTHCTL_HOME: home });
        expect(replay.stdout).toMatch(/^HTTP\/1\.1 2\d\d /);
      }
      if (flaw === 'trust-jku') {
        // The probe's own loopback JWKS was fetched: reported on its own, as a warning.
        expect(
          report.findings.some((f) => f.rule === 'probe/jku-fetched' && f.severity === 'warning'),
        ).toBe(true);
      }
      if (flaw === 'ignore-exp') {
        expect(report.skew?.atLeast).toBe(true);
        expect(
          report.findings.some((f) => f.rule === 'probe/clock-skew' && f.severity === 'warning'),
        ).toBe(true);
      }
    });
  }

  it('reports 404 instead of 403 as warnings only (exit 0), failing with --strict', async () => {
    const s = await service(['404-instead-of-403']);
    const { code, report } = await probe(s.url, ['--no-skew']);
    expect(failing(report)).toEqual([]);
    expect(code).toBe(0);
    const hidden = report.findings
      .filter((f) => f.rule === 'probe/hidden-as-404')
      .map((f) => f.check);
    expect(new Set(hidden)).toEqual(
      new Set([
        'tenant:other',
        'tenant:spoofed-header',
        'tenant:missing-claim',
        'deny',
        'scope:missing',
      ]),
    );
    const strict = await probe(s.url, ['--no-skew', '--strict']);
    expect(strict.code).toBe(1);
  });

  it('reports a request that gets no answer within --timeout as an error, not an outage', async () => {
    const s = await service(['hang-on-unsigned']);
    // 3 s, not a few hundred ms: on a loaded CI machine an ordinary answer (the service verifies with
    // jose, fetching its JWKS) must never be mistaken for a hang; only the planted cases never answer.
    const { code, report } = await probe(s.url, ['--timeout', '3s', '--no-skew']);
    expect(code).toBe(1);
    const timeouts = report.findings.filter((f) => f.rule === 'probe/timeout');
    expect(new Set(timeouts.map((f) => f.check))).toEqual(
      new Set(['jwt:alg-none', 'jwt:alg-none-case', 'jwt:null-signature']),
    );
    expect(failing(report)).toEqual(['jwt:alg-none', 'jwt:alg-none-case', 'jwt:null-signature']);
  });

  it('stops with exit 3 when a valid credential does not get in (control failed)', async () => {
    const s = await service([], { audience: 'api://something-else' });
    const { code, report } = await probe(s.url);
    expect(code).toBe(3);
    expect(report.status).toBe('control-failed');
    expect(report.findings).toEqual([]);
    // The negative cases are listed, not run, so CI test history keeps every test name.
    const negatives = report.cases.filter((c) => c.case === 'jwt:alg-none');
    expect(negatives.length).toBeGreaterThan(2);
    expect(negatives.every((c) => c.passed === undefined && c.status === undefined)).toBe(true);
    const dir = tempDir('authctl-probe-');
    writeSpec(dir, minimalSpec(s.url));
    const human = await runCli(['probe'], { cwd: dir, env: { AUTHCTL_HOME: home } });
    expect(human.code).toBe(3);
    expect(human.stderr).toMatch(
      /authctl: error: control failed: a valid credential did not get in \(before the negative cases\)/,
    );
    expect(human.stderr).toMatch(
      /GET \/v1\/tenants\/acme\/orders refused "reader", "admin": expected 2xx\/3xx, got 401/,
    );
    expect(human.stderr).toMatch(/hint: the spec, the service or the clock is wrong/);
  });

  it('uses a real token from an env var: forgeries always, claim defects because its kid is in the keystore', async () => {
    const s = await service(['ignore-exp']);
    const minted = await runCli(
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
      { env: { AUTHCTL_HOME: home } },
    );
    expect(minted.code).toBe(0);
    const dir = tempDir('authctl-probe-');
    writeSpec(
      dir,
      `base_url = "${s.url}"\n\n[credentials.ci]\ntype = "env"\nenv = "CI_TOKEN"\n\n[[endpoints]]\npath = "/v1/tenants/acme/orders"\ntenant = "acme"\nallow = ["ci"]\n`,
    );
    const result = await runCli(['probe', '--json', '--no-skew'], {
      cwd: dir,
      env: { AUTHCTL_HOME: home, CI_TOKEN: minted.stdout.trim() },
    });
    const report = JSON.parse(result.stdout) as Report;
    expect(result.code).toBe(1);
    expect(failing(report)).toEqual(['jwt:expired']);
    expect(result.stdout).not.toContain(minted.stdout.trim());
  });

  it('--wait-for waits for the service, and gives up with exit 3', async () => {
    const dir = tempDir('authctl-probe-');
    writeSpec(dir, minimalSpec('http://127.0.0.1:9'));
    const gaveUp = await runCli(
      ['probe', '--wait-for', 'http://127.0.0.1:9/healthz', '--wait-timeout', '1s'],
      { cwd: dir, env: { AUTHCTL_HOME: home } },
    );
    expect(gaveUp.code).toBe(3);
    expect(gaveUp.stderr).toMatch(/did not answer within 1s/);
    // The service comes up on a known port while the probe waits for it.
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const probing = runCli(
      ['probe', '--wait-for', `${url}/healthz`, '--base-url', url, '--no-skew', '--quiet'],
      { cwd: dir, env: { AUTHCTL_HOME: home } },
    );
    await new Promise((resolve) => setTimeout(resolve, 700));
    await service([], { port });
    const ok = await probing;
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
  });

  it('exits 3 when the service is unreachable', async () => {
    const dir = tempDir('authctl-probe-');
    writeSpec(dir, minimalSpec('http://127.0.0.1:9'));
    const result = await runCli(['probe', '--retries', '0'], {
      cwd: dir,
      env: { AUTHCTL_HOME: home },
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/service unreachable: .*ECONNREFUSED/);
    expect(result.stderr).toMatch(/hint: .*--wait-for/);
  });
});

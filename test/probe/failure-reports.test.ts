import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/core/keys/keystore.js';
import { freePort, runCli, tempDir } from '../helpers/cli.js';
import {
  startJwksServer,
  startOrdersService,
  type RunningService,
} from './fixtures/orders-service.js';
import { ISSUER, minimalSpec, writeSpec } from './fixtures/spec.js';
import { junitErrors, sarifErrors } from '../report/validate.js';

interface Sarif {
  runs: Array<{
    results: unknown[];
    invocations?: Array<{
      executionSuccessful: boolean;
      toolExecutionNotifications: Array<{
        level: string;
        message: { text: string };
        descriptor: { id: string };
      }>;
    }>;
  }>;
}

/** Runs a probe with both report files; returns the exit code, stderr and the two files' content. */
async function probeWithReports(dir: string, home: string, extra: string[] = []) {
  const result = await runCli(
    ['probe', '--no-skew', '--junit', 'probe.xml', '--sarif', 'probe.sarif', ...extra],
    { cwd: dir, env: { AUTHCTL_HOME: home } },
  );
  const junit = path.join(dir, 'probe.xml');
  const sarif = path.join(dir, 'probe.sarif');
  return {
    ...result,
    junit: existsSync(junit) ? readFileSync(junit, 'utf8') : undefined,
    sarif: existsSync(sarif) ? (JSON.parse(readFileSync(sarif, 'utf8')) as Sarif) : undefined,
  };
}

/** The one error test case a failed run's JUnit file holds. */
function errorCase(xml: string, tests = 1) {
  expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
  if (tests === 1)
    expect(xml).toMatch(/<testsuite name="authctl probe" tests="1" failures="0" errors="1" /);
  else
    expect(xml).toMatch(/<testsuite name="authctl probe" tests="\d+" failures="\d+" errors="1" /);
  const match =
    /<testcase classname="authctl probe" name="probe run" time="0">\n {6}<error type="([^"]+)" message="([^"]+)">([^<]*)<\/error>\n {4}<\/testcase>/.exec(
      xml,
    );
  expect(match, xml).not.toBeNull();
  return { type: match![1]!, message: match![2]!, body: match![3]! };
}

function notification(sarif: Sarif) {
  const run = sarif.runs[0]!;
  expect(run.results).toEqual([]);
  expect(run.invocations).toHaveLength(1);
  expect(run.invocations![0]!.executionSuccessful).toBe(false);
  expect(run.invocations![0]!.toolExecutionNotifications).toHaveLength(1);
  return run.invocations![0]!.toolExecutionNotifications[0]!;
}

describe('probe reports on exit 3', () => {
  it('an unreachable service still gets a JUnit error case and a SARIF notification naming the cause', async () => {
    const port = await freePort();
    const dir = tempDir('authctl-probe-');
    writeSpec(dir, minimalSpec(`http://127.0.0.1:${port}`));
    const run = await probeWithReports(dir, tempDir('authctl-probe-home-'));
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('service unreachable');
    expect(run.junit, 'probe.xml written').toBeDefined();
    const error = errorCase(run.junit!);
    expect(error.type).toBe('ERR_PROBE_UNREACHABLE');
    expect(error.message).toContain(`service unreachable: GET http://127.0.0.1:${port}/`);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.body).toContain('hint: start the service');
    expect(run.sarif, 'probe.sarif written').toBeDefined();
    const note = notification(run.sarif!);
    expect(note.level).toBe('error');
    expect(note.descriptor.id).toBe('ERR_PROBE_UNREACHABLE');
    expect(note.message.text).toContain('ECONNREFUSED');
  });

  it('--wait-for giving up writes them too', async () => {
    const port = await freePort();
    const dir = tempDir('authctl-probe-');
    writeSpec(dir, minimalSpec(`http://127.0.0.1:${port}`));
    const run = await probeWithReports(dir, tempDir('authctl-probe-home-'), [
      '--wait-for',
      `http://127.0.0.1:${port}/healthz`,
      '--wait-timeout',
      '1s',
    ]);
    expect(run.code).toBe(3);
    expect(errorCase(run.junit!).message).toContain('did not answer within 1s');
    expect(notification(run.sarif!).message.text).toContain('did not answer within 1s');
  });

  it('--format junit -o FILE, and sarif or markdown on stdout, carry the error too; the error line stays on stderr', async () => {
    const port = await freePort();
    const dir = tempDir('authctl-probe-');
    writeSpec(dir, minimalSpec(`http://127.0.0.1:${port}`));
    const probe = (args: string[]) =>
      runCli(['probe', '--no-skew', ...args], {
        cwd: dir,
        env: { AUTHCTL_HOME: tempDir('authctl-probe-home-') },
      });
    const toFile = await probe(['--format', 'junit', '-o', 'out.xml']);
    expect(toFile.code).toBe(3);
    expect(toFile.stdout).toBe('');
    expect(toFile.stderr).toMatch(
      /^authctl: error: service unreachable: .*\n  hint: .*\nwrote out.xml\n$/m,
    );
    const xml = readFileSync(path.join(dir, 'out.xml'), 'utf8');
    expect(errorCase(xml).type).toBe('ERR_PROBE_UNREACHABLE');
    expect(await junitErrors(xml)).toEqual([]);

    const sarif = await probe(['--format', 'sarif']);
    expect(sarif.code).toBe(3);
    expect(sarifErrors(sarif.stdout)).toEqual([]);
    expect(notification(JSON.parse(sarif.stdout) as Sarif).descriptor.id).toBe(
      'ERR_PROBE_UNREACHABLE',
    );
    expect(sarif.stderr).toContain('authctl: error: service unreachable');

    const markdown = await probe(['--format', 'markdown']);
    expect(markdown.code).toBe(3);
    expect(markdown.stdout).toMatch(/^## authctl probe: ⚠️ could not finish\n/);
    expect(markdown.stdout).toContain('> **ERR_PROBE_UNREACHABLE**: service unreachable');

    // A spec error after parsing: exit 2 as before, the report names it.
    writeSpec(
      dir,
      minimalSpec(`http://127.0.0.1:${port}`).replace('allow = ["admin"]', 'allow = ["admn"]'),
    );
    const spec = await probe(['--format', 'junit']);
    expect(spec.code).toBe(2);
    expect(errorCase(spec.stdout).type).toBe('ERR_PROBE_UNKNOWN_CREDENTIAL');
    // text and json end as any error does: nothing on stdout, or the one error document.
    expect((await probe([])).stdout).toBe('');
    expect(JSON.parse((await probe(['--json'])).stdout).error.code).toBe(
      'ERR_PROBE_UNKNOWN_CREDENTIAL',
    );
  });

  describe('a failed control', () => {
    let home: string;
    let jwks: RunningService;
    let wrongAudience: RunningService;
    beforeAll(async () => {
      home = tempDir('authctl-probe-home-');
      const keystore = new Keystore({ dir: home });
      await keystore.signingKey('RS256');
      jwks = await startJwksServer(() => keystore.jwks());
      // The service expects another audience than the spec's tokens carry: every valid credential gets 401.
      wrongAudience = await startOrdersService({
        jwksUrl: jwks.url,
        issuer: ISSUER,
        audience: 'api://something-else',
      });
    });
    afterAll(async () => {
      await Promise.all([wrongAudience, jwks].map((s) => s.close()));
    });

    it('writes the error case / notification with each endpoint and credential that did not get in', async () => {
      const dir = tempDir('authctl-probe-');
      writeSpec(dir, minimalSpec(wrongAudience.url));
      const run = await probeWithReports(dir, home);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('control failed');
      const error = errorCase(run.junit!, 0);
      expect(error.type).toBe('ERR_PROBE_CONTROL_FAILED');
      expect(error.message).toBe(
        'control failed: a valid credential did not get in (before the negative cases)',
      );
      // Once per endpoint, with the service's own reason (WWW-Authenticate) and the body's start.
      expect(error.body).toContain(
        'GET /v1/tenants/acme/orders refused &quot;reader&quot;, &quot;admin&quot;: expected 2xx/3xx, got 401\n  WWW-Authenticate: Bearer realm=&quot;orders&quot;, error=&quot;invalid_token&quot;\n  body: {&quot;error&quot;:&quot;unauthorized&quot;}',
      );
      expect(error.body.match(/GET \/v1\/tenants\/acme\/orders refused/g)).toHaveLength(1);
      // The same check names as a passing run: the refused controls fail.
      expect(run.junit).toContain(
        '<testcase classname="GET /v1/tenants/acme/orders" name="allow:reader" time="0">\n      <failure type="allow:reader" message="valid credential &quot;reader&quot; was refused">',
      );
      // ...and every negative case is there too, skipped, so no test vanishes from CI history.
      expect(run.junit).toContain(
        '<testcase classname="GET /v1/tenants/acme/orders" name="jwt:alg-none" time="0">\n      <skipped>not run: a control failed</skipped>',
      );
      expect(Number(/skipped="(\d+)"/.exec(run.junit!)![1])).toBeGreaterThan(50);
      expect(run.stderr).toContain(
        'WWW-Authenticate: Bearer realm="orders", error="invalid_token"',
      );
      expect(error.body).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+/); // the curl lines mint tokens, they never hold one
      const note = notification(run.sarif!);
      expect(note.descriptor.id).toBe('ERR_PROBE_CONTROL_FAILED');
      expect(note.message.text).toContain(
        'GET /v1/tenants/acme/orders refused "reader", "admin": expected 2xx/3xx, got 401',
      );
    });
  });
});

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/core/keys/keystore.js';
import { runCli, tempDir } from '../helpers/cli.js';
import {
  startJwksServer,
  startOrdersService,
  type RunningService,
} from './fixtures/orders-service.js';
import { AUDIENCE, ISSUER, minimalSpec, writeSpec } from './fixtures/spec.js';

let home: string;
let jwks: RunningService;
let vulnerable: RunningService;
let dir: string;

beforeAll(async () => {
  home = tempDir('authctl-probe-home-');
  const keystore = new Keystore({ dir: home });
  await keystore.signingKey('RS256');
  jwks = await startJwksServer(() => keystore.jwks());
  vulnerable = await startOrdersService({
    jwksUrl: jwks.url,
    issuer: ISSUER,
    audience: AUDIENCE,
    flaws: ['alg-none', '404-instead-of-403'],
  });
  dir = tempDir('authctl-probe-');
  writeSpec(dir, minimalSpec(vulnerable.url));
});

afterAll(async () => {
  await Promise.all([vulnerable, jwks].map((s) => s.close()));
});

const cli = (args: string[]) =>
  runCli(['probe', '--no-skew', ...args], { cwd: dir, env: { AUTHCTL_HOME: home } });

describe('probe reports', () => {
  it('prints the summary matrix and each finding with its fix and a curl command', async () => {
    const { code, stdout } = await cli([]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/endpoint\s+control\s+no\/bad auth\s+claims\s+forged\s+tenant/);
    expect(stdout).toMatch(/GET \/v1\/tenants\/acme\/orders\s+✓ 2\s+✓ 4\s+✓ 5\s+✗ 4\/14/);
    expect(stdout).toContain('CRITICAL');
    expect(stdout).toContain('fix: Never accept alg "none"');
    expect(stdout).toMatch(
      /curl -sS -i --path-as-is --globoff -H "Authorization: Bearer \$\(authctl --home \S+ token mint --iss http:\/\/127\.0\.0\.1:9400 --aud api:\/\/orders --sub alice .* --defect alg-none\)" http:\/\/127\.0\.0\.1:\d+\/v1\/tenants\/acme\/orders/,
    );
    expect(stdout).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]*/);
    expect(stdout).toMatch(/^FAIL: 3 endpoints, \d+ checks/m);
  });

  it('writes JUnit with one test case per endpoint × case, failing exactly the critical/error ones', async () => {
    const { code } = await cli(['--junit', 'probe.xml', '--quiet']);
    expect(code).toBe(1);
    const xml = readFileSync(path.join(dir, 'probe.xml'), 'utf8');
    const json = JSON.parse((await cli(['--json'])).stdout);
    const testcases = xml.match(/<testcase /g)!.length;
    const hidden = json.findings.filter(
      (f: { rule: string }) => f.rule === 'probe/hidden-as-404',
    ).length;
    // Every case is one test case; a case with a warning finding is reported as that finding (not twice).
    expect(testcases).toBe(json.cases.length);
    expect(xml.match(/<failure /g)!.length).toBe(json.findings.length - hidden);
    // Stable names: classname = the endpoint, name = the case, for passing and failing cases alike.
    expect(xml).toContain(
      '<testcase classname="GET /v1/tenants/acme/orders" name="jwt:alg-none" time="0">\n      <failure type="jwt:alg-none" message="token: alg-none: the service let it in (200)">',
    );
    expect(xml).toContain(
      '<testcase classname="GET /v1/tenants/acme/orders" name="no-credentials" time="0"/>',
    );
    expect(xml).not.toMatch(/message="[^"]*\n/);
  });

  it('writes SARIF with one rule per check, located at the endpoint in the spec', async () => {
    await cli(['--sarif', 'probe.sarif', '--quiet']);
    const sarif = JSON.parse(readFileSync(path.join(dir, 'probe.sarif'), 'utf8'));
    const rules = sarif.runs[0].tool.driver.rules.map((r: { id: string }) => r.id);
    expect(rules).toContain('jwt:alg-none');
    expect(rules).toContain('jwt:alg-none-case');
    expect(new Set(rules).size).toBe(rules.length);
    const result = sarif.runs[0].results.find(
      (r: { ruleId: string }) => r.ruleId === 'jwt:alg-none',
    );
    expect(result.level).toBe('error');
    expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe('probe.toml');
    expect(result.locations[0].physicalLocation.region.startLine).toBe(25);
  });

  it('prints GitHub annotations with --format github', async () => {
    const { stdout } = await cli(['--format', 'github']);
    const lines = stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.every((l) => /^::(error|warning) /.test(l))).toBe(true);
    expect(stdout).toMatch(
      /^::error file=probe.toml,line=25,title=jwt%3Aalg-none::CRITICAL: GET \/v1\/tenants\/acme\/orders: token: alg-none: the service let it in \(200\)%0Acase jwt:alg-none: expected 401, got 200%0Afix: /m,
    );
  });

  it('under $GITHUB_WORKSPACE from a working-directory, annotations and SARIF name the spec from the workspace root', async () => {
    const workspace = tempDir('authctl-probe-ws-');
    const step = path.join(workspace, 'services', 'orders');
    mkdirSync(step, { recursive: true });
    writeSpec(step, minimalSpec(vulnerable.url));
    const { code, stdout } = await runCli(
      ['probe', '--no-skew', '--format', 'github', '--sarif', 'probe.sarif'],
      { cwd: step, env: { AUTHCTL_HOME: home, GITHUB_WORKSPACE: workspace } },
    );
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /^::error file=services\/orders\/probe\.toml,line=25,title=jwt%3Aalg-none::/m,
    );
    expect(stdout).not.toMatch(/file=probe\.toml/);
    const run = JSON.parse(readFileSync(path.join(step, 'probe.sarif'), 'utf8')).runs[0];
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toBe(pathToFileURL(`${workspace}/`).href);
    const location = run.results[0].locations[0].physicalLocation.artifactLocation;
    expect(location).toEqual({ uri: 'services/orders/probe.toml', uriBaseId: '%SRCROOT%' });
  });

  it('accepts known findings from a baseline (exit 0) but still fails on new ones', async () => {
    const first = await cli(['--write-baseline', 'baseline.json', '--quiet']);
    expect(first.code).toBe(1);
    const ok = await cli(['--baseline', 'baseline.json', '--json']);
    expect(ok.code).toBe(0);
    const doc = JSON.parse(ok.stdout);
    // Not vacuous: the findings are still listed, each marked as accepted.
    expect(doc.findings.length).toBeGreaterThan(0);
    expect(doc.findings.every((f: { baselined?: boolean }) => f.baselined)).toBe(true);
    // Drop one accepted finding: it is new again.
    const baseline = JSON.parse(readFileSync(path.join(dir, 'baseline.json'), 'utf8'));
    baseline.findings = baseline.findings.filter(
      (f: { key: string }) => !f.key.includes('jwt:alg-none-case:NONE'),
    );
    writeFileSync(path.join(dir, 'partial.json'), JSON.stringify(baseline));
    const partial = await cli(['--baseline', 'partial.json', '--json']);
    expect(partial.code).toBe(1);
    const open = JSON.parse(partial.stdout).findings.filter(
      (f: { baselined?: boolean }) => !f.baselined,
    );
    expect(open.map((f: { case: string }) => f.case).sort()).toEqual([
      'jwt:alg-none-case:NONE',
      'jwt:alg-none-case:NONE',
    ]);
  });

  it('--dry-run prints every request with credentials masked and sends nothing', async () => {
    const spec = writeSpec(tempDir(), minimalSpec('http://127.0.0.1:9'));
    const { code, stdout } = await runCli(['probe', '--dry-run', '--spec', spec], {
      env: { AUTHCTL_HOME: home },
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\d+ requests to http:\/\/127.0.0.1:9/);
    expect(stdout).toContain('jwt:kid-injection:sql');
    expect(stdout).toContain('deny:reader/method-override');
    // No complete JWT anywhere.
    expect(stdout).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]*/);
    const json = JSON.parse(
      (
        await runCli(['probe', '--dry-run', '--json', '--spec', spec], {
          env: { AUTHCTL_HOME: home },
        })
      ).stdout,
    );
    expect(json.requests.length).toBeGreaterThan(60);
  });
});

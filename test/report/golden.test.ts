// Golden files for every report format of probe and verify-config, from real runs of the built CLI
// (a flawed service for the probe; a fixture config for verify-config), normalised only where a run
// must differ (ports, temp dirs, durations, Date headers). UPDATE_GOLDEN=1 rewrites them. Each SARIF
// and JUnit output is also validated against the official schemas.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/core/keys/keystore.js';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';
import {
  startJwksServer,
  startOrdersService,
  type RunningService,
} from '../probe/fixtures/orders-service.js';
import { AUDIENCE, ISSUER, minimalSpec, writeSpec } from '../probe/fixtures/spec.js';
import { junitErrors, sarifErrors } from './validate.js';

const GOLDEN = path.join(ROOT, 'test', 'fixtures', 'reports');

function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, actual);
  expect(actual, `${name} (UPDATE_GOLDEN=1 rewrites it)`).toBe(readFileSync(file, 'utf8'));
}

let home: string;
let dir: string;
let jwks: RunningService;
let service: RunningService;

/** What differs between two runs of the same probe, replaced by placeholders. */
function normalise(text: string): string {
  const port = new URL(service.url).port;
  return text
    .split(home)
    .join('$HOME')
    .split(dir)
    .join('$DIR')
    .replace(new RegExp(`127\\.0\\.0\\.1:${port}`, 'g'), '127.0.0.1:$PORT')
    .replace(/in \d+\.\d\ds\b/g, 'in 0.00s')
    .replace(/time="\d+\.\d+"/g, 'time="0.000"')
    .replace(/^date: .*\n/gim, '')
    .replace(/\\ndate: [^\\]*(?=\\n)/gi, '');
}

beforeAll(async () => {
  home = tempDir('authctl-golden-home-');
  const keystore = new Keystore({ dir: home });
  await keystore.signingKey('RS256');
  jwks = await startJwksServer(() => keystore.jwks());
  service = await startOrdersService({
    jwksUrl: jwks.url,
    issuer: ISSUER,
    audience: AUDIENCE,
    flaws: ['alg-none', '404-instead-of-403'],
  });
  dir = tempDir('authctl-golden-');
  const spec = minimalSpec(service.url).replace(
    'method = "GET"\npath = "/v1/tenants/acme/orders"',
    'method = "GET"\npath = "/v1/tenants/acme/orders"\nname = "list orders"',
  );
  writeSpec(dir, spec);
});

afterAll(async () => {
  await Promise.all([service, jwks].map((s) => s.close()));
});

const probe = (args: string[], env: Record<string, string> = {}) =>
  runCli(['probe', '--no-skew', ...args], { cwd: dir, env: { AUTHCTL_HOME: home, ...env } });

describe('probe report goldens', () => {
  it.each([80, 120])(
    'text at %i columns: the matrix fits, identical findings grouped',
    async (columns) => {
      const { code, stdout } = await probe([], { COLUMNS: String(columns) });
      expect(code).toBe(1);
      for (const line of stdout.split('\n').slice(0, 5))
        expect([...line].length, line).toBeLessThanOrEqual(columns);
      expect(stdout).toContain('(list orders)');
      expect(stdout).toMatch(/jwt:alg-none-case:None on 2 endpoints/);
      golden(`probe.text.${columns}.txt`, normalise(stdout));
    },
  );

  it.each(['github', 'markdown', 'sarif', 'junit', 'html'])('--format %s', async (format) => {
    const { code, stdout } = await probe(['--format', format]);
    expect(code).toBe(1);
    const text = normalise(stdout);
    if (format === 'sarif') expect(sarifErrors(stdout)).toEqual([]);
    if (format === 'junit') expect(await junitErrors(stdout)).toEqual([]);
    golden(
      `probe.${format === 'markdown' ? 'md' : format === 'github' ? 'github.txt' : format === 'sarif' ? 'sarif.json' : format === 'junit' ? 'junit.xml' : 'html'}`,
      text,
    );
  });

  it('--junit, --sarif and --html files hold the same reports, and the step summary gets the Markdown', async () => {
    const summary = path.join(dir, 'summary.md');
    writeFileSync(summary, '');
    await probe(['--junit', 'p.xml', '--sarif', 'p.sarif', '--html', 'p.html', '--quiet'], {
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(normalise(readFileSync(path.join(dir, 'p.xml'), 'utf8'))).toBe(
      readFileSync(path.join(GOLDEN, 'probe.junit.xml'), 'utf8'),
    );
    expect(normalise(readFileSync(path.join(dir, 'p.html'), 'utf8'))).toBe(
      readFileSync(path.join(GOLDEN, 'probe.html'), 'utf8'),
    );
    expect(sarifErrors(readFileSync(path.join(dir, 'p.sarif'), 'utf8'))).toEqual([]);
    expect(normalise(readFileSync(summary, 'utf8'))).toBe(
      readFileSync(path.join(GOLDEN, 'probe.md'), 'utf8'),
    );
  });

  it('the JUnit and SARIF of a run that could not finish are schema-valid too', async () => {
    const down = tempDir('authctl-golden-down-');
    writeSpec(down, minimalSpec('http://127.0.0.1:9'));
    const run = await runCli(['probe', '--no-skew', '--junit', 'p.xml', '--sarif', 'p.sarif'], {
      cwd: down,
      env: { AUTHCTL_HOME: home },
    });
    expect(run.code).toBe(3);
    expect(await junitErrors(readFileSync(path.join(down, 'p.xml'), 'utf8'))).toEqual([]);
    expect(sarifErrors(readFileSync(path.join(down, 'p.sarif'), 'utf8'))).toEqual([]);
  });

  it('a spec error after parsing (unknown credential) still writes the error case', async () => {
    const bad = tempDir('authctl-golden-bad-');
    writeSpec(bad, minimalSpec(service.url).replace('allow = ["admin"]', 'allow = ["admn"]'));
    const run = await runCli(['probe', '--junit', 'p.xml', '--sarif', 'p.sarif'], {
      cwd: bad,
      env: { AUTHCTL_HOME: home },
    });
    expect(run.code).toBe(2);
    const xml = readFileSync(path.join(bad, 'p.xml'), 'utf8');
    expect(xml).toContain('<error type="ERR_PROBE_UNKNOWN_CREDENTIAL"');
    expect(await junitErrors(xml)).toEqual([]);
    expect(sarifErrors(readFileSync(path.join(bad, 'p.sarif'), 'utf8'))).toEqual([]);
  });
});

describe('verify-config report goldens', () => {
  const fixture = path.join('test', 'fixtures', 'config', 'invalid', 'authctl');
  const files = ['alg-typo.toml', 'issuer-http.toml'];
  const verify = (args: string[], env: Record<string, string> = {}) =>
    runCli(['verify-config', ...files, ...args], { cwd: path.join(ROOT, fixture), env });

  it.each(['text', 'github', 'markdown', 'sarif', 'junit'])('--format %s', async (format) => {
    const { code, stdout } = await verify(['--format', format], { GITHUB_WORKSPACE: ROOT });
    expect(code).toBe(1);
    const text = stdout.split(ROOT).join('$ROOT');
    if (format === 'sarif') expect(sarifErrors(stdout)).toEqual([]);
    if (format === 'junit') expect(await junitErrors(stdout)).toEqual([]);
    // Under $GITHUB_WORKSPACE, paths are relative to the repository root, not to the step's directory.
    if (format === 'github') expect(stdout).toContain(`file=${fixture}/alg-typo.toml`);
    golden(
      `verify.${format === 'markdown' ? 'md' : format === 'sarif' ? 'sarif.json' : format === 'junit' ? 'junit.xml' : `${format}.txt`}`,
      text,
    );
  });

  it('$GITHUB_STEP_SUMMARY gets the Markdown summary whatever --format is, appended', async () => {
    const summary = path.join(tempDir('authctl-golden-summary-'), 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const { code } = await verify(['--format', 'sarif', '--quiet'], {
      GITHUB_WORKSPACE: ROOT,
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(code).toBe(1);
    expect(readFileSync(summary, 'utf8').split(ROOT).join('$ROOT')).toBe(
      `# earlier step\n${readFileSync(path.join(GOLDEN, 'verify.md'), 'utf8')}`,
    );
  });

  it('a FILES entry that does not exist: junit -o FILE, sarif on stdout and the step summary say so, exit 2', async () => {
    const out = tempDir('authctl-golden-verify-missing-');
    const summary = path.join(out, 'summary.md');
    const run = (args: string[]) =>
      runCli(['verify-config', 'nosuch.toml', ...args], {
        cwd: path.join(ROOT, fixture),
        env: { GITHUB_STEP_SUMMARY: summary },
      });
    const junit = await run(['--format', 'junit', '-o', path.join(out, 'v.xml')]);
    expect(junit.code).toBe(2);
    expect(junit.stderr).toContain('authctl: error: file not found: nosuch.toml');
    const xml = readFileSync(path.join(out, 'v.xml'), 'utf8');
    expect(xml).toContain(
      '<testcase classname="authctl verify-config" name="verify-config run" time="0">\n      <error type="ERR_VERIFY_FILE_NOT_FOUND" message="file not found: nosuch.toml">',
    );
    expect(await junitErrors(xml)).toEqual([]);
    const sarif = await run(['--format', 'sarif']);
    expect(sarif.code).toBe(2);
    expect(sarifErrors(sarif.stdout)).toEqual([]);
    const invocation = JSON.parse(sarif.stdout).runs[0].invocations[0];
    expect(invocation.executionSuccessful).toBe(false);
    expect(invocation.toolExecutionNotifications[0].descriptor.id).toBe(
      'ERR_VERIFY_FILE_NOT_FOUND',
    );
    expect(readFileSync(summary, 'utf8')).toMatch(
      /^## authctl verify-config: ⚠️ could not finish\n\nfile not found: nosuch.toml\n/,
    );
    // text and json end as any error does.
    expect((await run([])).stdout).toBe('');
    expect(JSON.parse((await run(['--json'])).stdout).error.code).toBe('ERR_VERIFY_FILE_NOT_FOUND');
  });
});

describe('the validators can fail', () => {
  it('the SARIF schema rejects a bad uri and a missing version; the XSD a testcase without a name', async () => {
    const sarif = readFileSync(path.join(GOLDEN, 'probe.sarif.json'), 'utf8');
    const broken = JSON.parse(sarif);
    delete broken.version;
    broken.runs[0].originalUriBaseIds = { '%SRCROOT%': { uri: 'not a uri' } };
    expect(sarifErrors(JSON.stringify(broken)).length).toBeGreaterThanOrEqual(2);
    const xml = readFileSync(path.join(GOLDEN, 'probe.junit.xml'), 'utf8');
    expect(await junitErrors(xml.replace(/ name="no-credentials"/, ''))).not.toEqual([]);
  });
});

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';
import { junitErrors, sarifErrors } from '../report/validate.js';

const INVALID = path.join(ROOT, 'test/fixtures/config/invalid');
const VALID = path.join(ROOT, 'test/fixtures/config/valid');

describe('authctl verify-config (binary)', () => {
  it('prints grouped findings with line:col, rule and fix, and exits 1 on errors', async () => {
    const r = await runCli(['verify-config', 'algorithm-hs256.toml'], {
      cwd: path.join(INVALID, 'datapress'),
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('algorithm-hs256.toml');
    expect(r.stdout).toMatch(
      /8:24\s+error\s+algorithm "HS256" is HMAC.*auth\/algorithm-not-allowed/,
    );
    expect(r.stdout).toContain('fix:');
    expect(r.stderr).toMatch(/1 error, 0 warnings, 0 notes in 1 file/);
  });

  it('--json prints findings with rule, severity, file, line, column, message, fix', async () => {
    const r = await runCli(['verify-config', 'unknown-key-typo.toml', '--json'], {
      cwd: path.join(INVALID, 'datapress'),
    });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.files).toEqual([{ file: 'unknown-key-typo.toml', profile: 'datapress' }]);
    const unknown = doc.findings.find((f: { rule: string }) => f.rule === 'config/unknown-key');
    expect(unknown).toEqual({
      rule: 'config/unknown-key',
      severity: 'error',
      file: 'unknown-key-typo.toml',
      line: 7,
      column: 1,
      message: 'unknown key "auth.audiance": did you mean "audience"?',
      fix: 'rename it to "audience"',
    });
  });

  it('exits 0 on a valid file and 1 on warnings only with --strict', async () => {
    expect(
      (await runCli(['verify-config', 'minimal.toml'], { cwd: path.join(VALID, 'datapress') }))
        .code,
    ).toBe(0);
    const cwd = path.join(INVALID, 'datapress');
    expect((await runCli(['verify-config', 'jwks-refresh-too-low.toml'], { cwd })).code).toBe(0);
    expect(
      (await runCli(['verify-config', 'jwks-refresh-too-low.toml', '--strict'], { cwd })).code,
    ).toBe(1);
  });

  it('--target changes severities: dev headers are an error in production, a note in development', async () => {
    const cwd = path.join(INVALID, 'recsys');
    const prod = await runCli(['verify-config', 'dev-headers-on.env', '--json'], { cwd });
    const dev = await runCli(
      ['verify-config', 'dev-headers-on.env', '--json', '--target', 'development'],
      { cwd },
    );
    expect(prod.code).toBe(1);
    expect(JSON.parse(prod.stdout).findings[0]).toMatchObject({
      rule: 'auth/dev-headers-enabled',
      severity: 'error',
      line: 1,
      column: 18,
    });
    expect(dev.code).toBe(0);
    expect(JSON.parse(dev.stdout).findings[0]).toMatchObject({
      rule: 'auth/dev-headers-enabled',
      severity: 'info',
    });
  });

  it('syntax errors point at line:col with a caret snippet and exit 2', async () => {
    const r = await runCli(['verify-config', 'syntax-unterminated-string.toml'], {
      cwd: path.join(INVALID, 'datapress'),
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/7:28\s+error\s+TOML syntax error/);
    // The error line's structure is broken, so its values are masked (letters and digits only): the
    // quotes and punctuation that are usually the mistake stay visible.
    expect(r.stdout).toContain('7 | audience = "***://*********');
    expect(r.stdout).toMatch(/\|\s{28}\^/);
  });

  it('a syntax error in a .env never quotes the secret on that line', async () => {
    const r = await runCli(['verify-config', 'syntax-secret-masked.env'], {
      cwd: path.join(INVALID, 'relay'),
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/1:17\s+error\s+dotenv syntax error: unterminated/);
    // First 4 characters, then one * per character: the caret below still points at the right column.
    expect(r.stdout).toContain(`JWT_SIGNING_KEY="q83v${'*'.repeat(48)}\n`);
    expect(r.stdout).not.toContain('q83vEjRWeJq83vEjRWeJ');
  });

  it('syntax snippets are safe to print: no control characters, long lines cut around the caret', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'esc.toml'), '[auth]\nenabled = true\x1b[2J\x07\n');
    const esc = await runCli(['verify-config', 'esc.toml', '--profile', 'datapress'], { cwd: dir });
    expect(esc.code).toBe(2);
    expect(esc.stdout).not.toMatch(/[\x07\x1b]/);
    expect(esc.stdout).toContain('2 | enabled = ****?[**?');
    writeFileSync(path.join(dir, 'long.toml'), `[auth]\nx = "${'a'.repeat(500)}" @\n`);
    const long = await runCli(['verify-config', 'long.toml', '--profile', 'datapress'], {
      cwd: dir,
    });
    expect(long.code).toBe(2);
    const lines = long.stdout.split('\n');
    const shown = lines.find((l) => l.startsWith('    2 | '))!;
    const caret = lines.find((l) => /^\s+\|\s+\^$/.test(l))!;
    expect(shown.length).toBeLessThan(200);
    // The caret sits under the character the parser named (the "@" after the long string).
    expect(shown[caret.indexOf('^')]).toBe('@');
  });

  it('a number written as a string: "an integer", and a fix that says to drop the quotes', async () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'datapress.toml'),
      '[auth]\nenabled = false\njwks_refresh_secs = "600"\n',
    );
    const r = await runCli(['verify-config', 'datapress.toml', '--json'], { cwd: dir });
    expect(JSON.parse(r.stdout).findings).toContainEqual(
      expect.objectContaining({
        rule: 'config/invalid-type',
        line: 3,
        column: 21,
        message: 'auth.jwks_refresh_secs must be an integer, got string',
        fix: 'write it without quotes: jwks_refresh_secs = 600',
      }),
    );
  });

  it('a syntax error in TOML or JSON never quotes a secret on the lines shown either', async () => {
    const dir = tempDir();
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSUPERSECRET';
    writeFileSync(
      path.join(dir, 'authctl.toml'),
      `[sigv4.profiles.prod]\naccess_key_id = "AKIAEXAMPLE"\nsecret_access_key = "${secret}"\nregion = us-east-1\n`,
    );
    writeFileSync(
      path.join(dir, 'agentflow.json'),
      `{\n  "auth": "jwt",\n  "jwt_secret_key": "${secret}",, \n}`,
    );
    for (const [file, where] of [
      ['authctl.toml', /4:10\s+error/],
      ['agentflow.json', /3:\d+\s+error/],
    ] as const) {
      const r = await runCli(['verify-config', file], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(where);
      expect(r.stdout).toContain(`"wJal${'*'.repeat(secret.length - 4)}"`);
      expect(r.stdout + r.stderr).not.toContain(secret.slice(4, 20));
      const json = await runCli(['verify-config', file, '--json'], { cwd: dir });
      expect(json.stdout + json.stderr).not.toContain(secret.slice(4, 20));
    }
  });

  it('--format github, sarif and junit', async () => {
    const cwd = path.join(INVALID, 'datapress');
    const gh = await runCli(
      ['verify-config', 'swagger-issuer-trailing-slash.toml', '--format', 'github'],
      { cwd },
    );
    expect(gh.code).toBe(1);
    expect(gh.stdout.trim()).toMatch(
      /^::error file=swagger-issuer-trailing-slash.toml,line=16,col=10,title=auth\/issuer-mismatch::.*trailing slash/,
    );
    const sarif = await runCli(
      ['verify-config', 'swagger-issuer-trailing-slash.toml', '--format', 'sarif'],
      { cwd },
    );
    const run = JSON.parse(sarif.stdout).runs[0];
    expect(run.results[0]).toMatchObject({
      ruleId: 'auth/issuer-mismatch',
      level: 'error',
      locations: [{ physicalLocation: { region: { startLine: 16, startColumn: 10 } } }],
    });
    expect(run.tool.driver.rules[0].shortDescription.text).toMatch(/trailing slash/);
    const junit = await runCli(
      ['verify-config', 'swagger-issuer-trailing-slash.toml', '--format', 'junit'],
      { cwd },
    );
    expect(junit.stdout).toContain('<failure type="auth/issuer-mismatch"');
  });

  it('SARIF and JUnit carry the summary and help of a rule a profile file defines', async () => {
    const cwd = path.join(INVALID, 'recsys');
    const sarif = await runCli(['verify-config', 'role-collision.env', '--format', 'sarif'], {
      cwd,
    });
    expect(sarif.code).toBe(1);
    expect(sarifErrors(sarif.stdout)).toEqual([]);
    const rule = JSON.parse(sarif.stdout).runs[0].tool.driver.rules[0];
    expect(rule.id).toBe('recsys/role-collision');
    // The summary of templates/profiles/recsys.profile.toml, not the bare rule id.
    expect(rule.shortDescription.text).toBe('two AUTH_*_ROLE settings name the same role');
    expect(rule.help.text).toMatch(/^two AUTH_\*_ROLE settings name the same role\n\nFix: give /);
    expect(rule.help.markdown).toMatch(/^\*\*two AUTH_\*_ROLE settings name the same role\*\*/);
    expect(rule.help.markdown).toContain('**Fix:** give');
    const junit = await runCli(['verify-config', 'role-collision.env', '--format', 'junit'], {
      cwd,
    });
    expect(await junitErrors(junit.stdout)).toEqual([]);
    // Every rule recsys defines is a test case of the file, passed or failed.
    expect(junit.stdout).toMatch(/<testcase [^>]*name="recsys\/role-empty"/);
    expect(junit.stdout).toContain('<failure type="recsys/role-collision"');
  });

  it('detects files in the current directory when none are given, and agentflow reads its .env', async () => {
    const r = await runCli(['verify-config', '--json'], { cwd: path.join(VALID, 'agentflow') });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).files).toEqual([{ file: 'agentflow.json', profile: 'agentflow' }]);
  });

  it('the global --config FILE is what verify-config checks when no FILES are given', async () => {
    const r = await runCli(
      ['--config', path.join(INVALID, 'authctl/alg-typo.toml'), 'verify-config', '--json'],
      { cwd: tempDir() },
    );
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.files[0].profile).toBe('authctl');
    expect(doc.findings).toEqual([
      expect.objectContaining({
        rule: 'config/invalid-value',
        line: 4,
        column: 7,
        message: expect.stringContaining('did you mean "RS256"'),
      }),
    ]);
  });

  it('--from-env checks the process environment', async () => {
    const env = { DEV_AUTH_ENABLED: 'true', JWT_AUTH_ENABLED: 'true', AUTH_TENANT_CLAIMS: 'tid' };
    const r = await runCli(['verify-config', '--from-env', '--profile', 'recsys', '--json'], {
      env,
      cwd: tempDir(),
    });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.findings).toEqual([
      expect.objectContaining({ rule: 'auth/dev-headers-enabled', file: '<env>', line: null }),
    ]);
  });

  it('--env-file resolves agentflow secrets and is checked itself', async () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'agentflow.json'),
      JSON.stringify({ agent: 'graph.react:app', auth: 'jwt' }),
    );
    writeFileSync(path.join(dir, 'prod.env'), 'JWT_SECRET_KEY=short\nJWT_ALGORITHM=HS256\n');
    const r = await runCli(
      ['verify-config', 'agentflow.json', '--env-file', 'prod.env', '--json'],
      { cwd: dir },
    );
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings).toEqual([
      expect.objectContaining({
        rule: 'auth/weak-hmac-secret',
        file: 'prod.env',
        line: 1,
        column: 16,
      }),
    ]);
  });

  it('usage errors exit 2 with a one-line error and a hint', async () => {
    const missing = await runCli(['verify-config', 'nope.toml'], { cwd: tempDir() });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/authctl: error: file not found: nope.toml/);
    const none = await runCli(['verify-config'], { cwd: tempDir() });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no config files found/);
    const dir = tempDir();
    writeFileSync(path.join(dir, 'x.toml'), 'a = 1\n');
    const unknown = await runCli(['verify-config', 'x.toml'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/hint: pass --profile/);
    const badProfile = await runCli(['verify-config', '--profile', 'datapres', 'x.toml'], {
      cwd: dir,
    });
    expect(badProfile.code).toBe(2);
    for (const r of [missing, none, unknown, badProfile]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('--help has examples and exit codes', async () => {
    const r = await runCli(['verify-config', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('Exit codes:');
    expect(r.stdout).toContain('--target');
  });
});

describe('authctl config schema', () => {
  it('prints the JSON Schema derived from the zod config schema', async () => {
    const r = await runCli(['config', 'schema']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.$schema).toMatch(/json-schema.org/);
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['token', 'tokens', 'keys', 'idp', 'apikey', 'sigv4', 'probe']),
    );
    expect(schema.properties.token.properties.alg.enum).toContain('RS256');
    expect(schema.properties.token.properties.tenant_claim.pattern).toBeTruthy();
  });
});

describe('authctl init (non-interactive)', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
  });

  it.each(['datapress', 'agentflow', 'recsys', 'relay', 'k3', 'authctl'])(
    'writes files for %s that pass verify-config',
    async (profile) => {
      const target = path.join(dir, profile);
      mkdirSync(target);
      const r = await runCli(
        ['init', '--yes', '--profile', profile, '--tenants', 'acme,globex', '--json'],
        { cwd: target },
      );
      expect(r.code, r.stderr).toBe(0);
      const written: string[] = JSON.parse(r.stdout).written;
      expect(written).toEqual(
        expect.arrayContaining(['authctl.toml', 'probe.toml', '.github/workflows/authctl.yml']),
      );
      if (profile !== 'authctl') expect(written).toContain('.env.example');
      // authctl.toml and the service's non-secret block pass in production as written.
      const block = {
        datapress: ['datapress.toml'],
        agentflow: [],
        recsys: ['.env.example'],
        relay: [],
        k3: [],
        authctl: [],
      }[profile]!;
      const prod = await runCli(['verify-config', 'authctl.toml', ...block, '--json'], {
        cwd: target,
      });
      expect(prod.code, prod.stdout).toBe(0);
      expect(
        JSON.parse(prod.stdout).findings.filter((f: { severity: string }) => f.severity !== 'info'),
      ).toEqual([]);
      // .env.example holds placeholders for secrets: fine for development (warnings), never errors there.
      if (['agentflow', 'relay', 'k3'].includes(profile)) {
        const files =
          profile === 'agentflow'
            ? ['agentflow.json', '--env-file', '.env.example']
            : ['.env.example'];
        const dev = await runCli(
          ['verify-config', ...files, '--target', 'development', '--profile', profile, '--json'],
          { cwd: target },
        );
        expect(dev.code, dev.stdout).toBe(0);
        const rules = JSON.parse(dev.stdout).findings.map((f: { rule: string }) => f.rule);
        expect(
          rules.every((rule: string) =>
            ['auth/placeholder-secret', 'agentflow/env-file-missing'].includes(rule),
          ),
        ).toBe(true);
        const prodEnv = await runCli(['verify-config', ...files, '--profile', profile], {
          cwd: target,
        });
        expect(prodEnv.code).toBe(1);
      }
    },
  );

  it('never overwrites without --force and says what it kept; answers it could not apply are exit 2', async () => {
    const target = tempDir();
    writeFileSync(path.join(target, 'authctl.toml'), '# mine\n');
    const r = await runCli(['init', '--yes', '--profile', 'recsys'], { cwd: target });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(
      'kept  authctl.toml (exists with other content: these answers were NOT applied to it; --force rewrites it)',
    );
    expect(r.stdout).toContain('wrote .env.example');
    expect(r.stderr).toContain(
      'authctl: error: 1 existing file kept with other content, so your answers were not applied to it: authctl.toml',
    );
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(path.join(target, 'authctl.toml'), 'utf8')).toBe('# mine\n');
    const forced = await runCli(['init', '--yes', '--profile', 'recsys', '--force'], {
      cwd: target,
    });
    expect(forced.stdout).toContain('wrote authctl.toml');
    expect(readFileSync(path.join(target, 'authctl.toml'), 'utf8')).toContain('[token]');
  });

  it('never replaces an existing entry, even a dangling symlink, and leaves no temp files', async () => {
    const { symlinkSync, lstatSync, readlinkSync, readdirSync } = await import('node:fs');
    const target = tempDir();
    symlinkSync(path.join(target, 'nowhere.toml'), path.join(target, 'authctl.toml'));
    const r = await runCli(['init', '--yes', '--profile', 'authctl'], { cwd: target });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(
      'kept  authctl.toml (exists with other content: these answers were NOT applied to it; --force rewrites it)',
    );
    expect(lstatSync(path.join(target, 'authctl.toml')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(path.join(target, 'authctl.toml'))).toBe(path.join(target, 'nowhere.toml'));
    expect(readdirSync(target).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(target)).toContain('probe.toml');
  });

  it('without a terminal and without --yes it says it is using the defaults, then writes them', async () => {
    const target = tempDir();
    const quiet = await runCli(['init', '--yes'], { cwd: target });
    expect(quiet.stderr).not.toContain('not a terminal');
    const other = tempDir();
    const r = await runCli(['init'], { cwd: other });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('not a terminal, so no questions: writing the datapress defaults');
    expect(r.stdout).toContain('wrote authctl.toml');
  });

  it('run again: same answers keep every file and exit 0; new answers say, per file, what was kept (issue #11)', async () => {
    const target = tempDir();
    expect((await runCli(['init', '--yes', '--profile', 'datapress'], { cwd: target })).code).toBe(
      0,
    );
    const same = await runCli(['init', '--yes', '--profile', 'datapress'], { cwd: target });
    expect(same.code, same.stderr).toBe(0);
    const files = [
      'authctl.toml',
      'datapress.toml',
      '.env.example',
      'probe.toml',
      '.github/workflows/authctl.yml',
    ];
    expect(same.stdout.trim().split('\n')).toEqual(
      files.map((f) => `kept  ${f} (exists, already as these answers would write it)`),
    );
    const changed = await runCli(
      [
        'init',
        '--yes',
        '--profile',
        'datapress',
        '--issuer',
        'https://login.example.com',
        '--json',
      ],
      { cwd: target },
    );
    expect(changed.code).toBe(2);
    const doc = JSON.parse(changed.stdout);
    // The issuer is in authctl.toml, datapress.toml and probe.toml; .env.example and the workflow do not name it.
    expect(doc).toMatchObject({
      written: [],
      kept: files,
      differs: ['authctl.toml', 'datapress.toml', 'probe.toml'],
    });
    expect(changed.stderr.split('\n')[0]).toBe(
      'authctl: error: 3 existing files kept with other content, so your answers were not applied to them: authctl.toml, datapress.toml, probe.toml',
    );
    expect(changed.stderr.split('\n')[1]).toBe(
      '  hint: rerun with --force to rewrite them (or move them aside first)',
    );
    const forced = await runCli(
      [
        'init',
        '--yes',
        '--profile',
        'datapress',
        '--issuer',
        'https://login.example.com',
        '--force',
      ],
      { cwd: target },
    );
    expect(forced.code).toBe(0);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(path.join(target, 'datapress.toml'), 'utf8')).toContain(
      'issuer = "https://login.example.com"',
    );
  });

  it('the probe spec and CI workflow follow the templates', async () => {
    const target = tempDir();
    await runCli(
      [
        'init',
        '--yes',
        '--profile',
        'datapress',
        '--issuer',
        'http://127.0.0.1:9400',
        '--audience',
        'api://orders',
      ],
      { cwd: target },
    );
    const { readFileSync } = await import('node:fs');
    const { parse } = await import('smol-toml');
    const probe = parse(readFileSync(path.join(target, 'probe.toml'), 'utf8')) as Record<
      string,
      any
    >;
    // DataPress's own routes and scopes (test/e2e/init-datapress.e2e.test.ts probes the example with it).
    expect(probe).toEqual({
      base_url: 'http://127.0.0.1:8080',
      jwt: { issuer: 'http://127.0.0.1:9400', audience: 'api://orders', tenant_claim: '/tid' },
      credentials: {
        reader: { type: 'jwt', sub: 'alice', tenant: 'acme', scopes: ['datasets:read'] },
        reloader: {
          type: 'jwt',
          sub: 'ops',
          tenant: 'acme',
          scopes: ['datasets:read', 'datasets:reload'],
        },
      },
      endpoints: [
        { path: '/healthz', public: true },
        { path: '/readyz', public: true },
        { path: '/api/datasets', allow: ['reader', 'reloader'], scopes: ['datasets:read'] },
        {
          method: 'POST',
          path: '/api/datasets/reload',
          allow: ['reloader'],
          deny: ['reader'],
          scopes: ['datasets:reload'],
        },
      ],
    });
    const generic = tempDir();
    await runCli(['init', '--yes', '--profile', 'k3'], { cwd: generic });
    expect(parse(readFileSync(path.join(generic, 'probe.toml'), 'utf8')).endpoints).toEqual([
      { path: '/healthz', public: true },
      { method: 'GET', path: '/v1/tenants/acme/orders', tenant: 'acme', allow: ['reader'] },
    ]);
    // The workflow uses the authctl action: no Node setup, no npm ci, no npx in the user's repository.
    const workflow = readFileSync(path.join(target, '.github/workflows/authctl.yml'), 'utf8');
    expect(workflow).toContain('uses: authctl/authctl@v1');
    expect(workflow).toContain('verify-config: authctl.toml datapress.toml');
    expect(workflow).toContain('probe-spec: probe.toml');
    expect(workflow).toContain('actions/upload-artifact');
    expect(workflow).not.toMatch(/npm ci|npx|setup-node/);
  });

  it('--ci gitlab writes a .gitlab-ci.yml using the binary; --ci none writes no CI file; without --ci an existing .gitlab-ci.yml picks GitLab', async () => {
    const { existsSync, readFileSync, writeFileSync } = await import('node:fs');
    const gitlab = tempDir();
    expect(
      (await runCli(['init', '--yes', '--profile', 'datapress', '--ci', 'gitlab'], { cwd: gitlab }))
        .code,
    ).toBe(0);
    const job = readFileSync(path.join(gitlab, '.gitlab-ci.yml'), 'utf8');
    expect(job).toContain('authctl verify-config authctl.toml datapress.toml --format junit');
    expect(job).toContain('$AUTHCTL_DOWNLOAD_URL');
    expect(job).not.toMatch(/npm ci|npx|node /);
    expect(existsSync(path.join(gitlab, '.github'))).toBe(false);
    const none = tempDir();
    expect((await runCli(['init', '--yes', '--ci', 'none'], { cwd: none })).code).toBe(0);
    expect(
      existsSync(path.join(none, '.github')) || existsSync(path.join(none, '.gitlab-ci.yml')),
    ).toBe(false);
    const detected = tempDir();
    writeFileSync(path.join(detected, '.gitlab-ci.yml'), 'stages: [test]\n');
    const r = await runCli(['init', '--yes'], { cwd: detected });
    expect(r.stdout + r.stderr).toContain('kept  .gitlab-ci.yml');
    expect(existsSync(path.join(detected, '.github'))).toBe(false);
    expect((await runCli(['init', '--yes', '--ci', 'travis'], { cwd: tempDir() })).code).toBe(2);
  });

  it('rejects bad flags with exit 2', async () => {
    const r = await runCli(['init', '--yes', '--profile', 'recsys', '--modes', 'jwt,saml'], {
      cwd: tempDir(),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--modes/);
    const p = await runCli(['init', '--yes', '--tenant-claim', 'tid'], { cwd: tempDir() });
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/JSON pointer/);
  });
});

describe('config search through package.json (binary)', () => {
  it('a malformed package.json that names authctl is a one-line usage error naming it, without its text', async () => {
    const dir = tempDir('authctl-pkg-bad-');
    // A BOM is not JSON to cosmiconfig; the secret is what a quoted snippet would leak.
    writeFileSync(
      path.join(dir, 'package.json'),
      '\uFEFF{"name":"svc","authctl":{"sigv4":{"ci":{"secret_access_key":"SECRETVALUE"}}},}',
    );
    const r = await runCli(['token', 'mint', '--sub', 'alice', '--json'], {
      cwd: dir,
      env: { AUTHCTL_HOME: path.join(dir, 'home') },
    });
    expect(r.code).toBe(2);
    const { error } = JSON.parse(r.stdout);
    expect(error.code).toBe('ERR_CONFIG_UNREADABLE');
    expect(error.where).toBe(path.join(dir, 'package.json'));
    expect(r.stdout + r.stderr).not.toContain('SECRETVALUE');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a package.json that only depends on authctl is no config; one with an authctl key is', async () => {
    const dir = tempDir('authctl-pkg-dep-');
    const env = { AUTHCTL_HOME: path.join(dir, 'home') };
    const manifest = { name: 'svc', devDependencies: { authctl: '^0.1.0' } };
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest));
    const claims = async () => {
      const r = await runCli(['token', 'mint', '--sub', 'alice'], { cwd: dir, env });
      expect(r.code).toBe(0);
      return JSON.parse(Buffer.from(r.stdout.trim().split('.')[1]!, 'base64url').toString());
    };
    expect((await claims()).aud).toBeUndefined();
    writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ ...manifest, authctl: { token: { audience: 'api://svc' } } }),
    );
    expect((await claims()).aud).toBe('api://svc');
  });
});

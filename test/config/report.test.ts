import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { render, verifyDocument, type ReportFinding } from '../../src/core/report/index.js';
import type { RuleSpec } from '../../src/core/verify/rules.js';

const plain = { color: new Chalk({ level: 0 }) };
/** A verify-config document of these findings, on the files they name. */
function docOf(
  list: ReportFinding[],
  extra: { rules?: Record<string, RuleSpec>; strict?: boolean; version?: string } = {},
) {
  const files = [...new Set(list.map((f) => f.file ?? '<env>'))].map((file) => ({ file }));
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of list) counts[f.severity]++;
  return verifyDocument({
    target: 'production',
    files,
    findings: list,
    counts,
    rules: extra.rules ?? {},
    strict: extra.strict,
    version: extra.version,
  });
}
const renderGitHub = (list: ReportFinding[]) => render('github', docOf(list), plain);

const findings: ReportFinding[] = [
  {
    rule: 'auth/algorithm-not-allowed',
    severity: 'error',
    file: 'conf/data press.toml',
    line: 5,
    column: 24,
    message: 'algorithm "HS256" is HMAC, 100% wrong',
    fix: 'use "RS256"\nthen restart',
  },
  {
    rule: 'auth/jwks-refresh-clamped',
    severity: 'warning',
    file: 'datapress.toml',
    line: 7,
    column: 21,
    message: 'clamped <to> 60 & more',
  },
  { rule: 'k3/sigv4-unconfigured', severity: 'info', file: '<env>', message: 'no KEYCLOAK_*' },
  {
    rule: 'relay/signing-key-missing',
    severity: 'error',
    file: '.env',
    message: 'JWT_SIGNING_KEY is required',
  },
];

describe('renderGitHub', () => {
  const lines = renderGitHub(findings).split('\n');
  it('writes one workflow command per finding with file, line, col and title', () => {
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(
      '::error file=conf/data press.toml,line=5,col=24,title=auth/algorithm-not-allowed::algorithm "HS256" is HMAC%2C 100%25 wrong%0Afix: use "RS256"%0Athen restart'.replace(
        '%2C',
        ',',
      ),
    );
    expect(lines[1]).toMatch(
      /^::warning file=datapress.toml,line=7,col=21,title=auth\/jwks-refresh-clamped::clamped <to> 60 & more$/,
    );
    expect(lines[2]).toMatch(/^::notice file=<env>,title=k3\/sigv4-unconfigured::/);
    expect(lines[3]).toBe(
      '::error file=.env,title=relay/signing-key-missing::JWT_SIGNING_KEY is required',
    );
  });
  it('escapes property separators in file names and titles', () => {
    const [line] = renderGitHub([
      { rule: 'a:b,c', severity: 'error', file: 'x,y:z.toml', line: 1, message: 'm' },
    ]).split('\n');
    expect(line).toBe('::error file=x%2Cy%3Az.toml,line=1,title=a%3Ab%2Cc::m');
  });
  it('shows control characters as \\uXXXX, so a message cannot send terminal escapes', () => {
    const [line] = renderGitHub([
      { rule: 'r', severity: 'warning', message: 'body \u001b[2Jcleared\u0007' },
    ]).split('\n');
    expect(line).toBe('::warning title=r::body \\u001b[2Jcleared\\u0007');
  });
});

describe('renderSarif', () => {
  const sarif = JSON.parse(
    render(
      'sarif',
      docOf(findings, {
        rules: {
          'auth/algorithm-not-allowed': {
            summary: 'an algorithm the service does not accept',
            levels: 'error',
          },
        },
        version: '1.2.3',
      }),
      plain,
    ),
  );
  it('is SARIF 2.1.0 with a rules table and one result per finding', () => {
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    expect(run.tool.driver.name).toBe('authctl');
    expect(run.tool.driver.version).toBe('1.2.3');
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual([
      'auth/algorithm-not-allowed',
      'auth/jwks-refresh-clamped',
      'k3/sigv4-unconfigured',
      'relay/signing-key-missing',
    ]);
    expect(run.tool.driver.rules[0].shortDescription.text).toBe(
      'an algorithm the service does not accept',
    );
    expect(run.tool.driver.rules[0].help.markdown).toContain('**Fix:** use "RS256"');
    expect(run.tool.driver.rules[0].properties['security-severity']).toBe('7.5');
    expect(run.tool.driver.rules[1].properties['security-severity']).toBe('5.0');
    expect(run.results).toHaveLength(4);
    expect(run.results.map((r: { level: string }) => r.level)).toEqual([
      'error',
      'warning',
      'note',
      'error',
    ]);
  });
  it("puts a rule's explain text in its help, between the summary and the fix", () => {
    const doc = docOf([findings[3]!], {
      rules: {
        'relay/signing-key-missing': {
          summary: 'Relay signs without a key',
          levels: 'error',
          explain: 'Relay refuses to start without JWT_SIGNING_KEY.',
        },
      },
    });
    const rule = JSON.parse(render('sarif', doc, plain)).runs[0].tool.driver.rules[0];
    expect(rule.shortDescription.text).toBe('Relay signs without a key');
    expect(rule.help.text).toBe(
      'Relay signs without a key\n\nRelay refuses to start without JWT_SIGNING_KEY.',
    );
    expect(rule.help.markdown).toBe(
      '**Relay signs without a key**\n\nRelay refuses to start without JWT_SIGNING_KEY.',
    );
  });
  it('has uri-encoded locations with regions only when known, none for the environment', () => {
    const [first, second, env, nofLine] = sarif.runs[0].results;
    expect(first.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'conf/data%20press.toml' },
      region: { startLine: 5, startColumn: 24 },
    });
    expect(first.ruleIndex).toBe(0);
    expect(second.ruleIndex).toBe(1);
    expect(env.locations).toBeUndefined();
    expect(nofLine.locations[0].physicalLocation.region).toBeUndefined();
    expect(first.message.text).toContain('fix: use "RS256"');
  });
  it('keeps partialFingerprints when a finding moves to another line, and tells findings apart', () => {
    const moved = findings.map((f) => ({ ...f, line: (f.line ?? 0) + 10 }));
    const prints = (list: ReportFinding[]) =>
      JSON.parse(render('sarif', docOf(list), plain)).runs[0].results.map(
        (r: { partialFingerprints: Record<string, string> }) => r.partialFingerprints,
      );
    expect(prints(moved)).toEqual(prints(findings));
    expect(
      new Set(prints(findings).map((p: Record<string, string>) => Object.values(p)[0])).size,
    ).toBe(4);
  });
  it('makes uris relative to the repository root with %SRCROOT% when a root is given', () => {
    const doc = { ...docOf(findings), cwd: '/repo/services/api' };
    const run = JSON.parse(render('sarif', doc, { ...plain, root: '/repo' })).runs[0];
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toBe('file:///repo/');
    expect(run.results[0].locations[0].physicalLocation.artifactLocation).toEqual({
      uri: 'services/api/conf/data%20press.toml',
      uriBaseId: '%SRCROOT%',
    });
  });
});

describe('renderGitHub under working-directory:', () => {
  it('names files relative to $GITHUB_WORKSPACE, not to the step directory', () => {
    const doc = { ...docOf(findings), cwd: '/repo/services/api' };
    const lines = render('github', doc, { ...plain, root: '/repo' }).split('\n');
    expect(lines[0]).toMatch(/^::error file=services\/api\/conf\/data press.toml,line=5,col=24,/);
    expect(lines[2]).toMatch(/^::notice file=<env>,/);
  });
});

describe('renderJUnit', () => {
  const rules: Record<string, RuleSpec> = {
    'auth/algorithm-not-allowed': { summary: 's', levels: 'error' },
    'auth/jwks-refresh-clamped': { summary: 's', levels: 'warning' },
    'auth/issuer-not-https': { summary: 's', levels: 'error' },
    'datapress/x': { summary: 'only datapress files', levels: 'error' },
    'auth/dev-only': { summary: 'off in production', levels: ['error', 'off', 'off'] },
  };
  it('has one case per file × rule, named the same passing or failing; short messages, details in the body', () => {
    const xml = render('junit', docOf(findings, { rules }), plain);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(xml).toContain(
      '<testcase classname="conf/data press.toml" name="auth/algorithm-not-allowed" time="0">\n      <failure type="auth/algorithm-not-allowed" message="algorithm &quot;HS256&quot; is HMAC, 100% wrong">conf/data press.toml:5:24: error: algorithm &quot;HS256&quot; is HMAC, 100% wrong\nfix: use &quot;RS256&quot;\nthen restart</failure>',
    );
    expect(xml).toContain(
      '<system-out>datapress.toml:7:21: warning: clamped &lt;to&gt; 60 &amp; more</system-out>',
    );
    // The same check passes in the other files: same classname scheme, same name.
    expect(xml).toContain(
      '<testcase classname=".env" name="auth/algorithm-not-allowed" time="0"/>',
    );
    expect(xml).not.toContain('name="datapress/x"'); // no file here is a datapress file
    expect(xml).not.toContain('name="auth/dev-only"'); // off at this target
    expect(xml).not.toMatch(/message="[^"]*\n/);
    expect(xml).not.toMatch(/[<>]\s*&(?!amp;|lt;|gt;|quot;)/);
  });
  it('names every check the same whether it passes or fails', () => {
    const names = (list: ReportFinding[]) =>
      [
        ...render('junit', docOf(list, { rules }), plain).matchAll(
          /<testcase classname="([^"]*)" name="([^"]*)"/g,
        ),
      ]
        .map((m) => `${m[1]} ${m[2]}`)
        .filter((n) => n.startsWith('conf/'));
    const fixed = [{ ...findings[0]!, rule: 'auth/issuer-not-https' }];
    expect(names(fixed)).toEqual(names([findings[0]!]));
  });
  it('fails warnings too with --strict', () => {
    expect(render('junit', docOf(findings, { rules, strict: true }), plain)).toMatch(
      /<testsuite name="authctl verify-config" tests="\d+" failures="3"/,
    );
  });
});

describe('renderText', () => {
  it('never prints control characters quoted from a checked file', async () => {
    const { renderText } = await import('../../src/core/report/index.js');
    const { Chalk } = await import('chalk');
    const text = renderText(
      [
        {
          rule: 'auth/invalid-url',
          severity: 'error',
          file: 'a\u001b.toml',
          line: 3,
          column: 10,
          message: 'auth.issuer is not a URL: "x\u001b[31mRED\u0007"',
          fix: 'use \u009b2J a URL',
        },
      ],
      { color: new Chalk({ level: 0 }) },
    );
    expect(text).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/);
    expect(text).toContain('auth.issuer is not a URL: "x?[31mRED?"');
    expect(text).toContain('fix: use ?2J a URL');
  });
});

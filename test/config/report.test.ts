import { describe, expect, it } from 'vitest';
import {
  renderGitHub,
  renderJUnit,
  renderSarif,
  type ReportFinding,
} from '../../src/cli/report/index.js';

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
    renderSarif(findings, {
      rules: {
        'auth/algorithm-not-allowed': { summary: 'an algorithm the service does not accept' },
      },
      version: '1.2.3',
    }),
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
    expect(run.results).toHaveLength(4);
    expect(run.results.map((r: { level: string }) => r.level)).toEqual([
      'error',
      'warning',
      'note',
      'error',
    ]);
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
    expect(first.message.text).toContain('Fix: use "RS256"');
  });
});

describe('renderJUnit', () => {
  it('fails errors, keeps warnings as output, escapes XML and lists passing cases', () => {
    const xml = renderJUnit(findings, {
      suiteName: 'verify <config>',
      passed: ['ok.toml (authctl)'],
    });
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(xml).toContain('<testsuite name="verify &lt;config&gt;" tests="5" failures="2"');
    expect(xml).toContain(
      '<failure type="auth/algorithm-not-allowed" message="algorithm &quot;HS256&quot; is HMAC, 100% wrong">',
    );
    expect(xml).toContain(
      '<system-out>datapress.toml:7:21: warning: clamped &lt;to&gt; 60 &amp; more</system-out>',
    );
    expect(xml).toContain(
      '<testcase classname="verify &lt;config&gt;" name="ok.toml (authctl)" time="0"/>',
    );
    expect((xml.match(/<testcase /g) ?? []).length).toBe(5);
    expect(xml).not.toMatch(/[<>]\s*&(?!amp;|lt;|gt;|quot;)/);
  });
  it('fails warnings too with failOn warning', () => {
    expect(renderJUnit(findings, { suiteName: 's', failOn: 'warning' })).toContain('failures="3"');
  });
});

describe('renderText', () => {
  it('never prints control characters quoted from a checked file', async () => {
    const { renderText } = await import('../../src/cli/report/index.js');
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

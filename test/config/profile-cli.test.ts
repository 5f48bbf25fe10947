import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProfile } from '../../src/core/verify/engine/load.js';
import { MEANINGS } from '../../src/core/verify/engine/schema.js';
import { applySuppressions } from '../../src/core/verify/suppress.js';
import { runCli, tempDir } from '../helpers/cli.js';

function profileError(
  file: string,
  text: string,
): { message: string; where?: string; hint?: string } {
  try {
    parseProfile(file, text);
  } catch (error) {
    return error as { message: string; where?: string; hint?: string };
  }
  throw new Error('expected an error');
}

describe('profile files: located errors with did-you-mean', () => {
  const base = 'profile = "svc"\ntitle = "Svc"\nformats = ["yaml"]\n';

  it('an unknown key in a key spec, at its line and column', () => {
    const e = profileError(
      'svc.profile.toml',
      `${base}\n[keys.issuer]\ntype = "url"\nmeening = "issuer"\n`,
    );
    expect(e.where).toBe('svc.profile.toml:7:1');
    expect(e.message).toMatch(/unknown key "meening"/);
    expect(e.hint).toBe('did you mean "meaning"?');
  });

  it('an unknown meaning, at its value, in YAML', () => {
    const e = profileError(
      'svc.profile.yaml',
      'profile: svc\ntitle: Svc\nformats: [yaml]\nkeys:\n  auth.iss:\n    meaning: isuer\n',
    );
    expect(e.where).toBe('svc.profile.yaml:6:14');
    expect(e.message).toMatch(/unknown meaning "isuer"/);
    expect(e.hint).toBe('did you mean "issuer"?');
  });

  it('a check reporting a rule nobody defines', () => {
    const e = profileError(
      'svc.profile.json',
      JSON.stringify(
        {
          profile: 'svc',
          title: 'Svc',
          formats: ['json'],
          checks: [{ type: 'at-least-one-of', keys: ['a'], rule: 'auth/leeway-to-large' }],
        },
        null,
        2,
      ),
    );
    expect(e.where).toMatch(/^svc\.profile\.json:\d+:\d+$/);
    expect(e.hint).toBe('did you mean "auth/leeway-too-large"?');
  });

  it('a syntax error in the profile file itself', () => {
    expect(profileError('svc.profile.toml', 'profile = "svc\n').where).toMatch(
      /^svc\.profile\.toml:1:\d+$/,
    );
  });

  it('from the CLI: exit 2, one line, no stack trace', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'svc.profile.toml'), `${base}[keys.x]\ntyp = "url"\n`);
    writeFileSync(path.join(dir, 'svc.yaml'), 'x: 1\n');
    const r = await runCli(['verify-config', 'svc.yaml', '--profile', './svc.profile.toml'], {
      cwd: dir,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/svc\.profile\.toml:5:1/);
    expect(r.stderr).toMatch(/did you mean "type"\?/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('authctl config schema --profile', () => {
  it('prints the JSON Schema derived from the zod schema that validates profile files', async () => {
    const r = await runCli(['config', 'schema', '--profile']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.$schema).toMatch(/json-schema.org/);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['profile', 'title', 'formats']));
    expect(schema.properties.formats.items.enum).toEqual([
      'toml',
      'json',
      'jsonc',
      'yaml',
      'properties',
      'env',
    ]);
    // Recursive key specs live in $defs; every meaning is offered to editors.
    expect(JSON.stringify(schema)).toContain(JSON.stringify([...MEANINGS]));
  });
});

describe('--list-rules, --explain, --list-profiles', () => {
  it('--list-rules --json lists built-in and profile-defined rules with severities', async () => {
    const r = await runCli(['verify-config', '--list-rules', '--json']);
    expect(r.code).toBe(0);
    const rules = JSON.parse(r.stdout) as {
      id: string;
      severity: Record<string, string>;
      profiles: string[];
    }[];
    expect(rules.find((x) => x.id === 'auth/weak-hmac-secret')?.severity).toEqual({
      development: 'warning',
      staging: 'error',
      production: 'error',
    });
    expect(rules.find((x) => x.id === 'envoy/route-unprotected')?.profiles).toEqual([
      'envoy-jwt-authn',
    ]);
  });

  it('--explain names the meanings that reach a rule; a typo gets a did-you-mean and exit 2', async () => {
    const r = await runCli(['verify-config', '--explain', 'auth/insecure-issuer']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/reported for keys meaning: issuer, jwks-uri/);
    const typo = await runCli(['verify-config', '--explain', 'auth/insecure-isuer']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('did you mean "auth/insecure-issuer"?');
  });

  it('--list-profiles shows every profile file with the files it reads', async () => {
    const r = await runCli(['verify-config', '--list-profiles', '--json']);
    const names = (JSON.parse(r.stdout) as { name: string }[]).map((p) => p.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'authctl',
        'k3',
        'spring-resource-server',
        'aspnet-jwt-bearer',
        'oauth2-proxy',
        'postgrest',
        'hasura',
        'envoy-jwt-authn',
      ]),
    );
  });
});

describe('--baseline / --write-baseline', () => {
  it('accepts known findings, still fails on a new one, and reports fixed ones', async () => {
    const dir = tempDir();
    const config = (extra: string) =>
      `spring:\n  security:\n    oauth2:\n      resourceserver:\n        jwt:\n          issuer-uri: http://idp.example.com/issuer\n${extra}`;
    writeFileSync(path.join(dir, 'application.yml'), config(''));
    const write = await runCli(
      ['verify-config', 'application.yml', '--write-baseline', 'baseline.json'],
      { cwd: dir },
    );
    expect(write.code).toBe(1);
    const baseline = JSON.parse(readFileSync(path.join(dir, 'baseline.json'), 'utf8'));
    expect(baseline.format).toBe('authctl-verify-baseline');
    expect(baseline.findings.map((f: { rule: string }) => f.rule).sort()).toEqual([
      'auth/insecure-issuer',
      'spring/audience-not-validated',
    ]);
    const clean = await runCli(
      ['verify-config', 'application.yml', '--baseline', 'baseline.json'],
      { cwd: dir },
    );
    expect(clean.code, clean.stdout).toBe(0);
    expect(clean.stdout + clean.stderr).toMatch(/2 baselined/);
    // A new problem is not covered; adding lines above known ones does not make them new.
    writeFileSync(
      path.join(dir, 'application.yml'),
      `# moved down\n${config('          jws-algorithms: [HS256]\n          audiences: [api://orders]\n')}`,
    );
    const fresh = await runCli(
      ['verify-config', 'application.yml', '--baseline', 'baseline.json', '--json'],
      { cwd: dir },
    );
    expect(fresh.code).toBe(1);
    expect(JSON.parse(fresh.stdout).findings.map((f: { rule: string }) => f.rule)).toEqual([
      'auth/algorithm-not-allowed',
    ]);
    const bad = await runCli(
      ['verify-config', 'application.yml', '--baseline', 'application.yml'],
      { cwd: dir },
    );
    expect(bad.code).toBe(2);
  });
});

describe('inline suppression comments', () => {
  const finding = (line: number, rule = 'auth/leeway-too-large') => ({
    rule,
    severity: 'warning' as const,
    line,
    message: 'm',
  });

  it('covers its own line (trailing) or the next code line (alone), only for the rules it names', () => {
    const text = [
      'a = 1 # authctl-ignore auth/leeway-too-large: reviewed',
      '# authctl-ignore auth/cors-wildcard, auth/leeway-too-large: reviewed',
      '',
      '# another comment',
      'b = 2',
      'c = 3',
    ].join('\n');
    const kept = applySuppressions(
      [
        finding(1),
        finding(1, 'auth/cors-wildcard'),
        finding(5),
        finding(5, 'auth/cors-wildcard'),
        finding(6),
      ],
      text,
      'toml',
    );
    expect(kept.map((f) => `${f.line} ${f.rule}`)).toEqual([
      '1 auth/cors-wildcard',
      '6 auth/leeway-too-large',
    ]);
  });

  it('means nothing in plain JSON, which has no comments; works after // in appsettings.json', () => {
    const text = '{ "a": "# authctl-ignore auth/leeway-too-large: x" }';
    expect(applySuppressions([finding(1)], text, 'json')).toHaveLength(1);
    expect(
      applySuppressions(
        [finding(1)],
        '{ "a": 1 } // authctl-ignore auth/leeway-too-large: x',
        'jsonc',
      ),
    ).toHaveLength(0);
  });
});

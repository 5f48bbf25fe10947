import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyConfig } from '../../src/core/verify/verify.js';
import { buildRegistry, builtinProfiles } from '../../src/core/verify/engine/registry.js';
import { listRules } from '../../src/core/verify/engine/explain.js';
import type { KeySpec, ProfileDefinition } from '../../src/core/verify/engine/schema.js';
import { ROOT } from '../helpers/cli.js';
import { TARGETS } from '../../src/core/verify/types.js';
import { RULES } from '../../src/core/verify/rules.js';

/**
 * Fixtures of the built-in profile files: test/fixtures/profiles/<profile>/{valid,invalid}/<case>/<config>.
 * An invalid case names the rule it is about in rule.txt (asserted on its own, not only through the
 * golden) and keeps every finding in expected.json (regenerate with UPDATE_GOLDEN=1, review the diff).
 */
const FIXTURES = path.join(ROOT, 'test/fixtures/profiles');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

interface Case {
  profile: string;
  dir: string;
  file: string;
  rule?: string;
}

function cases(kind: 'valid' | 'invalid'): Case[] {
  const out: Case[] = [];
  for (const profile of readdirSync(FIXTURES)) {
    const base = path.join(FIXTURES, profile, kind);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base).sort()) {
      const dir = path.join(base, name);
      const file = readdirSync(dir).find((f) => f !== 'rule.txt' && f !== 'expected.json')!;
      const rule = existsSync(path.join(dir, 'rule.txt'))
        ? readFileSync(path.join(dir, 'rule.txt'), 'utf8').trim()
        : undefined;
      out.push({ profile, dir, file, rule });
    }
  }
  return out;
}

const valid = cases('valid');
const invalid = cases('invalid');

/**
 * The invalid cases of one built-in profile and the rules each reports: the fixtures of profile
 * files (above) and the older corpus of test/fixtures/config/invalid/<profile>/ (its goldens).
 */
function invalidRules(profile: string): Set<string> {
  const rules = new Set(invalid.filter((c) => c.profile === profile).map((c) => c.rule!));
  const legacy = path.join(ROOT, 'test/fixtures/config/invalid', profile);
  if (existsSync(legacy))
    for (const file of readdirSync(legacy).filter((f) => f.endsWith('.expected.json')))
      for (const f of JSON.parse(readFileSync(path.join(legacy, file), 'utf8')).findings)
        rules.add(f.rule);
  return rules;
}

/** The rules a profile file names: those it defines, and those its checks and keys report as. */
function namedRules(def: ProfileDefinition): string[] {
  const out = new Set(Object.keys(def.rules));
  const keys = (specs: Record<string, KeySpec>) => {
    for (const spec of Object.values(specs)) {
      for (const o of Object.values(spec.report ?? {})) if (o.rule) out.add(o.rule);
      if (spec.keys) keys(spec.keys);
      for (const c of spec.checks ?? []) if (c.rule) out.add(c.rule);
    }
  };
  for (const section of [def, ...def.sections]) {
    keys(section.keys);
    for (const c of section.checks) if (c.rule) out.add(c.rule);
  }
  return [...out].sort();
}

describe('built-in profile files', () => {
  it('each has fixtures: at least one valid and six invalid cases', () => {
    for (const profile of builtinProfiles()) {
      const legacy = (kind: string) =>
        existsSync(path.join(ROOT, 'test/fixtures/config', kind, profile.name))
          ? readdirSync(path.join(ROOT, 'test/fixtures/config', kind, profile.name)).filter(
              (f) => !f.endsWith('.expected.json') && f !== 'support',
            ).length
          : 0;
      const mine = invalid.filter((c) => c.profile === profile.name).length + legacy('invalid');
      expect(
        valid.filter((c) => c.profile === profile.name).length + legacy('valid'),
        profile.name,
      ).toBeGreaterThan(0);
      expect(mine, profile.name).toBeGreaterThanOrEqual(6);
    }
  });

  it('every rule a built-in profile names is reported by at least one of its invalid fixtures', () => {
    const uncovered: string[] = [];
    for (const profile of builtinProfiles()) {
      const seen = invalidRules(profile.name);
      for (const rule of namedRules(profile.definition!))
        if (!seen.has(rule)) uncovered.push(`${profile.name}: ${rule}`);
    }
    expect(uncovered).toEqual([]);
  });

  it('every built-in rule is reported by some invalid fixture (online/* and ${VAR} have their own tests)', () => {
    const seen = new Set<string>();
    for (const profile of buildRegistry().keys())
      for (const rule of invalidRules(profile)) seen.add(rule);
    // online/*: test/config/online*.test.ts against a real issuer; env/undefined-variable: env-refs.test.ts.
    const elsewhere = (id: string) => id.startsWith('online/') || id === 'env/undefined-variable';
    expect(Object.keys(RULES).filter((id) => !seen.has(id) && !elsewhere(id))).toEqual([]);
  });

  it('docs/verify-config.md has a row for every built-in profile file', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/verify-config.md'), 'utf8');
    for (const profile of builtinProfiles())
      expect(doc, profile.name).toContain(`| \`${profile.name}\` |`);
  });

  it('docs/verify-config.md has the table of every rule, exactly as --list-rules gives it', () => {
    // The table is generated: UPDATE_GOLDEN=1 rewrites it from the registry (review the diff).
    const file = path.join(ROOT, 'docs/verify-config.md');
    const doc = readFileSync(file, 'utf8');
    const rows = listRules(buildRegistry()).map((rule) => {
      const reach = [
        rule.meanings.length ? `meaning: ${rule.meanings.map((m) => `\`${m}\``).join(', ')}` : '',
        rule.profiles.length ? `profile: ${rule.profiles.join(', ')}` : '',
      ].filter(Boolean);
      const levels = TARGETS.map((t) => rule.severity[t]).join(' / ');
      return `| \`${rule.id}\` | ${levels} | ${rule.summary.replace(/\|/g, '\\|')} | ${reach.join('; ')} |`;
    });
    const head =
      '| rule | development / staging / production | what it means | reached by |\n|---|---|---|---|\n';
    const start = doc.indexOf(head);
    expect(start, 'the table header').toBeGreaterThan(0);
    const end = doc.indexOf('\n\n', start);
    const table = doc.slice(start + head.length, end < 0 ? doc.length : end).trimEnd();
    if (UPDATE)
      writeFileSync(
        file,
        doc.slice(0, start + head.length) +
          rows.join('\n') +
          doc.slice(start + head.length + table.length),
      );
    expect(table.split('\n')).toEqual(rows);
  });

  it('each cites the documentation its rules come from', () => {
    for (const profile of builtinProfiles()) {
      expect(profile.definition!.docs.length, profile.name).toBeGreaterThan(0);
      // A web page, or (authctl's example services) a page of this repository that exists.
      for (const ref of profile.definition!.docs)
        if (!/^https:\/\//.test(ref))
          expect(existsSync(path.join(ROOT, ref.replace(/#.*$/, ''))), ref).toBe(true);
    }
  });
});

describe.each(valid)('valid/$profile/$file ($dir)', ({ profile, dir, file }) => {
  it('is auto-detected and has no errors or warnings in production', async () => {
    const result = await verifyConfig({ files: [file], cwd: dir, target: 'production' });
    expect(result.files).toEqual([{ file, profile }]);
    expect(result.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });
});

describe.each(invalid)('invalid/$profile/$file ($rule)', ({ profile, dir, file, rule }) => {
  it('reports its rule, and exactly the golden findings', async () => {
    const result = await verifyConfig({ files: [file], cwd: dir, profile, target: 'production' });
    expect(result.findings.map((f) => f.rule)).toContain(rule);
    const actual = result.findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      line: f.line ?? null,
      column: f.column ?? null,
      message: f.message,
    }));
    const golden = path.join(dir, 'expected.json');
    if (UPDATE) writeFileSync(golden, `${JSON.stringify({ findings: actual }, null, 2)}\n`);
    expect(actual).toEqual(JSON.parse(readFileSync(golden, 'utf8')).findings);
    for (const f of result.findings) expect(f.fix, `${f.rule} has a fix`).toBeTruthy();
  });

  it('is detected as its profile without --profile', async () => {
    const result = await verifyConfig({ files: [file], cwd: dir, target: 'production' });
    expect(result.files[0]!.profile).toBe(profile);
  });
});

import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyConfig } from '../../src/core/verify/verify.js';
import type { Profile } from '../../src/core/verify/types.js';
import { ROOT } from '../helpers/cli.js';

/**
 * The fixture corpus: test/fixtures/config/{valid,invalid}/<profile>/<case>. Each invalid case has
 * <case>.expected.json with the rule id, severity, line and column of every finding (target
 * production). Regenerate after a deliberate rule change with UPDATE_GOLDEN=1 and review the diff.
 */
const FIXTURES = path.join(ROOT, 'test/fixtures/config');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function cases(kind: 'valid' | 'invalid'): { profile: Profile; dir: string; file: string }[] {
  const out: { profile: Profile; dir: string; file: string }[] = [];
  for (const profile of readdirSync(path.join(FIXTURES, kind))) {
    const dir = path.join(FIXTURES, kind, profile);
    for (const file of readdirSync(dir).sort()) {
      // support/ holds files the cases refer to; a bare .env is agentflow.json's env file.
      if (
        file.endsWith('.expected.json') ||
        file === '.env' ||
        statSync(path.join(dir, file)).isDirectory()
      )
        continue;
      out.push({ profile: profile as Profile, dir, file });
    }
  }
  return out;
}

const invalid = cases('invalid');
const valid = cases('valid');

describe('fixture corpus', () => {
  it('has at least 60 invalid cases across all six profiles', () => {
    expect(invalid.length).toBeGreaterThanOrEqual(60);
    expect(new Set(invalid.map((c) => c.profile))).toEqual(
      new Set(['authctl', 'datapress', 'agentflow', 'recsys', 'relay', 'k3']),
    );
  });
});

describe.each(invalid)('invalid/$profile/$file', ({ profile, dir, file }) => {
  it('reports exactly the golden findings', async () => {
    const result = await verifyConfig({ files: [file], cwd: dir, profile, target: 'production' });
    const actual = result.findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      file: f.file,
      line: f.line ?? null,
      column: f.column ?? null,
    }));
    const goldenFile = path.join(dir, `${file}.expected.json`);
    if (UPDATE) writeFileSync(goldenFile, `${JSON.stringify({ findings: actual }, null, 2)}\n`);
    const golden = JSON.parse(readFileSync(goldenFile, 'utf8')) as { findings: unknown[] };
    expect(actual).toEqual(golden.findings);
    expect(actual.length).toBeGreaterThan(0);
    for (const f of result.findings) {
      expect(f.message.length).toBeGreaterThan(10);
      expect(f.fix, `${f.rule} has a fix`).toBeTruthy();
    }
  });
});

describe.each(valid)('valid/$profile/$file', ({ profile, dir, file }) => {
  it('has no errors or warnings in production', async () => {
    const result = await verifyConfig({ files: [file], cwd: dir, profile, target: 'production' });
    expect(result.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(result.files).toEqual([{ file, profile }]);
  });
  it('is detected as its profile without --profile', async () => {
    const result = await verifyConfig({ files: [file], cwd: dir, target: 'production' });
    expect(result.files[0]!.profile).toBe(profile);
  });
});

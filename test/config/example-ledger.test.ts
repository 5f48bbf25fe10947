import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyConfig } from '../../src/core/verify/verify.js';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';
import { writeFileSync } from 'node:fs';

/**
 * examples/ledger: a service that is none of the built-ins, described by its own profile file.
 * The config marks each planted flaw with `# planted: RULE` on its line; the expectations are read
 * from those markers (written by hand), not from the checker.
 */
const DIR = path.join(ROOT, 'examples/ledger');
const CONFIG = 'config/ledger.yaml';
const PROFILE = './ledger.profile.toml';
const text = readFileSync(path.join(DIR, CONFIG), 'utf8');
const planted = text
  .split('\n')
  .flatMap((line, i) =>
    [...line.matchAll(/# planted: ([a-z0-9-]+\/[a-z0-9-]+)/g)].map((m) => `${i + 1} ${m[1]}`),
  )
  .sort();

describe('examples/ledger', () => {
  it('finds every planted flaw at its line, and nothing else', async () => {
    const result = await verifyConfig({
      files: [CONFIG],
      cwd: DIR,
      profile: PROFILE,
      target: 'production',
    });
    expect(planted.length).toBeGreaterThanOrEqual(12);
    expect(result.files).toEqual([{ file: CONFIG, profile: 'ledger' }]);
    expect(result.findings.map((f) => `${f.line} ${f.rule}`).sort()).toEqual(planted);
  });

  it('honours the inline authctl-ignore comment, and only for the rule it names', async () => {
    const result = await verifyConfig({
      files: [CONFIG],
      cwd: DIR,
      profile: PROFILE,
      target: 'production',
    });
    expect(result.findings.some((f) => f.rule === 'auth/public-docs')).toBe(false);
    const stripped = text.replace(/# authctl-ignore auth\/public-docs[^\n]*/, '');
    const read = async (f: string) =>
      f.endsWith('ledger.yaml') ? stripped : readFileSync(f, 'utf8');
    const unsuppressed = await verifyConfig({
      files: [CONFIG],
      cwd: DIR,
      profile: PROFILE,
      target: 'production',
      readFile: read,
    });
    const line = stripped.split('\n').findIndex((l) => l.includes('swagger-ui')) + 1;
    expect(
      unsuppressed.findings.filter((f) => f.rule === 'auth/public-docs').map((f) => f.line),
    ).toEqual([line]);
  });

  it('works from the CLI with --profile FILE and with [verify] profiles in authctl.toml', async () => {
    const byFlag = await runCli(['verify-config', CONFIG, '--profile', PROFILE, '--json'], {
      cwd: DIR,
    });
    expect(byFlag.code, byFlag.stderr).toBe(1);
    const json = JSON.parse(byFlag.stdout);
    expect(json.files).toEqual([{ file: CONFIG, profile: 'ledger' }]);
    expect(
      json.findings.map((f: { line: number; rule: string }) => `${f.line} ${f.rule}`).sort(),
    ).toEqual(planted);
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'authctl.toml'),
      `[verify]\nprofiles = [${JSON.stringify(path.join(DIR, 'ledger.profile.toml'))}]\n`,
    );
    writeFileSync(path.join(dir, 'ledger.yaml'), text);
    const byConfig = await runCli(['verify-config', 'ledger.yaml', '--json'], { cwd: dir });
    expect(JSON.parse(byConfig.stdout).files).toEqual([{ file: 'ledger.yaml', profile: 'ledger' }]);
  });
});

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { startIdpProcess, type IdpProcess } from '../helpers/idp-process.js';

let idp: IdpProcess;
let issuer: string;
let dir: string;

beforeAll(async () => {
  dir = tempDir('authctl-verify-idp-');
  idp = await startIdpProcess(dir);
  ({ issuer } = idp.info);
});

afterAll(async () => {
  await idp?.stop();
});

const datapress = (iss: string, algs = '"RS256"') =>
  `[auth]\nenabled = true\nissuer = "${iss}"\naudience = "api://datapress"\nalgorithms = [${algs}]\nadmin_token_fallback = false\n`;

describe('verify-config --online against authctl idp serve', () => {
  it('passes with the issuer exactly as served, and finds a trailing-slash mismatch and a missing key', async () => {
    writeFileSync(path.join(dir, 'ok.toml'), datapress(issuer));
    const ok = await runCli(
      [
        'verify-config',
        'ok.toml',
        '--profile',
        'datapress',
        '--online',
        '--json',
        '--target',
        'development',
      ],
      { cwd: dir },
    );
    const okReport = JSON.parse(ok.stdout) as { findings: Array<{ rule: string }> };
    expect(
      okReport.findings.filter((f) => f.rule.startsWith('online/')),
      ok.stderr,
    ).toEqual([]);
    expect(ok.code).toBe(0);

    const other = issuer.endsWith('/') ? issuer.replace(/\/+$/, '') : `${issuer}/`;
    writeFileSync(path.join(dir, 'bad.toml'), datapress(other, '"RS256", "ES512"'));
    const bad = await runCli(
      [
        'verify-config',
        'bad.toml',
        '--profile',
        'datapress',
        '--online',
        '--json',
        '--target',
        'development',
      ],
      { cwd: dir },
    );
    const rules = (
      JSON.parse(bad.stdout) as { findings: Array<{ rule: string; line: number }> }
    ).findings.filter((f) => f.rule.startsWith('online/'));
    expect(rules).toContainEqual(
      expect.objectContaining({ rule: 'online/issuer-mismatch', line: 3 }),
    );
    // ES512: the issuer neither advertises it nor has a P-521 key in its JWKS.
    expect(
      rules.some(
        (f) =>
          f.rule === 'online/algorithm-not-advertised' || f.rule === 'online/no-key-for-algorithm',
      ),
    ).toBe(true);
    expect(bad.code).toBe(1);
  }, 60_000);
});

import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli, tempDir } from '../helpers/cli.js';

let idp: ChildProcess;
let issuer: string;
let dir: string;

beforeAll(async () => {
  dir = tempDir('authctl-verify-idp-');
  idp = spawn(process.execPath, [BIN, 'idp', 'serve', '--port', '0', '--json', '--no-log'], { cwd: dir, env: { ...process.env, AUTHCTL_HOME: path.join(dir, '.authctl') }, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: idp.stdout! }).once('line', resolve);
    idp.once('exit', (code) => reject(new Error(`idp serve exited with ${code}`)));
  });
  ({ issuer } = JSON.parse(line) as { issuer: string });
});

afterAll(async () => {
  if (idp && idp.exitCode === null) {
    const exited = new Promise((resolve) => idp.once('exit', resolve));
    idp.kill('SIGTERM');
    const timer = setTimeout(() => idp.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
});

const datapress = (iss: string, algs = '"RS256"') =>
  `[auth]\nenabled = true\nissuer = "${iss}"\naudience = "api://datapress"\nalgorithms = [${algs}]\nadmin_token_fallback = false\n`;

describe('verify-config --online against authctl idp serve', () => {
  it('passes with the issuer exactly as served, and finds a trailing-slash mismatch and a missing key', async () => {
    writeFileSync(path.join(dir, 'ok.toml'), datapress(issuer));
    const ok = await runCli(['verify-config', 'ok.toml', '--profile', 'datapress', '--online', '--json', '--target', 'development'], { cwd: dir });
    const okReport = JSON.parse(ok.stdout) as { findings: Array<{ rule: string }> };
    expect(okReport.findings.filter((f) => f.rule.startsWith('online/')), ok.stderr).toEqual([]);
    expect(ok.code).toBe(0);

    const other = issuer.endsWith('/') ? issuer.replace(/\/+$/, '') : `${issuer}/`;
    writeFileSync(path.join(dir, 'bad.toml'), datapress(other, '"RS256", "ES512"'));
    const bad = await runCli(['verify-config', 'bad.toml', '--profile', 'datapress', '--online', '--json', '--target', 'development'], { cwd: dir });
    const rules = (JSON.parse(bad.stdout) as { findings: Array<{ rule: string; line: number }> }).findings.filter((f) => f.rule.startsWith('online/'));
    expect(rules).toContainEqual(expect.objectContaining({ rule: 'online/issuer-mismatch', line: 3 }));
    // ES512: the issuer neither advertises it nor has a P-521 key in its JWKS.
    expect(rules.some((f) => f.rule === 'online/algorithm-not-advertised' || f.rule === 'online/no-key-for-algorithm')).toBe(true);
    expect(bad.code).toBe(1);
  }, 60_000);
});

import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, existsSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { runCli, tempDir } from '../helpers/cli.js';

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/;

describe('the first write of a keystore', () => {
  it('token mint says on stderr where it wrote the private keys and puts a .gitignore (*) beside them', async () => {
    const cwd = tempDir();
    const home = path.join(cwd, '.authctl');
    const first = await runCli(['token', 'mint', '--sub', 'alice'], { cwd });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(JWT); // stdout stays only the token
    expect(first.stderr).toBe(
      `created the keystore ${path.join(home, 'keys.json')} (private keys, mode 0600); ${path.join(home, '.gitignore')} keeps it out of git\n`,
    );
    expect(readFileSync(path.join(home, '.gitignore'), 'utf8')).toBe('*\n');
    expect(statSync(path.join(home, '.gitignore')).mode & 0o777).toBe(0o644 & ~process.umask());
    expect(readdirSync(home).sort()).toEqual(['.gitignore', 'keys.json']); // no temp or lock file left
    // The token is real: it verifies against the keystore's published JWKS.
    const jwks = JSON.parse((await runCli(['keys', 'jwks'], { cwd })).stdout);
    await jwtVerify(first.stdout.trim(), createLocalJWKSet(jwks));

    const again = await runCli(['token', 'mint', '--sub', 'alice'], { cwd });
    expect(again.code).toBe(0);
    expect(again.stderr).toBe('');
  });

  it('--quiet silences the notice (the .gitignore is still written); --json keeps stdout one document', async () => {
    const quiet = tempDir();
    const q = await runCli(['token', 'mint', '--quiet'], { cwd: quiet });
    expect(q.code).toBe(0);
    expect(q.stderr).toBe('');
    expect(q.stdout).toMatch(JWT);
    expect(readFileSync(path.join(quiet, '.authctl', '.gitignore'), 'utf8')).toBe('*\n');

    const json = tempDir();
    const j = await runCli(['token', 'mint', '--json'], { cwd: json });
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout).token).toMatch(/^eyJ/);
    expect(j.stderr).toContain('created the keystore');
  });

  it('an existing .gitignore is left as it is, and a directory holding other files gets none', async () => {
    const cwd = tempDir();
    const home = path.join(cwd, '.authctl');
    mkdirSync(home, { mode: 0o700 });
    writeFileSync(path.join(home, '.gitignore'), 'keys.json\n');
    const kept = await runCli(['token', 'mint'], { cwd });
    expect(kept.code).toBe(0);
    expect(readFileSync(path.join(home, '.gitignore'), 'utf8')).toBe('keys.json\n');
    expect(kept.stderr).toContain(`created the keystore ${path.join(home, 'keys.json')}`);

    // --home pointed at a project directory: a "*" .gitignore there would hide the whole project from git.
    const project = path.join(cwd, 'project');
    mkdirSync(project, { mode: 0o700 });
    writeFileSync(path.join(project, 'main.ts'), 'export {};\n');
    const shared = await runCli(['--home', project, 'token', 'mint'], { cwd });
    expect(shared.code).toBe(0);
    expect(existsSync(path.join(project, '.gitignore'))).toBe(false);
    expect(shared.stderr).toBe(
      `created the keystore ${path.join(project, 'keys.json')} (private keys, mode 0600); keep it out of version control\n`,
    );

    // A --home that does not exist yet is authctl's own: it gets the .gitignore, also when authctl's API
    // key store was written there first.
    const fresh = path.join(cwd, 'new-home');
    const apikey = await runCli(['--home', fresh, 'apikey', 'create', '--name', 'ci'], { cwd });
    expect(apikey.code, apikey.stderr).toBe(0);
    const made = await runCli(['--home', fresh, 'token', 'mint'], { cwd });
    expect(made.code).toBe(0);
    expect(readFileSync(path.join(fresh, '.gitignore'), 'utf8')).toBe('*\n');
  });
});

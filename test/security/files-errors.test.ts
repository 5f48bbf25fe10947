import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flagNamer } from '../../src/cli/fields.js';
import { createApiKey } from '../../src/core/apikey/index.js';
import type { AuthctlError } from '../../src/core/errors.js';
import { Keystore } from '../../src/core/keys/keystore.js';
import { nodeFs } from '../../src/core/node.js';
import { runCli, tempDir } from '../helpers/cli.js';

/**
 * Issue #19: filesystem failures reach the user as a one-line error naming the file, what the errno
 * means and the fix (exit 3), never raw errno text; a home directory authctl may not write is refused,
 * never silently chmod-ed. The tests run as root, which ignores permission bits, so EACCES itself
 * cannot be produced with a read-only directory: real failures use a file where a directory is
 * expected (ENOTDIR) and, when the filesystem supports it, an immutable directory (chattr +i, EPERM
 * even for root); EACCES, EROFS and ENOSPC are injected at the atomic-write seam (fs.promises.open).
 */
afterEach(() => vi.restoreAllMocks());

const RAW_ERRNO = /E[A-Z]+: [a-z ]+, (open|mkdir|rename|link)/;

describe('write failures name the file and the fix', () => {
  for (const [code, reason, fix] of [
    ['EACCES', 'permission denied (EACCES)', /chmod u\+rwx/],
    ['EROFS', 'the filesystem is read-only (EROFS)', /remount it read-write/],
    ['ENOSPC', 'the disk is full (ENOSPC)', /free some disk space/],
  ] as const) {
    it(`${code} on the keystore and the API key store (injected)`, async () => {
      const dir = tempDir('authctl-sec-errno-');
      const inject = () =>
        vi
          .spyOn(nodeFs.promises, 'open')
          .mockRejectedValueOnce(
            Object.assign(new Error(`${code}: boom, open '${dir}/.x.tmp'`), { code }),
          );
      inject();
      const keystore = await new Keystore({ dir }).signingKey('ES256').catch((e: unknown) => e);
      expect(keystore).toMatchObject({
        kind: 'environment',
        code: 'ERR_KEYSTORE_WRITE',
        where: path.join(dir, 'keys.json'),
      });
      expect((keystore as Error).message).toBe(
        `cannot write the keystore ${path.join(dir, 'keys.json')}: ${reason}`,
      );
      expect((keystore as { hint: string }).hint).toMatch(fix);
      // As the CLI prints it: core names the field, the CLI the flag.
      expect((keystore as AuthctlError).render(flagNamer(undefined)).hint).toMatch(/--home/);
      inject();
      const store = path.join(dir, 'apikeys.json');
      const apikey = await createApiKey({ store, name: 'ci' }).catch((e: unknown) => e);
      expect(apikey).toMatchObject({ kind: 'environment', where: store });
      expect((apikey as Error).message).toBe(`cannot write the API key store ${store}: ${reason}`);
      expect((apikey as AuthctlError).render(flagNamer(undefined)).hint).toMatch(/--store/);
      // Nothing half-written.
      expect(readdirSync(dir).filter((f) => /\.(tmp|pending|lock)$/.test(f))).toEqual([]);
    });
  }

  it('ENOTDIR (a file where the home directory should be): exit 3, the path and the fix', async () => {
    const dir = tempDir('authctl-sec-errno-');
    writeFileSync(path.join(dir, 'file'), '');
    const home = path.join(dir, 'file', 'home');
    for (const args of [
      ['token', 'mint', '--sub', 'a'],
      ['apikey', 'create', '--name', 'ci'],
      ['keys', 'rotate'],
    ]) {
      const r = await runCli(args, { cwd: dir, env: { AUTHCTL_HOME: home } });
      expect(r.code, args.join(' ')).toBe(3);
      expect(r.stderr).toContain(home);
      expect(r.stderr).toContain('a part of the path is a file, not a directory (ENOTDIR)');
      expect(r.stderr).toMatch(/hint: .*(--home|AUTHCTL_HOME)/);
      expect(r.stderr).not.toMatch(RAW_ERRNO);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('an immutable directory (chattr +i, EPERM even as root): exit 3, the file and the fix', async (context) => {
    const dir = tempDir('authctl-sec-errno-');
    const locked = path.join(dir, 'locked');
    mkdirSync(locked);
    if (spawnSync('chattr', ['+i', locked]).status !== 0) return context.skip();
    try {
      const r = await runCli(
        ['apikey', 'create', '--name', 'ci', '--store', path.join(locked, 'apikeys.json')],
        { cwd: dir },
      );
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(path.join(locked, 'apikeys.json'));
      expect(r.stderr).toContain('(EPERM)');
      expect(r.stderr).toMatch(/hint: .*lsattr/);
      expect(r.stderr).not.toMatch(RAW_ERRNO);
    } finally {
      spawnSync('chattr', ['-i', locked]);
    }
  });
});

describe('home directory modes', () => {
  it('a 0555 home is refused with the fix, and its mode is left alone', async () => {
    const dir = tempDir('authctl-sec-home-');
    const home = path.join(dir, 'home');
    mkdirSync(home);
    chmodSync(home, 0o555);
    for (const args of [
      ['token', 'mint', '--sub', 'a'],
      ['apikey', 'create', '--name', 'ci'],
    ]) {
      const r = await runCli(args, { cwd: dir, env: { AUTHCTL_HOME: home } });
      expect(r.code, args.join(' ')).toBe(3);
      expect(r.stderr).toContain(`${home} is mode 0555`);
      expect(r.stderr).toMatch(new RegExp(`hint: .*chmod 700 ${home}.*--home`));
      expect(statSync(home).mode & 0o777).toBe(0o555);
      expect(readdirSync(home)).toEqual([]);
    }
  });

  it('a 0755 home is used as it is, with a warning (authctl only sets the mode of a directory it creates)', async () => {
    const dir = tempDir('authctl-sec-home-');
    const home = path.join(dir, 'home');
    mkdirSync(home);
    chmodSync(home, 0o755);
    const r = await runCli(['token', 'mint', '--sub', 'a'], {
      cwd: dir,
      env: { AUTHCTL_HOME: home },
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`warning: keystore directory ${home} is mode 0755`);
    expect(statSync(home).mode & 0o777).toBe(0o755);
    expect(statSync(path.join(home, 'keys.json')).mode & 0o777).toBe(0o600);
    // One authctl creates is 0700, and no warning (only the first-write notice).
    const fresh = await runCli(['token', 'mint', '--sub', 'a'], {
      cwd: dir,
      env: { AUTHCTL_HOME: path.join(dir, 'new') },
    });
    expect(fresh.stderr).toBe(
      `created the keystore ${path.join(dir, 'new', 'keys.json')} (private keys, mode 0600); ${path.join(dir, 'new', '.gitignore')} keeps it out of git\n`,
    );
    expect(statSync(path.join(dir, 'new')).mode & 0o777).toBe(0o700);
  });
});

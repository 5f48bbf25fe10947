// The V8 code cache of the CLI's CommonJS files (src/cli/hot-loader.ts), as a user meets it: the first
// run writes private cache files, later runs use it without rewriting it, a damaged or unwritable cache changes
// nothing but speed, and AUTHCTL_NO_COMPILE_CACHE=1 turns it off. Needs `node scripts/build.mjs` first.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, tempDir } from '../helpers/cli.js';

describe('the hot file’s V8 code cache', () => {
  let dir = '';
  let cacheHome = '';
  const v8Dir = () => path.join(cacheHome, 'authctl', 'v8');
  const bins = () => readdirSync(v8Dir()).filter((name) => name.endsWith('.bin'));

  const authctl = (args: string[], env: Record<string, string> = {}) => {
    const result = spawnSync(process.execPath, [BIN, ...args], {
      cwd: dir,
      env: {
        ...process.env,
        AUTHCTL_HOME: path.join(dir, 'home'),
        XDG_CACHE_HOME: cacheHome,
        NO_COLOR: '1',
        ...env,
      },
      encoding: 'utf8',
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  beforeAll(() => {
    dir = tempDir('authctl-code-cache-');
    cacheHome = path.join(dir, 'cache');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is written once, private, then used as it is', () => {
    const first = authctl(['token', 'mint', '--sub', 'alice']);
    expect(first.code).toBe(0);
    // The hot file's, and the cold files' the first mint loads (it creates the signing key).
    const written = bins();
    expect(written.filter((name) => name.includes('~cli~main.cjs~'))).toHaveLength(1);
    expect(statSync(v8Dir()).mode & 0o777).toBe(0o700);
    const stats = new Map(written.map((name) => [name, statSync(path.join(v8Dir(), name))]));
    for (const stat of stats.values()) expect(stat.mode & 0o777).toBe(0o600);
    expect(
      stats.get(written.find((name) => name.includes('~cli~main.cjs~'))!)!.size,
    ).toBeGreaterThan(10_000);
    const second = authctl(['token', 'mint', '--sub', 'bob']);
    expect(second.code).toBe(0);
    expect(second.stderr).toBe('');
    // A cache V8 rejected would be written again at exit.
    for (const [name, stat] of stats)
      expect(statSync(path.join(v8Dir(), name)).mtimeMs, name).toBe(stat.mtimeMs);
    expect(bins()).toEqual(written);
  });

  it('covers the cold CommonJS files a command loads, one cache file each', () => {
    writeFileSync(path.join(dir, 'relay.env'), 'JWT_AUDIENCE=api://relay\n');
    const before = new Set(bins());
    const run = authctl(['verify-config', 'relay.env', '--profile', 'relay']);
    expect([0, 1]).toContain(run.code);
    const added = bins().filter((name) => !before.has(name));
    expect(added.map((name) => name.replace(/^[^~]*~/, '').replace(/-\d.*$/, '')).sort()).toEqual([
      'cli~main.cjs~verify-config',
      'cold~cli-config.cjs~verify-config',
      'cold~verify-core.cjs~verify-config',
    ]);
    const again = authctl(['verify-config', 'relay.env', '--profile', 'relay']);
    expect(again.stdout).toBe(run.stdout);
    expect(bins().filter((name) => !before.has(name))).toEqual(added);
  });

  it('each command has its own cache of the hot file, written by its own first run', () => {
    // V8 caches the functions a run compiled: a mint after a verify-config must not use the
    // verify-config run's cache (it would compile mint's functions on every start).
    const hot = () => bins().filter((name) => name.includes('~cli~main.cjs~'));
    expect(
      hot()
        .map((name) => /~main\.cjs~([a-z-]+)-\d/.exec(name)![1])
        .sort(),
    ).toEqual(['token-mint', 'verify-config']);
    const before = new Map(hot().map((name) => [name, statSync(path.join(v8Dir(), name)).mtimeMs]));
    // Global flags and their values, a token or a file name do not make a command of their own.
    const token = authctl(['--home', path.join(dir, 'home'), 'token', 'mint', '--sub', 'ivan']);
    expect(token.code).toBe(0);
    expect(authctl(['verify-config', 'relay.env', '--profile', 'relay', '--json']).code).toBe(1);
    expect(authctl(['token', 'decode', token.stdout.trim()]).code).toBe(0);
    const after = hot();
    expect(
      after.filter((name) => !before.has(name)).map((n) => /~main\.cjs~([a-z-]+)-\d/.exec(n)![1]),
    ).toEqual(['token-decode']);
    for (const [name, mtime] of before)
      expect(statSync(path.join(v8Dir(), name)).mtimeMs, name).toBe(mtime);
  });

  it('a cold file two commands load has a cache per command (each holds what its command ran)', () => {
    const store = path.join(dir, 'cache-keys.json');
    const created = authctl(['apikey', 'create', '--name', 'ci', '--store', store, '--json']);
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout).key as string;
    const verify = spawnSync(process.execPath, [BIN, 'apikey', 'verify', '--store', store], {
      cwd: dir,
      env: { ...process.env, AUTHCTL_HOME: path.join(dir, 'home'), XDG_CACHE_HOME: cacheHome },
      input: key,
      encoding: 'utf8',
    });
    expect(verify.status, verify.stderr).toBe(0);
    const group = bins()
      .filter((name) => name.includes('~cold~cli-apikey.cjs~'))
      .map((name) => /~cli-apikey\.cjs~([a-z-]+)-\d/.exec(name)![1])
      .sort();
    expect(group).toEqual(['apikey-create', 'apikey-verify']);
  });

  it('a help display writes its own cache and a usage error none: the command’s first real run writes its own', () => {
    const names = () => bins().filter((name) => name.includes('~cli~main.cjs~'));
    const before = new Set(names());
    expect(authctl(['keys', 'list', '--help']).code).toBe(0);
    expect(authctl(['keys', 'list', '--no-such-flag']).code).toBe(2);
    const added = () => names().filter((name) => !before.has(name));
    expect(added().map((name) => /~main\.cjs~([a-z-]+)-\d/.exec(name)![1])).toEqual(['help']);
    expect(authctl(['keys', 'list']).code).toBe(0);
    expect(
      added()
        .map((name) => /~main\.cjs~([a-z-]+)-\d/.exec(name)![1])
        .sort(),
    ).toEqual(['help', 'keys-list']);
  });

  it('a probe run, which tunes V8’s tier-up first (src/cli/tier-up.ts), finds its cache as written', () => {
    // V8 rejects a cache made under other flags: were the flag set after a file was loaded, each
    // probe run would find its caches rejected and write them again at exit.
    writeFileSync(
      path.join(dir, 'probe.json'),
      JSON.stringify({
        base_url: 'http://127.0.0.1:9',
        jwt: { issuer: 'http://127.0.0.1:9', audience: 'api://cache' },
        credentials: { reader: { type: 'jwt', sub: 'alice' } },
        endpoints: [{ path: '/a', allow: ['reader'] }],
      }),
    );
    const probe = () => authctl(['probe', '--spec', 'probe.json', '--dry-run']);
    expect(probe().code).toBe(0);
    const mine = () => bins().filter((name) => /~probe-\d/.test(name));
    // A rewrite is a rename over the file: a new inode, whatever the file system's time resolution.
    const stamp = (name: string) => {
      const { mtimeMs, ino } = statSync(path.join(v8Dir(), name));
      return `${ino}:${mtimeMs}`;
    };
    const written = new Map(mine().map((name) => [name, stamp(name)]));
    expect([...written.keys()].filter((name) => name.includes('~cli~main.cjs~'))).toHaveLength(1);
    const again = probe();
    expect(again.code).toBe(0);
    expect(again.stderr).toBe('');
    for (const [name, before] of written) expect(stamp(name), name).toBe(before);
    expect(mine()).toEqual([...written.keys()]);
  });

  it('a damaged cache is rejected by V8, the command is unchanged, and the cache is rewritten', () => {
    const file = bins().find((name) => name.includes('~cli~main.cjs~token-mint-'));
    writeFileSync(path.join(v8Dir(), file!), Buffer.alloc(4096, 7));
    const run = authctl([
      'token',
      'decode',
      authctl(['token', 'mint', '--sub', 'carol']).stdout.trim(),
      '--json',
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).claims.sub).toBe('carol');
    expect(statSync(path.join(v8Dir(), file!)).size).toBeGreaterThan(10_000);
  });

  it('keeps the newest caches of other installs only, not one per install forever', () => {
    const mine = bins();
    const install = mine[0]!.slice(0, mine[0]!.indexOf('~'));
    for (let i = 0; i < 12; i++)
      for (const file of ['cli~main.cjs', 'cold~cli-keys.cjs'])
        writeFileSync(path.join(v8Dir(), `v0.0.0-x64-other${i}~${file}-1-2-3.bin`), 'old');
    const hot = mine.find((name) => name.includes('~cli~main.cjs~token-mint-'))!;
    rmSync(path.join(v8Dir(), hot)); // this install's: written again at exit, with the sweep
    expect(authctl(['token', 'mint', '--sub', 'frank']).code).toBe(0);
    // Seven other installs (both files of each), and all of this one's.
    const others = bins().filter((name) => !name.startsWith(`${install}~`));
    expect(new Set(others.map((name) => name.slice(0, name.indexOf('~')))).size).toBe(7);
    expect(others).toHaveLength(14);
    expect(bins()).toEqual(expect.arrayContaining(mine));
  });

  it('a first run that loads many files writes all their caches without a warning', () => {
    // A JavaScript config file with a key only zod checks (an URL): cosmiconfig, zod, the config
    // schema and their chunks (18 files).
    const project = path.join(dir, 'js-config');
    mkdirSync(project);
    writeFileSync(
      path.join(project, 'authctl.config.mjs'),
      "export default { token: { audience: 'api://js-config' }, idp: { issuer_url: 'http://127.0.0.1:9400' } };\n",
    );
    const fresh = path.join(dir, 'fresh-cache');
    const run = spawnSync(process.execPath, [BIN, 'token', 'mint', '--sub', 'heidi'], {
      cwd: project,
      env: { ...process.env, AUTHCTL_HOME: path.join(dir, 'home'), XDG_CACHE_HOME: fresh },
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(readdirSync(path.join(fresh, 'authctl', 'v8')).length).toBeGreaterThan(10);
  });

  it('drops this install’s caches of files it no longer has (an upgrade renames the chunks)', () => {
    const mine = bins().filter((name) => name.startsWith(`${process.version}-`));
    const install = mine[0]!.slice(0, mine[0]!.indexOf('~'));
    const gone = `${install}~cold~chunk-GONE0000.cjs-1-2-3.bin`;
    writeFileSync(path.join(v8Dir(), gone), 'old');
    // An older build of the hot file, cached by another command (and by an older authctl, unnamed).
    const olderBuilds = [
      `${install}~cli~main.cjs~verify-config-1-2-3.bin`,
      `${install}~cli~main.cjs-1-2-3.bin`,
    ];
    for (const name of olderBuilds) writeFileSync(path.join(v8Dir(), name), 'old');
    const hot = mine.find((name) => name.includes('~cli~main.cjs~token-mint-'))!;
    rmSync(path.join(v8Dir(), hot)); // written again at exit, with the sweep
    expect(authctl(['token', 'mint', '--sub', 'grace']).code).toBe(0);
    expect(bins()).not.toContain(gone);
    for (const name of olderBuilds) expect(bins()).not.toContain(name);
    expect(bins()).toEqual(expect.arrayContaining(mine));
  });

  it('makes a cache directory left open (0755, as Node makes its own) private again', () => {
    const open = path.join(dir, 'open-cache');
    mkdirSync(path.join(open, 'authctl', 'v8'), { recursive: true, mode: 0o755 });
    chmodSync(path.join(open, 'authctl', 'v8'), 0o755);
    expect(authctl(['token', 'mint', '--sub', 'ivy'], { XDG_CACHE_HOME: open }).code).toBe(0);
    expect(statSync(path.join(open, 'authctl', 'v8')).mode & 0o777).toBe(0o700);
  });

  it('an unwritable cache directory costs nothing but speed; AUTHCTL_NO_COMPILE_CACHE=1 writes none', () => {
    const blocked = path.join(dir, 'not-a-dir');
    writeFileSync(blocked, 'a file where the cache directory would be');
    const run = authctl(['token', 'mint', '--sub', 'dave'], { XDG_CACHE_HOME: blocked });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const off = path.join(dir, 'off');
    mkdirSync(off);
    const plain = authctl(['token', 'mint', '--sub', 'erin'], {
      XDG_CACHE_HOME: off,
      AUTHCTL_NO_COMPILE_CACHE: '1',
    });
    expect(plain.code).toBe(0);
    expect(readdirSync(off)).toEqual([]);
  });
});

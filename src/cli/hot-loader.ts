// Loads the CLI's CommonJS files (dist/cli/main.cjs, the hot file, and the cold dist/cold/*.cjs ones)
// with a V8 code cache, because start-up is a feature (issue #17): compiling the 130 kB hot file, and
// then each function the command runs, is a fifth of `authctl token mint`. Each file is compiled with
// vm.Script and the cached data V8 produced at the end of an earlier run (so it holds the functions
// that run ran, not only the top level), and its relative require() of another .cjs file goes
// through here too. On Node 22.8+ Node's own compile cache covers the packages Node loads itself.
//
// The cache lives in the user's own cache directory (never a shared /tmp: cached data is code, so a
// file another user could write would be code run as this user), one file per Node version, install,
// file build and command. It is written once, at exit, after a run that found none (or found it rejected),
// with temp file + rename, and anything that goes wrong is ignored: the cache only ever saves time.
// AUTHCTL_NO_COMPILE_CACHE=1 turns it off.
import Module, { createRequire } from 'node:module';

// Node's built-ins by require(), not import: an ES module import of a built-in builds its namespace
// (about half a millisecond each), and this file is part of every start, `--version` included.
// Nothing runs at load: `--version` never calls in here.
let required: NodeJS.Require | undefined;
const nodeRequire = (id: string): unknown => (required ??= createRequire(import.meta.filename))(id);
const fs = () => nodeRequire('node:fs') as typeof import('node:fs');
let path: typeof import('node:path');

type ModuleWithCompileCache = typeof Module & { enableCompileCache?: (dir?: string) => unknown };

/** A CommonJS file's exports, loaded with the code cache when there is a cache directory. */
export function requireWithCodeCache(file: string, env: NodeJS.ProcessEnv): unknown {
  path ??= nodeRequire('node:path') as typeof import('node:path');
  const native = createRequire(file);
  const dir = env.AUTHCTL_NO_COMPILE_CACHE === '1' ? undefined : cacheDirectory(env);
  if (!dir) return native(file);
  // Node 22.8+ caches what its own loaders compile: the packages a command imports (yaml, jose...).
  // authctl's files still go through loadCached: Node makes its cache of a file when it compiles it,
  // before any of its functions ran, and for these files it saved little (Node 24.21, `token mint`,
  // medians of 15 runs in one series: 67 ms with Node's cache, 70 ms with none, 55 ms with
  // loadCached's; `node -e 0` 38 ms).
  enableNodeCache(dir);
  return loadCached(file, dir, native);
}

let nodeCacheEnabled = false;
/**
 * Node's own cache, in `dir/node`; `dir` made first, private, as writeCaches makes it. Node makes
 * its directories 0755, and it made `dir` too while authctl left its files to Node's cache: such
 * a directory is made private again (others could list it, not write to it).
 */
function enableNodeCache(dir: string): void {
  const enable = (Module as ModuleWithCompileCache).enableCompileCache;
  if (!enable || nodeCacheEnabled) return;
  nodeCacheEnabled = true;
  try {
    privateDirectory(dir);
    enable(path.join(dir, 'node'));
  } catch {
    // a read-only or full disk: start without Node's cache
  }
}

/** Makes `dir` (0700), or makes an existing one of this user's that others can read private. */
function privateDirectory(dir: string): void {
  const { chmodSync, mkdirSync, statSync } = fs();
  if (mkdirSync(dir, { recursive: true, mode: 0o700 }) !== undefined) return;
  const stat = statSync(dir);
  if (stat.mode & 0o077 && stat.uid === process.getuid?.()) chmodSync(dir, 0o700);
}

function cacheDirectory(env: NodeJS.ProcessEnv): string | undefined {
  const home = env.HOME || (nodeRequire('node:os') as typeof import('node:os')).homedir();
  const base = env.XDG_CACHE_HOME || (home ? path.join(home, '.cache') : '');
  // Only an absolute directory: a relative one would put the cache in whatever the working directory is.
  return path.isAbsolute(base) ? path.join(base, 'authctl', 'v8') : undefined;
}

/** `file`'s exports: from require's cache, or compiled with the cached data and run as Node would. */
function loadCached(file: string, dir: string, native: NodeJS.Require): unknown {
  const loaded = native.cache[file];
  if (loaded) return loaded.exports;
  const { readFileSync, statSync } = fs();
  const { Script } = nodeRequire('node:vm') as typeof import('node:vm');
  const source = readFileSync(file, 'utf8');
  const { family, build, cacheFile, dist } = cacheName(file, statSync(file), dir);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // first run of this build: compiled from source, cached at exit
  }
  const script = new Script(Module.wrap(source), { filename: file, cachedData });
  const module = new Module(file);
  module.filename = file;
  // In require's cache, as Node's own loader would put it: a require() or import of the file gets
  // this instance (and a cycle gets its exports so far, as with Node's loader).
  native.cache[file] = module;
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  const require = requireFrom(file, dir, native);
  wrapper.call(module.exports, module.exports, require, module, file, path.dirname(file));
  module.loaded = true;
  if (!cachedData || script.cachedDataRejected)
    writeAtExit(dir, {
      family,
      build,
      file: cacheFile,
      dist,
      data: () => script.createCachedData(),
    });
  return module.exports;
}

let atExit: Map<string, CacheTarget[]> | undefined;
/**
 * Writes `target` at exit, with every other file's cache this run made, under one exit listener and
 * one sweep of the directory (a first run may load dozens of files).
 */
function writeAtExit(dir: string, target: CacheTarget): void {
  if (!atExit) {
    const writes = (atExit = new Map());
    // Not after a usage error (exit 2, EXIT_CODES.usage): such a run stops before the command's
    // code runs, and its cache would be the one every later run of the command finds.
    process.once('exit', (code) => {
      if (code !== 2) writes.forEach((targets, into) => writeCaches(into, targets));
    });
  }
  atExit.set(dir, [...(atExit.get(dir) ?? []), target]);
}

/** The require() a cached file gets: its relative .cjs imports (cold CLI files) load cached too. */
function requireFrom(file: string, dir: string, native: NodeJS.Require): NodeJS.Require {
  const from = path.dirname(file);
  const require = (id: string): unknown =>
    id.startsWith('.') && id.endsWith('.cjs')
      ? loadCached(path.resolve(from, id), dir, native)
      : native(id);
  return Object.assign(require, {
    resolve: native.resolve,
    cache: native.cache,
    main: native.main,
    extensions: native.extensions,
  }) as NodeJS.Require;
}

/**
 * The cache file of a build of `file`. V8 checks only the source's length: the name carries the
 * build's identity (size, mtime, inode). The install (the dist/ directory) is in it, so two installs
 * never keep evicting each other's cache: `${node}-${arch}-${install}~${cli|cold}~${name}~${command}-...`
 * (`...~cli~main.cjs~token-mint-...`: see commandOf). Every file's cache is the command's own, the
 * cold files' too: the probe core's cache written by `probe init` held only the functions it ran,
 * and every probe run after compiled its own again.
 */
let command: string | undefined; // this run's, once: every file it loads asks
function cacheName(file: string, stat: import('node:fs').Stats, dir: string) {
  const dist = path.dirname(path.dirname(file));
  const where = path.basename(path.dirname(file));
  const family = `${process.version}-${process.arch}-${fnv1a(dist)}~${where}~${path.basename(file)}`;
  const build = `-${stat.size}-${Math.trunc(stat.mtimeMs)}-${stat.ino}.bin`;
  const variant = `~${(command ??= commandOf(process.argv.slice(2)))}`;
  return { family, build, cacheFile: path.join(dir, `${family}${variant}${build}`), dist };
}

/**
 * The command tree's top two levels, the only words that may name a cache file: a user's data (a
 * file name, a pasted token, a flag's value, which may be a secret) never does, and the number of
 * cache files stays bounded. test/cli/contract.test.ts holds this to the real tree.
 */
export const CACHED_COMMANDS: Readonly<Record<string, readonly string[]>> = {
  token: ['mint', 'decode', 'verify', 'crack', 'defects'],
  keys: ['list', 'rotate', 'jwks', 'import', 'export'],
  idp: [
    ...['serve', 'wait', 'doctor', 'rotate', 'fault', 'clock'],
    ...['requests', 'client', 'user', 'claims', 'device', 'state'],
  ],
  'verify-config': [],
  init: [],
  config: ['schema'],
  apikey: ['create', 'list', 'show', 'verify', 'rotate', 'revoke', 'export', 'mask'],
  sigv4: ['sign', 'presign', 'verify'],
  sign: [],
  probe: ['init'],
  demo: [],
};

/**
 * The command a run is (`token-mint`), which names its caches: V8 caches the functions
 * compiled so far, so a hot file cache written by a `verify-config` run lacks `token mint`'s, and
 * every mint after compiled them again (1.25x `node -e 0` instead of 1.16x). Each command gets the
 * cache its own first run wrote; anything but a command of CACHED_COMMANDS is `none`, and a help
 * display (`--help`, `-h`) is `help`: it runs none of the command's code. Global flags before the
 * command are skipped.
 */
export function commandOf(args: readonly string[]): string {
  if (args.includes('--help') || args.includes('-h')) return 'help';
  let i = 0;
  // The global options that take a value (main.ts buildProgram) take the next argument with them.
  for (; i < args.length && args[i]!.startsWith('-'); i++)
    if (args[i] === '--home' || args[i] === '--config') i++;
  const first = args[i];
  if (first === undefined || !Object.hasOwn(CACHED_COMMANDS, first)) return 'none';
  const second = args[i + 1];
  return second !== undefined && CACHED_COMMANDS[first]!.includes(second)
    ? `${first}-${second}`
    : first;
}

/**
 * The install part of a cache file's name (see cacheName): node, arch and install, before the file.
 * A name without `~` (an older build's) is taken whole: an install of its own.
 */
const installOf = (name: string) => name.slice(0, name.indexOf('~') >>> 0);

/** Installs whose caches are kept in the directory (per install and Node version, a file per file it ran). */
const KEPT_INSTALLS = 8;

/** A cache to write: its name's family (its file, any build or command), its build, the install's dist/, the cached data. */
interface CacheTarget {
  family: string;
  build: string;
  file: string;
  dist: string;
  data: () => Buffer;
}

/**
 * Writes this run's caches; then drops those files' caches of older builds, this install's caches
 * of files it no longer has (an upgrade renames the chunks), and other installs' caches but the
 * newest few installs'. No fsync: a file torn by a crash fails V8's checksum, is rejected, and is
 * written again.
 */
function writeCaches(dir: string, targets: CacheTarget[]): void {
  const { readdirSync, renameSync, rmSync, writeFileSync } = fs();
  try {
    privateDirectory(dir);
    for (const { file, data } of targets) {
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, data(), { mode: 0o600 });
      renameSync(temp, file);
    }
    const written = new Set(targets.map(({ file }) => path.basename(file)));
    const others = readdirSync(dir).filter((n) => n.endsWith('.bin') && !written.has(n));
    const mine = installOf(path.basename(targets[0]!.file));
    const { dist } = targets[0]!;
    // The same file of another build (any command's cache of it): `family` then `-` or `~`.
    const older = (n: string) =>
      targets.some(
        ({ family, build }) =>
          n.startsWith(family) && '-~'.includes(n[family.length]!) && !n.endsWith(build),
      );
    const stale = [
      ...others.filter((n) => older(n) || gone(n, mine, dist)),
      ...staleInstalls(dir, others, mine),
    ];
    for (const name of new Set(stale)) rmSync(path.join(dir, name), { force: true });
  } catch {
    // a read-only or full disk: the next run compiles from source again
  }
}

/** Whether `name` is a cache of this install (`mine`) for a file its dist/ no longer has. */
function gone(name: string, mine: string, dist: string): boolean {
  if (installOf(name) !== mine) return false;
  const [, dir, rest] = name.split('~');
  const base = rest?.replace(/-\d+-\d+-\d+\.bin$/, '');
  return !dir || !base || !fs().existsSync(path.join(dist, dir, base));
}

/** Other installs' cache files (a project's, a global one, test installs) but the newest few installs'. */
function staleInstalls(dir: string, names: string[], mine: string): string[] {
  const { statSync } = fs();
  const newest = new Map<string, number>();
  for (const name of names) {
    const install = installOf(name);
    if (install === mine) continue;
    const mtime = statSync(path.join(dir, name), { throwIfNoEntry: false })?.mtimeMs ?? 0;
    newest.set(install, Math.max(newest.get(install) ?? 0, mtime));
  }
  const kept = new Set(
    [...newest]
      .sort((a, b) => b[1] - a[1])
      .slice(0, KEPT_INSTALLS - 1)
      .map(([install]) => install),
  );
  return names.filter((name) => installOf(name) !== mine && !kept.has(installOf(name)));
}

/** A short name for a path (FNV-1a, 32 bits): it only tells installs apart, it guards nothing. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(36);
}

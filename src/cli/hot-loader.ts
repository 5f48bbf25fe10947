// Loads the CLI's hot file (dist/cli/main.cjs) with a V8 code cache, because start-up is a feature
// (issue #17): compiling the 130 kB file, and then each function the command runs, is a fifth of
// `authctl token mint`. Node 22.1+ does this itself (module.enableCompileCache); on Node 20 the file is
// compiled with vm.Script and the cached data V8 produced on an earlier run.
//
// The cache lives in the user's own cache directory (never a shared /tmp: cached data is code, so a
// file another user could write would be code run as this user), one file per Node version and hot
// file build. It is written once, at exit, after a run that found none (or found it rejected), with
// temp file + rename, and anything that goes wrong is ignored: the cache only ever saves time.
// AUTHCTL_NO_COMPILE_CACHE=1 turns it off.
import Module, { createRequire } from 'node:module';

// Node's built-ins by require(), not import: an ES module import of a built-in builds its namespace
// (about half a millisecond each), and this file is part of every start, `--version` included.
// Nothing runs at load: `--version` never calls in here.
let required: NodeJS.Require | undefined;
const nodeRequire = (id: string): unknown => (required ??= createRequire(import.meta.url))(id);
const fs = () => nodeRequire('node:fs') as typeof import('node:fs');
let path: typeof import('node:path');

type ModuleWithCompileCache = typeof Module & { enableCompileCache?: (dir?: string) => unknown };

/** The hot file's exports; `url` names a CommonJS file. */
export function requireWithCodeCache(url: URL, env: NodeJS.ProcessEnv): unknown {
  path ??= nodeRequire('node:path') as typeof import('node:path');
  const { fileURLToPath } = nodeRequire('node:url') as typeof import('node:url');
  const file = fileURLToPath(url);
  const requireHot = createRequire(file);
  const dir = env.AUTHCTL_NO_COMPILE_CACHE === '1' ? undefined : cacheDirectory(env);
  if (!dir) return requireHot(file);
  const nodeCache = (Module as ModuleWithCompileCache).enableCompileCache;
  if (nodeCache) {
    nodeCache(path.join(dir, 'node'));
    return requireHot(file);
  }
  return runCached(file, dir, requireHot);
}

function cacheDirectory(env: NodeJS.ProcessEnv): string | undefined {
  const home = env.HOME || (nodeRequire('node:os') as typeof import('node:os')).homedir();
  const base = env.XDG_CACHE_HOME || (home ? path.join(home, '.cache') : '');
  // Only an absolute directory: a relative one would put the cache in whatever the working directory is.
  return path.isAbsolute(base) ? path.join(base, 'authctl', 'v8') : undefined;
}

function runCached(file: string, dir: string, requireHot: NodeJS.Require): unknown {
  const { readFileSync, statSync } = fs();
  const { Script } = nodeRequire('node:vm') as typeof import('node:vm');
  const source = readFileSync(file, 'utf8');
  // V8 checks only the source's length: the name carries the build's identity (size, mtime, inode).
  const stat = statSync(file);
  // One family per install (its directory): two installs must not keep evicting each other's cache.
  const family = `${process.version}-${process.arch}-${fnv1a(path.dirname(file))}-${path.basename(file)}-`;
  const cacheFile = path.join(
    dir,
    `${family}${stat.size}-${Math.trunc(stat.mtimeMs)}-${stat.ino}.bin`,
  );
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // first run of this build: compiled from source, cached at exit
  }
  const script = new Script(Module.wrap(source), { filename: file, cachedData });
  const hot = new Module(file);
  hot.filename = file;
  // In require's cache, as Node's own loader would put it: a require() of the file gets this instance.
  requireHot.cache[file] = hot;
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(hot.exports, hot.exports, requireHot, hot, file, path.dirname(file));
  hot.loaded = true;
  if (!cachedData || script.cachedDataRejected)
    process.once('exit', () => writeCache(dir, family, cacheFile, () => script.createCachedData()));
  return hot.exports;
}

/** Caches kept in the directory (one per install and Node version, ~200 kB each). */
const KEPT_INSTALLS = 8;

/**
 * Writes this build's cache, drops the caches of older builds of the same install and Node, and all
 * but the newest of other installs'. No fsync:
 * a file torn by a crash fails V8's checksum, is rejected, and is written again.
 */
function writeCache(dir: string, family: string, file: string, data: () => Buffer): void {
  const { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } = fs();
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, data(), { mode: 0o600 });
    renameSync(temp, file);
    const others = readdirSync(dir).filter((n) => n.endsWith('.bin') && n !== path.basename(file));
    for (const name of others.filter((n) => n.startsWith(family)))
      rmSync(path.join(dir, name), { force: true });
    // Other installs (a project's, a global one, test installs) keep theirs, the newest few only.
    const byAge = others
      .filter((n) => !n.startsWith(family))
      .map((name) => ({
        name,
        mtime: statSync(path.join(dir, name), { throwIfNoEntry: false })?.mtimeMs ?? 0,
      }))
      .sort((a, b) => b.mtime - a.mtime);
    for (const { name } of byAge.slice(KEPT_INSTALLS - 1))
      rmSync(path.join(dir, name), { force: true });
  } catch {
    // a read-only or full disk: the next run compiles from source again
  }
}

/** A short name for a path (FNV-1a, 32 bits): it only tells installs apart, it guards nothing. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(36);
}

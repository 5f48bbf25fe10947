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
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';
import { Script } from 'node:vm';

type ModuleWithCompileCache = typeof Module & { enableCompileCache?: (dir?: string) => unknown };

/** The hot file's exports; `file` is an absolute path to a CommonJS file. */
export function requireWithCodeCache(file: string, env: NodeJS.ProcessEnv): unknown {
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
  const base =
    env.XDG_CACHE_HOME || (env.HOME || homedir() ? path.join(env.HOME || homedir(), '.cache') : '');
  return base ? path.join(base, 'authctl', 'v8') : undefined;
}

function runCached(file: string, dir: string, requireHot: NodeJS.Require): unknown {
  const source = readFileSync(file, 'utf8');
  // V8 checks only the source's length: the name carries the build's identity (size, mtime, inode).
  const stat = statSync(file);
  const family = `${process.version}-${process.arch}-${path.basename(file)}-`;
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
  // In require's cache, so the cold modules' `import ... from '../cli/main.cjs'` gets this instance.
  requireHot.cache[file] = hot;
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(hot.exports, hot.exports, requireHot, hot, file, path.dirname(file));
  hot.loaded = true;
  if (!cachedData || script.cachedDataRejected)
    process.once('exit', () => writeCache(dir, family, cacheFile, () => script.createCachedData()));
  return hot.exports;
}

/** Writes this build's cache and drops the caches of older builds of the same file and Node. */
function writeCache(dir: string, family: string, file: string, data: () => Buffer): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, data(), { mode: 0o600 });
    renameSync(temp, file);
    for (const name of readdirSync(dir))
      if (name.startsWith(family) && name !== path.basename(file) && name.endsWith('.bin'))
        rmSync(path.join(dir, name), { force: true });
  } catch {
    // a read-only or full disk: the next run compiles from source again
  }
}

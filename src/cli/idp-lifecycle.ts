import { execFileSync } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import { environmentError } from '../core/errors.js';
import { writeFileAtomic } from '../core/fs/atomic.js';

/**
 * `idp serve --ready-file FILE`: the --json ready line, written atomically (temp + fsync + rename) once the
 * issuer listens, so `idp wait --ready-file FILE` never reads half a file and a script needs no
 * `> idp.json &` race. The file goes away when the issuer stops, so a later wait does not trust a dead one.
 */
export async function writeReadyFile(file: string, ready: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(ready)}\n`, { mode: 0o644 }).catch(
    (error: NodeJS.ErrnoException) => {
      throw environmentError(
        'ERR_READY_FILE',
        `cannot write the ready file: ${error.code ?? error.message}`,
        { where: file, hint: 'give --ready-file a path in a writable directory' },
      );
    },
  );
}

export async function removeReadyFile(file: string): Promise<void> {
  await fs.rm(file, { force: true }).catch(() => {});
}

/**
 * Resolves once the issuer has stopped: when `stop` aborts (SIGINT/SIGTERM: the verb's `io.stop`), or
 * when npm, which started it, is gone (watchLauncher). Closes the server, then removes the ready file.
 */
export function untilStopped(
  stop: AbortSignal,
  { env, info }: { env: NodeJS.ProcessEnv; info: (message: string) => void },
  close: () => Promise<void>,
  readyFile: string | undefined,
): Promise<void> {
  return new Promise<void>((resolve) => {
    let stopping = false;
    let unwatch: (() => void) | undefined;
    const halt = (why: string) => {
      if (stopping) return;
      stopping = true;
      unwatch?.();
      info(`${why}: stopping the issuer`);
      close()
        .then(() => (readyFile ? removeReadyFile(readyFile) : undefined))
        .then(resolve, resolve);
    };
    const onAbort = () => halt(String(stop.reason));
    if (stop.aborted) return onAbort();
    stop.addEventListener('abort', onAbort, { once: true });
    unwatch = watchLauncher(env, halt);
  });
}

const WATCH_INTERVAL_MS = 500;

/**
 * Under `npx authctl idp serve` (npm exec) or an npm script, npm runs us through `sh -c`: killing npm
 * with SIGTERM kills that shell but not us, and SIGKILL leaves the shell waiting on us, so `kill $!`
 * used to leave the issuer running for good. So when npm started us (it sets npm_lifecycle_event), we
 * watch the shell (our parent pid changes when it dies) and npm itself (the shell's parent), and stop
 * when either is gone. Run directly (`node_modules/.bin/authctl idp serve &`), signals reach us and the
 * issuer deliberately outlives the shell that started it (a CI step that starts it for later steps).
 * stdin closing is no signal: background jobs and CI steps usually have /dev/null on stdin.
 */
export function watchLauncher(
  env: NodeJS.ProcessEnv,
  onGone: (why: string) => void,
): (() => void) | undefined {
  if (!env.npm_lifecycle_event) return undefined;
  const parent = process.ppid;
  const launcher = parentOf(parent);
  const timer = setInterval(() => {
    if (process.ppid !== parent) onGone(`the process that started it (pid ${parent}) exited`);
    else if (launcher !== undefined && launcher > 1 && !alive(launcher))
      onGone(`npm (pid ${launcher}) exited`);
    else return;
    clearInterval(timer);
  }, WATCH_INTERVAL_MS);
  // The server keeps the process alive; this timer must not keep a stopped issuer around.
  timer.unref();
  return () => clearInterval(timer);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The parent of `pid`: /proc on Linux, `ps` elsewhere; undefined if neither answers. Read once, at start. */
function parentOf(pid: number): number | undefined {
  try {
    // Field 4 of /proc/PID/stat, after the parenthesised command name (which may contain spaces).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    try {
      return (
        Number(
          execFileSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' }).trim(),
        ) || undefined
      );
    } catch {
      return undefined;
    }
  }
}

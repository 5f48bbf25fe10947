import { hostname, loadCrypto, nodeFs } from '../node.js';
import path from 'node:path';
import { environmentError } from '../errors.js';
import { escapeRegExp } from './atomic.js';
import { writeError } from './errors.js';
import { removeLeftovers, removeLockLeftovers } from './leftovers.js';

export interface LockOptions {
  /** Give up after this many ms (default 10 s). */
  timeoutMs?: number;
  /** A lock older than this is considered abandoned by a crashed process (default 30 s). */
  staleMs?: number;
}

/** One attempt to take the lock: its content, the file it is linked from, and how long to wait. */
interface LockAttempt {
  target: string;
  lockPath: string;
  pending: string;
  token: string;
  /** When to give up (Date.now() at the start plus timeoutMs). */
  deadline: number;
  staleMs: number;
}

/**
 * The lock appears with its content already in it (written aside, then hard-linked into place,
 * which fails with EEXIST just like O_EXCL), so a crash never leaves an empty, unjudgeable lock.
 */
async function writePending({ pending, token, target }: LockAttempt): Promise<void> {
  try {
    await nodeFs.promises.writeFile(pending, token, { mode: 0o600 });
  } catch (error) {
    // A disk-full write leaves a partial file behind: never leave it.
    await nodeFs.promises.rm(pending, { force: true }).catch(() => {});
    throw writeError(error, target, { what: 'the lock file for' });
  }
}

/** Takes the lock, breaking a stale one and backing off (5 ms doubling to 100 ms) until the deadline. */
async function acquire(attempt: LockAttempt): Promise<void> {
  const { target, lockPath, pending, token, deadline, staleMs } = attempt;
  let delay = 5;
  for (;;) {
    let acquired: boolean;
    try {
      acquired = await createLock(lockPath, pending, token);
    } catch (error) {
      await nodeFs.promises.rm(pending, { force: true });
      throw writeError(error, target, { what: 'the lock file for' });
    }
    if (acquired) {
      await nodeFs.promises.rm(pending, { force: true });
      await removeDeadLockFiles(lockPath, staleMs);
      return;
    }
    const stale = await staleContent(lockPath, staleMs);
    if (stale !== undefined) {
      await breakLock(lockPath, stale);
      continue;
    }
    if (Date.now() > deadline) {
      await nodeFs.promises.rm(pending, { force: true });
      throw environmentError('ERR_LOCK_TIMEOUT', `timed out waiting for lock ${lockPath}`, {
        where: lockPath,
        hint: 'another authctl process is writing; if none is running, delete the .lock file',
      });
    }
    await new Promise((resolve) => setTimeout(resolve, delay + Math.random() * delay));
    delay = Math.min(delay * 2, 100);
  }
}

/**
 * A long hold (say, generating an 8192-bit RSA key on a slow machine) must not look abandoned:
 * refresh the lock's mtime while it is still ours. Returns the timer to clear.
 */
function keepFresh({ lockPath, token, staleMs }: LockAttempt): NodeJS.Timeout {
  const heartbeat = setInterval(
    () => {
      void nodeFs.promises
        .readFile(lockPath, 'utf8')
        .then((text) =>
          text === token ? nodeFs.promises.utimes(lockPath, new Date(), new Date()) : undefined,
        )
        .catch(() => {});
    },
    Math.max(10, staleMs / 3),
  );
  heartbeat.unref();
  return heartbeat;
}

/**
 * Runs `fn` while holding an exclusive lock file (`<target>.lock`, created by link(2), which is
 * atomic and exclusive on local filesystems). Used wherever two authctl processes may write the same file.
 * A lock left by a dead process (same host, pid gone) or older than `staleMs` is broken.
 */
export async function withFileLock<T>(
  target: string,
  fn: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const lockPath = `${target}.lock`;
  // A nonce makes each lock's content unique, so "is this still the lock I judged/took?" is answerable.
  const nonce = loadCrypto().randomBytes(8).toString('hex');
  const attempt: LockAttempt = {
    target,
    lockPath,
    pending: `${lockPath}.${nonce}.pending`,
    token: JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now(), nonce }),
    deadline: Date.now() + (options.timeoutMs ?? 10_000),
    staleMs: options.staleMs ?? 30_000,
  };
  await writePending(attempt);
  await acquire(attempt);
  const heartbeat = keepFresh(attempt);
  try {
    return await fn();
  } finally {
    clearInterval(heartbeat);
    // Remove only our own lock: never one that another process took after ours was broken.
    if ((await nodeFs.promises.readFile(lockPath, 'utf8').catch(() => undefined)) === attempt.token)
      await nodeFs.promises.rm(lockPath, { force: true });
  }
}

/**
 * Under the lock: `.pending` files (owner pid and host inside) and `.stale` files (pid in the name)
 * of processes that were killed are removed; a live process's never are.
 */
async function removeDeadLockFiles(lockPath: string, staleMs: number): Promise<void> {
  const dir = path.dirname(lockPath);
  const base = escapeRegExp(path.basename(lockPath));
  await removeLockLeftovers(dir, new RegExp(`^${base}\\.[0-9a-f]+\\.pending$`), staleMs);
  await removeLeftovers(dir, new RegExp(`^${base}\\.(\\d+)\\.[0-9a-f]+\\.stale$`));
}

/** One attempt to take the lock; false when someone else holds it. */
async function createLock(lockPath: string, pending: string, token: string): Promise<boolean> {
  // A hard link keeps the pending file's mtime: refresh it so a long wait never looks stale.
  const now = new Date();
  await nodeFs.promises.utimes(pending, now, now);
  try {
    await nodeFs.promises.link(pending, lockPath);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
  }
  // No hard links on this filesystem: O_EXCL (a crash between create and write leaves an empty
  // lock, which is broken once it is older than staleMs).
  try {
    const handle = await nodeFs.promises.open(
      lockPath,
      nodeFs.constants.O_CREAT | nodeFs.constants.O_EXCL | nodeFs.constants.O_WRONLY,
      0o600,
    );
    await handle.writeFile(token);
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * The lock's content when it is stale (owner dead, or older than staleMs), else undefined.
 * Content and mtime come from one handle, so they describe the same lock file.
 */
async function staleContent(lockPath: string, staleMs: number): Promise<string | undefined> {
  try {
    const handle = await nodeFs.promises.open(lockPath, 'r');
    let text: string;
    let mtimeMs: number;
    try {
      [text, { mtimeMs }] = await Promise.all([handle.readFile('utf8'), handle.stat()]);
    } finally {
      await handle.close();
    }
    if (Date.now() - mtimeMs > staleMs) return text;
    const owner = JSON.parse(text) as { pid?: number; host?: string };
    if (owner.host === hostname() && typeof owner.pid === 'number' && owner.pid !== process.pid) {
      try {
        process.kill(owner.pid, 0);
      } catch (error) {
        // Re-read after the check: an owner that released normally and exited is "dead" too, but its
        // lock is gone by now (maybe re-taken by a live process), so only the very same lock is stale.
        if ((error as NodeJS.ErrnoException).code === 'ESRCH')
          return (await nodeFs.promises.readFile(lockPath, 'utf8')) === text ? text : undefined;
      }
    }
    return undefined;
  } catch {
    // Lock vanished or is mid-write by its owner: not stale, retry.
    return undefined;
  }
}

/**
 * Breaks a stale lock without breaking a live one: the lock we judged may have been released and
 * re-taken by a live process since we read it (its dead-pid owner had simply finished). So move the
 * file aside atomically, and put it back if it turns out not to be the one we judged stale.
 */
async function breakLock(lockPath: string, judged: string): Promise<void> {
  const aside = `${lockPath}.${process.pid}.${loadCrypto().randomBytes(4).toString('hex')}.stale`;
  try {
    await nodeFs.promises.rename(lockPath, aside);
  } catch {
    return; // already gone: just retry
  }
  const moved = await nodeFs.promises.readFile(aside, 'utf8').catch(() => undefined);
  if (moved !== judged) await nodeFs.promises.link(aside, lockPath).catch(() => {});
  await nodeFs.promises.rm(aside, { force: true });
}

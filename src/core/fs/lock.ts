import { promises as fs, constants as fsConstants } from 'node:fs';
import { hostname } from 'node:os';
import { environmentError } from '../errors.js';

export interface LockOptions {
  /** Give up after this many ms (default 10 s). */
  timeoutMs?: number;
  /** A lock older than this is considered abandoned by a crashed process (default 30 s). */
  staleMs?: number;
}

/**
 * Runs `fn` while holding an exclusive lock file (`<target>.lock`, created with O_EXCL, which is
 * atomic on local filesystems). Used wherever two authctl processes may write the same file.
 * A lock left by a dead process (same host, pid gone) or older than `staleMs` is broken.
 */
export async function withFileLock<T>(target: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const lockPath = `${target}.lock`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const staleMs = options.staleMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  for (;;) {
    try {
      const handle = await fs.open(lockPath, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY, 0o600);
      await handle.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now() }));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (await isStale(lockPath, staleMs)) {
        await fs.rm(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw environmentError('ERR_LOCK_TIMEOUT', `timed out waiting for lock ${lockPath}`, {
          where: lockPath,
          hint: 'another authctl process is writing; if none is running, delete the .lock file',
        });
      }
      await new Promise((resolve) => setTimeout(resolve, delay + Math.random() * delay));
      delay = Math.min(delay * 2, 100);
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(lockPath, { force: true });
  }
}

async function isStale(lockPath: string, staleMs: number): Promise<boolean> {
  try {
    const [text, stat] = await Promise.all([fs.readFile(lockPath, 'utf8'), fs.stat(lockPath)]);
    if (Date.now() - stat.mtimeMs > staleMs) return true;
    const owner = JSON.parse(text) as { pid?: number; host?: string };
    if (owner.host === hostname() && typeof owner.pid === 'number' && owner.pid !== process.pid) {
      try {
        process.kill(owner.pid, 0);
      } catch (error) {
        return (error as NodeJS.ErrnoException).code === 'ESRCH';
      }
    }
    return false;
  } catch {
    // Lock vanished or is mid-write by its owner: not stale, retry.
    return false;
  }
}

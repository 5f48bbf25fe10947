import path from 'node:path';
import { hostname, nodeFs } from '../node.js';

/**
 * Files a killed writer leaves behind: temp files (`.<name>.<pid>.<hex>.tmp`, a keystore's is a
 * full copy of the private keys), lock `.pending` and `.stale` files. Each records its owner's pid
 * (in its name, or in its content with the host), so the next writer can remove exactly those whose
 * owner is gone, and never a live writer's.
 */

/** True when `pid` is certainly not running on this host (ESRCH); a pid that exists, even another user's, is alive. */
export function processGone(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Removes files in `dir` whose name matches `pattern` with the owner's pid as group 1, when that pid is gone. */
export async function removeLeftovers(dir: string, pattern: RegExp): Promise<string[]> {
  const names = await nodeFs.promises.readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const match = pattern.exec(name);
    if (!match || !processGone(Number(match[1]))) continue;
    await nodeFs.promises.rm(path.join(dir, name), { force: true }).catch(() => {});
    removed.push(name);
  }
  return removed;
}

/**
 * Removes lock leftovers whose owner (pid and host in the content) is gone; one whose content cannot
 * be read as an owner (killed while writing it) only once it is older than `staleMs`.
 */
export async function removeLockLeftovers(
  dir: string,
  pattern: RegExp,
  staleMs: number,
): Promise<string[]> {
  const names = await nodeFs.promises.readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    if (!pattern.test(name)) continue;
    const file = path.join(dir, name);
    const [text, stat] = await Promise.all([
      nodeFs.promises.readFile(file, 'utf8').catch(() => undefined),
      nodeFs.promises.stat(file).catch(() => undefined),
    ]);
    if (text === undefined || !stat) continue;
    let owner: { pid?: unknown; host?: unknown } | undefined;
    try {
      owner = JSON.parse(text) as { pid?: unknown; host?: unknown };
    } catch {
      owner = undefined;
    }
    const gone = owner
      ? owner.host === hostname() && processGone(Number(owner.pid))
      : Date.now() - stat.mtimeMs > staleMs;
    if (!gone) continue;
    await nodeFs.promises.rm(file, { force: true }).catch(() => {});
    removed.push(name);
  }
  return removed;
}

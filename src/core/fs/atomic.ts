import { loadCrypto, nodeFs } from '../node.js';
import path from 'node:path';
import { environmentError } from '../errors.js';
import { writeError, type WriteErrorOptions } from './errors.js';
import { removeLeftovers } from './leftovers.js';

export interface WriteFileAtomicOptions extends WriteErrorOptions {
  /** File mode; secrets use 0o600 (the default). */
  mode?: number;
}

/**
 * Writes `data` to `file` so that a reader sees either the old or the new content, never a
 * half-written file: write a temp file in the same directory, fsync it, rename over the
 * target, then fsync the directory so the rename itself survives a crash.
 *
 * The temp file (`.<name>.<pid>.<random>.tmp`) is 0600 from its creation whatever the final mode
 * (a keystore temp file is a full copy of the private keys), and temp files left by writers that
 * were killed (their pid is gone) are removed first. A failure names the file and the fix (exit 3).
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const mode = options.mode ?? 0o600;
  const dir = path.dirname(file);
  const fs = nodeFs.promises;
  const { O_CREAT, O_EXCL, O_WRONLY } = nodeFs.constants;
  await removeLeftovers(dir, tempPattern(file));
  const temp = tempPath(file);
  let handle;
  try {
    handle = await fs.open(temp, O_CREAT | O_EXCL | O_WRONLY, 0o600);
  } catch (error) {
    throw writeError(error, file, options);
  }
  try {
    await handle.writeFile(data);
    // Only now, with the content complete, open it up to the final mode (umask applies as for open()).
    if (mode !== 0o600) await handle.chmod(mode & ~process.umask());
    await handle.sync();
    await handle.close();
    await fs.rename(temp, file);
  } catch (error) {
    await handle.close().catch(() => {});
    await fs.rm(temp, { force: true }).catch(() => {});
    throw writeError(error, file, options);
  }
  await fsyncDirectory(dir);
}

/** `.<name>.<pid>.<hex>.tmp`: the pid is what tells a dead writer's leftover from a live one's. */
/**
 * `.NAME.PID.RANDOM.tmp` beside `file`: the pid lets a later writer tell a dead writer's leftover
 * (removed) from a live one's temp file (kept), see leftovers.ts.
 */
export function tempPath(file: string): string {
  const random = loadCrypto().randomBytes(4).toString('hex');
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${random}.tmp`);
}

function tempPattern(file: string): RegExp {
  return new RegExp(`^\\.${escapeRegExp(path.basename(file))}\\.(\\d+)\\.[0-9a-f]+\\.tmp$`);
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function fsyncDirectory(dir: string): Promise<void> {
  try {
    const handle = await nodeFs.promises.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  }
}

/**
 * Creates `dir` (and parents) with mode 0700. An existing directory is the user's: its mode is
 * never changed. One authctl cannot write (0555) is refused with the fix, also as root (who could
 * write anyway, but the mode says the owner did not want that). One open to others (0755) is left
 * as it is: every file authctl writes in it is 0600, so only file names show; callers with an
 * output may warn (see tooOpen).
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  const fs = nodeFs.promises;
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw writeError(error, dir, {
      what: 'directory',
      elsewhere: 'or choose another keystore with {{home}} DIR (or AUTHCTL_HOME)',
    });
  }
  const stat = await fs.stat(dir);
  if ((stat.mode & 0o700) !== 0o700) {
    const octal = (stat.mode & 0o777).toString(8).padStart(4, '0');
    throw environmentError(
      'ERR_HOME_NOT_WRITABLE',
      `${dir} is mode ${octal}: its owner may not write in it, and authctl will not change that`,
      {
        where: dir,
        hint: `make it writable with chmod 700 ${dir}, or choose another keystore with {{home}} DIR (or AUTHCTL_HOME)`,
        details: { mode: octal },
      },
    );
  }
}

/**
 * The mode of `dir` when others (group, world) may read or enter it, else undefined. A synchronous
 * stat on purpose: every `token mint` asks, and fs.promises alone loads ~10 of Node's modules.
 */
export async function tooOpen(dir: string): Promise<string | undefined> {
  let stat: import('node:fs').Stats | undefined;
  try {
    stat = nodeFs.statSync(dir, { throwIfNoEntry: false });
  } catch {
    stat = undefined; // unreadable: as with no directory, nothing to warn about here
  }
  // Not writable by its owner is refused by ensurePrivateDir: no warning on top of that error.
  if (!stat || (stat.mode & 0o077) === 0 || (stat.mode & 0o700) !== 0o700) return undefined;
  return (stat.mode & 0o777).toString(8).padStart(4, '0');
}

/** Reads a file as UTF-8, returning undefined when it does not exist. Synchronous on purpose: small files, start-up path. */
export async function readFileIfExists(file: string): Promise<string | undefined> {
  try {
    return nodeFs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

import { nodeCrypto, nodeFs } from '../node.js';
import path from 'node:path';
import { environmentError } from '../errors.js';

export interface WriteFileAtomicOptions {
  /** File mode; secrets use 0o600 (the default). */
  mode?: number;
}

/**
 * Writes `data` to `file` so that a reader sees either the old or the new content, never a
 * half-written file: write a temp file in the same directory, fsync it, rename over the
 * target, then fsync the directory so the rename itself survives a crash.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, options: WriteFileAtomicOptions = {}): Promise<void> {
  const mode = options.mode ?? 0o600;
  const dir = path.dirname(file);
  const fs = nodeFs.promises;
  const { O_CREAT, O_EXCL, O_WRONLY } = nodeFs.constants;
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${nodeCrypto.randomBytes(4).toString('hex')}.tmp`);
  const handle = await fs.open(temp, O_CREAT | O_EXCL | O_WRONLY, mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    await fs.rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  await fsyncDirectory(dir);
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

/** Creates `dir` (and parents) with mode 0700 and tightens it if it already exists with looser bits. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  const fs = nodeFs.promises;
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw environmentError('ERR_HOME_NOT_WRITABLE', `cannot create directory ${dir}: ${(error as Error).message}`, {
      where: dir,
      hint: 'choose a writable keystore with --home DIR or AUTHCTL_HOME',
      cause: error,
    });
  }
  const stat = await fs.stat(dir);
  if ((stat.mode & 0o077) !== 0) await fs.chmod(dir, 0o700).catch(() => {});
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

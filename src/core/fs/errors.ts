import path from 'node:path';
import { AuthctlError, type CodeOfKind, environmentError, isAuthctlError } from '../errors.js';

/**
 * A failed write as a user can act on it: which file, what the errno means, and the fix (exit 3,
 * an environment problem). Raw "ENOSPC: no space left on device, open '/…/.keys.json.123.tmp'"
 * names a temp file the user never sees and no way out.
 */
export interface WriteErrorOptions {
  /** Error code (default ERR_WRITE_<errno>). */
  code?: CodeOfKind<'environment'>;
  /** The failed operation, for the message (default write). */
  action?: 'read' | 'write';
  /** What the file is, for the message: "the keystore", "the API key store", "the SARIF report". */
  what?: string;
  /** How to write elsewhere, e.g. "point --home (or AUTHCTL_HOME) at a writable directory". */
  elsewhere?: string;
}

const REASONS: Record<string, { reason: string; fix: (dir: string) => string }> = {
  ENOSPC: { reason: 'the disk is full', fix: () => 'free some disk space and run again' },
  EDQUOT: {
    reason: 'the disk quota is used up',
    fix: () => 'free some space in your quota and run again',
  },
  EROFS: { reason: 'the filesystem is read-only', fix: () => 'remount it read-write' },
  EACCES: {
    reason: 'permission denied',
    fix: (dir) => `check who owns ${dir} and its mode (ls -ld ${dir}), e.g. chmod u+rwx ${dir}`,
  },
  EPERM: {
    reason: 'the operation is not permitted (an immutable or append-only file or directory?)',
    fix: (dir) => `check ${dir} with ls -ld and lsattr -d`,
  },
  ENOTDIR: {
    reason: 'a part of the path is a file, not a directory',
    fix: (dir) => `move the file that is in the way of ${dir}`,
  },
  EISDIR: { reason: 'it is a directory', fix: () => 'give a file name, not a directory' },
  ENOENT: { reason: 'its directory does not exist', fix: (dir) => `create ${dir} first` },
  EMFILE: { reason: 'too many open files', fix: () => 'close other programs or raise ulimit -n' },
};

export function writeError(
  error: unknown,
  file: string,
  options: WriteErrorOptions = {},
): AuthctlError {
  if (isAuthctlError(error)) return error;
  const code = (error as NodeJS.ErrnoException)?.code;
  const dir = path.dirname(file);
  const known = code ? REASONS[code] : undefined;
  const what = options.what ? `${options.what} ` : '';
  const reason = known
    ? `${known.reason} (${code})`
    : (code ?? (error as Error)?.message ?? String(error));
  const fixes = [known?.fix(dir), options.elsewhere ?? 'or write it somewhere else'].filter(
    Boolean,
  );
  const action = options.action ?? 'write';
  return environmentError(
    options.code ??
      (`ERR_${action.toUpperCase()}_${code ?? 'FAILED'}` as CodeOfKind<'environment'>),
    `cannot ${action} ${what}${file}: ${reason}`,
    {
      where: file,
      hint: `${fixes.join('; ')}${action === 'write' ? `; ${path.basename(file)} was left as it was` : ''}`,
      details: { errno: code },
      cause: error,
    },
  );
}

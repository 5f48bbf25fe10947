import { usageError } from '../core/errors.js';
import { tooOpen } from '../core/fs/atomic.js';
import { Keystore } from '../core/keys/keystore.js';
import { spinner } from './report/progress.js';
import type { Deps, Io } from './command.js';
import { readAll } from './stdin.js';

/** commander reducer for repeatable flags: `--aud a --aud b` → ['a', 'b']. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `--header k=v` / `--claim k=v` pairs. */
export function keyValue(value: string, where: string): [string, string] {
  const index = value.indexOf('=');
  if (index <= 0)
    throw usageError('ERR_BAD_PAIR', `"${value}" is not KEY=VALUE`, {
      where,
      hint: `write ${where} name=value`,
    });
  return [value.slice(0, index).trim(), value.slice(index + 1)];
}

/** The keystore of this run (--home, $AUTHCTL_HOME, config); notes about it go to `io` (stderr). */
export async function openKeystore(
  deps: Pick<Deps, 'config' | 'home'>,
  io: Pick<Io, 'info' | 'warn' | 'progress'>,
  rsaBits?: number,
): Promise<Keystore> {
  const { config } = await deps.config();
  const home = await deps.home();
  // authctl never changes the mode of a directory it did not create (see ensurePrivateDir): say so instead.
  const mode = await tooOpen(home);
  if (mode)
    io.warn(
      `keystore directory ${home} is mode ${mode}: others can list it (the key files themselves are 0600); chmod 700 ${home} to hide it`,
    );
  // The first write creates private keys, maybe in the current directory: say where (stderr, not --quiet).
  const onCreate = ({ file, gitignore }: { file: string; gitignore?: string }) =>
    io.info(
      `created the keystore ${file} (private keys, mode 0600); ${gitignore ? `${gitignore} keeps it out of git` : 'keep it out of version control'}`,
    );
  // 4096/8192-bit RSA takes seconds: a spinner on a terminal's stderr says what is going on.
  const onGenerate = (what: string) => spinner(io.progress, `generating ${what}`);
  return new Keystore({
    dir: home,
    rsaBits: rsaBits ?? config.keys?.rsa_bits,
    onCreate,
    onGenerate,
  });
}

/** A positional value, or stdin when it is `-` or missing and stdin is piped. */
export async function argumentOrStdin(
  io: Pick<Io, 'stdin'>,
  value: string | undefined,
  what: string,
): Promise<string> {
  if (value !== undefined && value !== '-') return value;
  if (value === undefined && io.stdin.isTTY) {
    throw usageError('ERR_MISSING_ARGUMENT', `no ${what} given`, {
      hint: `pass the ${what} as an argument, or pipe it on stdin (use - to read stdin)`,
    });
  }
  const text = (await readAll(io.stdin)).toString('utf8').trim();
  if (!text)
    throw usageError('ERR_MISSING_ARGUMENT', `no ${what} on stdin`, {
      hint: `pipe the ${what}, e.g. echo "$TOKEN" | authctl ...`,
    });
  return text;
}

/** Integer flag parser with a flag-named error. */
export function intOption(flag: string) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isInteger(number))
      throw usageError('ERR_BAD_NUMBER', `${flag} expects a whole number, got "${value}"`, {
        where: flag,
        hint: `e.g. ${flag} 2048`,
      });
    return number;
  };
}

/** `--bits`: an RSA modulus size verifiers accept (the same range as config `keys.rsa_bits`). */
export function rsaBitsOption(value: string): number {
  const bits = intOption('--bits')(value);
  if (bits < 2048 || bits > 8192) {
    throw usageError('ERR_BAD_NUMBER', `--bits must be between 2048 and 8192, got ${bits}`, {
      where: '--bits',
      hint: 'JWT verifiers refuse RSA keys under 2048 bits; 2048, 3072 and 4096 are usual',
    });
  }
  return bits;
}

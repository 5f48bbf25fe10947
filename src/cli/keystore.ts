import { tooOpen } from '../core/fs/atomic.js';
import { Keystore } from '../core/keys/keystore.js';
import type { Deps, Io } from './command.js';
import { spinner } from './report/progress.js';

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

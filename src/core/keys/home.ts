import path from 'node:path';
import { nodeFs } from '../node.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { KEYRING_FILE } from './keyring.js';

/**
 * What authctl itself keeps in a home: the keystore, the API key store (apikey/store.ts), the probe's
 * attacker keys (probe/attacker.ts, not imported: it loads jose eagerly), per-issuer keystores.
 * Their lock and temp files are `<name>.lock…` and `.<name>.<pid>.<hex>.tmp`.
 */
const HOME_ENTRIES = [KEYRING_FILE, 'apikeys.json', 'probe-attacker-keys.json', 'issuers'];
const isHomeEntry = (name: string) =>
  HOME_ENTRIES.some(
    (own) => name === own || name.startsWith(`${own}.`) || name.startsWith(`.${own}.`),
  );

/**
 * Private keys must not be committed: a `.gitignore` of `*` goes beside a new keys.json (0644, like any
 * .gitignore: it holds no secret). Only in a directory that is authctl's (the default `.authctl`, or one
 * holding nothing but authctl's files): `--home .` must not hide a whole project from git. An existing
 * .gitignore is the user's and is left alone. Returns the path written, if any.
 */
export async function ignoreInGit(dir: string): Promise<string | undefined> {
  const file = path.join(dir, '.gitignore');
  const entries = await nodeFs.promises.readdir(dir);
  if (
    entries.includes('.gitignore') ||
    (path.basename(dir) !== '.authctl' && !entries.every(isHomeEntry))
  )
    return undefined;
  await writeFileAtomic(file, '*\n', {
    mode: 0o644,
    what: 'the keystore .gitignore',
    elsewhere: 'or point --home (or AUTHCTL_HOME) at a writable directory',
  });
  return file;
}

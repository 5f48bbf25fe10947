import { promises as fs } from 'node:fs';
import { usageError } from '../errors.js';
import { DOCUMENTED } from './weak-secrets/docs.js';
import { PASSWORDS } from './weak-secrets/passwords.js';
import type { WeakSecretGroup } from './weak-secrets/types.js';
import { WORDS } from './weak-secrets/words.js';

/**
 * HMAC secrets that are public knowledge: placeholders from documentation and .env examples,
 * framework and tutorial defaults, and the common words people type. A service whose HS256/384/512
 * key is one of these accepts tokens anyone can mint. Printing one in a finding is fine: they are
 * public values, never the service's real secret (that one is masked like every other secret).
 *
 * Each group names where its entries come from; the groups live in weak-secrets/ by kind (documented
 * defaults, words, passwords). Bundled as modules (not a .txt beside the code) so it ships inside the
 * one-file bundle; `--secrets-file` / `--wordlist` files use the text format of
 * parseSecretList (one per line, # comments).
 */
export const WEAK_SECRET_GROUPS: readonly WeakSecretGroup[] = [
  ...DOCUMENTED,
  ...WORDS,
  ...PASSWORDS,
];

/** The bundled list, de-duplicated, in list order. */
export const WEAK_SECRETS: readonly string[] = [
  ...new Set(WEAK_SECRET_GROUPS.flatMap((g) => g.secrets)),
];

/** Where a bundled entry comes from (for messages), or undefined for entries from a user file. */
export function weakSecretSource(secret: string): string | undefined {
  return WEAK_SECRET_GROUPS.find((g) => g.secrets.includes(secret))?.source;
}

/** A wordlist file: one secret per line, `#` starts a comment line, blank lines ignored, CRLF accepted. */
export function parseSecretList(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line.length > 0 && !line.startsWith('#'));
}

/** Upper bound on candidates from a file: the probe sends one request per entry, crack tries each offline. */
export const MAX_WORDLIST_ENTRIES = 1_000_000;

/** Reads a `--secrets-file` / `--wordlist` file (exit 2 naming the flag when unreadable or too large). */
export async function readSecretList(
  file: string,
  flag: string,
  max = MAX_WORDLIST_ENTRIES,
): Promise<string[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw usageError(
      'ERR_WORDLIST_UNREADABLE',
      `cannot read ${flag} file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      { where: `${flag} ${file}`, hint: 'pass an existing file with one secret per line' },
    );
  }
  const entries = parseSecretList(text);
  if (entries.length > max) {
    throw usageError(
      'ERR_WORDLIST_TOO_LARGE',
      `${flag} file has ${entries.length} entries, more than the ${max} allowed`,
      {
        where: `${flag} ${file}`,
        hint: 'split the list, or keep the entries most likely to be used',
      },
    );
  }
  return entries;
}

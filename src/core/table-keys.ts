/**
 * The own keys of the last large table a walk listed, for the next walk of the same table during
 * one check (issue #17). V8 sorts the keys of a table of thousands (a dictionary-mode object) each
 * time they are listed: a dense file's schemes were listed by the secret walk (mask.ts) and again
 * by the path walk (verify/engine/paths.ts), two sorts that were 8% of its check. Kept only while
 * a check runs (withListedKeys): a list held after it kept the document's largest table alive (a
 * WeakRef instead made V8 copy the whole document at every young-generation collection). Nothing
 * in authctl adds or drops keys of a parsed document; the list is read only.
 */

let last: { table: object; keys: readonly string[] } | undefined;
let runs = 0;

/** Runs `check` with rememberKeys on; what it remembered is dropped when the last run ends. */
export async function withListedKeys<T>(check: () => Promise<T>): Promise<T> {
  runs++;
  try {
    return await check();
  } finally {
    if (--runs === 0) last = undefined;
  }
}

/** `keys` is Object.keys(table), just listed: kept for ownKeysOf while a check runs. */
export function rememberKeys(table: object, keys: readonly string[]): void {
  if (runs > 0) last = { table, keys };
}

/** Object.keys(table), or the list rememberKeys was given for this very table. */
export function ownKeysOf(table: object): readonly string[] {
  return last !== undefined && last.table === table ? last.keys : Object.keys(table);
}

/** Whether a list is held (for tests: none once every check has ended). */
export const holdsListedKeys = (): boolean => last !== undefined;

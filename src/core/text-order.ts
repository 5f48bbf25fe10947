/** File names and rule ids as most are written: lowercase ASCII letters, digits, '-', '.' and '/'. */
const PLAIN = /^[a-z0-9./-]*$/;

/** Whether the default locale orders PLAIN strings by code point (decided once, see compareText). */
let plainIsOrdinal: boolean | undefined;

/**
 * `a.localeCompare(b)`'s order, without building ICU's collator when it is not needed: the first
 * localeCompare of a process loads the collation data, ~5 ms of a `verify-config` run that sorts
 * three findings. In English (and ICU's root locale, which `LANG=C` gives) PLAIN strings compare
 * as their code points do ('-' < '.' < '/' < digits < letters, a prefix first); other locales may
 * reorder letters (Lithuanian 'y', Danish 'aa'), so they, and any other strings, get localeCompare.
 * Intl.PluralRules tells the default locale (the collator's) without loading collation data.
 */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  plainIsOrdinal ??= /^(en(-[A-Z]{2})?|und)$/.test(new Intl.PluralRules().resolvedOptions().locale);
  if (plainIsOrdinal && PLAIN.test(a) && PLAIN.test(b)) return a < b ? -1 : 1;
  return a.localeCompare(b);
}

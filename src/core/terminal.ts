/**
 * Text from input files and services is shown to people: never let it drive their terminal. One
 * rule for every renderer (errors, reports, snippets): C0 controls except tab and newline, DEL, C1
 * controls, the bidi overrides and marks (which make a line read differently from what it is: U+061C,
 * U+200E/F, U+202A-E, U+2066-9) and the Unicode line/paragraph separators U+2028/9 (which some
 * terminals and editors break lines at) become `?`, one character for one, so columns and carets
 * stay aligned.
 */
const UNSAFE =
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;

export function printable(text: string): string {
  return text.replace(UNSAFE, '?');
}

/**
 * POSIX single-quoting: safe for any byte except NUL. Here, among the base utilities every command
 * loads, because sigv4's curl lines and the probe's (curl, token mint) both quote: in sigv4/curl.ts
 * it made the probe load a chunk of its own for this one function (issue #17).
 */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

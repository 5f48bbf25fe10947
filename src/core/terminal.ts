/**
 * Text from input files and services is shown to people: never let it drive their terminal. One
 * rule for every renderer (errors, reports, snippets): C0 controls except tab and newline, DEL, C1
 * controls and the bidi overrides (which make a line read differently from what it is) become `?`,
 * one character for one, so columns and carets stay aligned.
 */
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

export function printable(text: string): string {
  return text.replace(UNSAFE, '?');
}

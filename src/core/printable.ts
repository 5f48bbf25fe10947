/**
 * Values quoted from files, tokens and requests may hold control characters (`"\u001b[2J"`, a NUL,
 * a bare CR that rewrites the line): never send them to a terminal. Each one becomes `?`, one
 * character for one, so columns and carets computed on the original still line up.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, '?');
}

// What every request parser of parse.ts and parse-curl.ts shares: the parsed shape, the error, the
// line-size bound.
import { usageError } from '../errors.js';
import { printable } from '../terminal.js';
import type { WireScheme } from './url.js';

export interface ParsedHttpRequest {
  method: string;
  scheme: WireScheme;
  /** Host from the URL or the Host header. */
  host: string;
  /** Path exactly as written (for curl: as curl sends it). */
  path: string;
  /** curl only: the URL's path when curl sends another one (it removes ./.. segments). */
  pathAsWritten?: string;
  /** Raw query without `?`. */
  query: string;
  /** Headers in order; folded (obs-fold) values keep their line breaks. */
  headers: Array<[string, string]>;
  /** Bytes when the request was read as bytes (a file, stdin): a binary body is never decoded. */
  body: string | Uint8Array;
  source: 'http' | 'curl' | 'url';
  /** Things the parser noticed that may matter (e.g. curl normalising dot segments). */
  notes: string[];
}

export function bad(message: string, hint: string, where = 'request'): Error {
  // Messages quote the input: no control character from a file reaches the terminal.
  return usageError('ERR_SIGV4_BAD_REQUEST', printable(message), { where: printable(where), hint });
}

/**
 * Longest request line or header line read (64 KiB; AWS front ends refuse far less): a bound,
 * so hostile input gets a clear error instead of megabytes of work.
 */
export const MAX_LINE_BYTES = 64 * 1024;

export function checkLineSize(line: string, what: string, where: string): void {
  if (line.length > MAX_LINE_BYTES) {
    throw usageError(
      'ERR_SIGV4_HEADER_TOO_LARGE',
      `${what} is ${line.length} characters long, over the ${MAX_LINE_BYTES}-character limit`,
      {
        where: printable(where),
        hint: 'pass the request exactly as sent; services refuse headers this large',
      },
    );
  }
}

import { usageError } from '../errors.js';
// The hot file holds this module whole (cold commands share it): an ESM import of node:fs would load
// fs streams on every start-up (node.ts).
import { readFileBytes } from '../node.js';

/**
 * Input files as people save them: UTF-8 with or without a byte-order mark, or UTF-16 (what
 * Windows editors and PowerShell's `>` write), with or without a BOM. Everything else authctl does
 * works on the decoded text, so a BOM never shows up as a syntax error at 1:1 and a UTF-16 file
 * is read as what it says, not as text with a NUL every other byte.
 */

/** Config files, probe specs, .env files: far smaller than this. A bigger one is a wrong path. */
export const MAX_INPUT_BYTES = 4 * 1024 * 1024;

export interface DecodeOptions {
  /** Refuse files larger than this (bytes); default MAX_INPUT_BYTES. */
  limit?: number;
  /** How the user named it (flag or key), for the error. */
  what?: string;
}

export function decodeText(bytes: Uint8Array, file: string, options: DecodeOptions = {}): string {
  const limit = options.limit ?? MAX_INPUT_BYTES;
  if (bytes.length > limit) {
    throw usageError(
      'ERR_INPUT_TOO_LARGE',
      `${options.what ?? 'input file'} ${file} is ${formatBytes(bytes.length)}; authctl reads at most ${formatBytes(limit)}`,
      {
        where: file,
        hint: 'check that this is the file you meant (config files, probe specs and .env files are small)',
        details: { file, bytes: bytes.length, limit },
      },
    );
  }
  const encoding = detectEncoding(bytes);
  const bom =
    encoding === 'utf-8'
      ? hasPrefix(bytes, [0xef, 0xbb, 0xbf])
        ? 3
        : 0
      : hasPrefix(bytes, [0xff, 0xfe]) || hasPrefix(bytes, [0xfe, 0xff])
        ? 2
        : 0;
  return new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes.subarray(bom));
}

/** Reads and decodes `file`; errors from the filesystem (ENOENT, EACCES) are thrown as they are. */
export async function readTextFile(file: string, options: DecodeOptions = {}): Promise<string> {
  return decodeText(await readFileBytes(file), file, options);
}

type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be';

/** BOM first; without one, UTF-16 is recognised by NUL bytes in every other position of ASCII text. */
export function detectEncoding(bytes: Uint8Array): Encoding {
  if (hasPrefix(bytes, [0xff, 0xfe])) return 'utf-16le';
  if (hasPrefix(bytes, [0xfe, 0xff])) return 'utf-16be';
  const sample = Math.min(bytes.length & ~1, 4096);
  if (sample < 2) return 'utf-8';
  let even = 0;
  let odd = 0;
  for (let i = 0; i < sample; i += 2) {
    if (bytes[i] === 0) even++;
    if (bytes[i + 1] === 0) odd++;
  }
  const pairs = sample / 2;
  if (odd > pairs * 0.4 && even === 0) return 'utf-16le';
  if (even > pairs * 0.4 && odd === 0) return 'utf-16be';
  return 'utf-8';
}

function hasPrefix(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024
    ? `${(n / 1024 / 1024).toFixed(1)} MiB`
    : n >= 1024
      ? `${(n / 1024).toFixed(1)} KiB`
      : `${n} bytes`;
}

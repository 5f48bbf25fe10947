import { describeRelative } from '../duration.js';
import { usageError } from '../errors.js';

export interface DecodedToken {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** Raw signature segment (may be empty for unsigned or stripped tokens). */
  signature: string;
  /** The payload segment as written when the header says `"b64": false` (RFC 7797): then there are no claims. */
  unencodedPayload?: string;
  /** exp / nbf / iat as ISO time plus "expires in 14m" style text. */
  times: Record<string, { epoch: number; iso: string; relative: string }>;
}

// Made on first decode: Node loads its encoding module when the TextDecoder global is first
// touched (~0.2 ms), and every command's start ran this module's body.
let decoder: TextDecoder | undefined;

/** Deepest JSON nesting accepted: real headers and claims nest a few levels; printing deeper ones overflows the stack. */
export const MAX_JSON_DEPTH = 64;

/** How deep arrays and objects nest in JSON text (strings skipped): one linear pass. */
function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') max = Math.max(max, ++depth);
    else if (ch === ']' || ch === '}') depth--;
  }
  return max;
}

function decodeSegment(segment: string, name: string): Record<string, unknown> {
  let value: unknown;
  let text: string;
  try {
    // Padding is tolerated here so `token verify` can report it as a failed check (strict.ts).
    if (!/^[A-Za-z0-9_-]*={0,2}$/.test(segment)) throw new Error('not base64url');
    text = (decoder ??= new TextDecoder()).decode(Buffer.from(segment, 'base64url'));
    value = JSON.parse(text);
  } catch {
    throw usageError('ERR_TOKEN_MALFORMED', `the token's ${name} is not base64url-encoded JSON`, {
      where: 'token',
      hint: 'check the token was copied whole (three dot-separated parts)',
    });
  }
  const depth = jsonDepth(text);
  if (depth > MAX_JSON_DEPTH) {
    throw usageError(
      'ERR_TOKEN_MALFORMED',
      `the token's ${name} nests JSON ${depth} levels deep, over the limit of ${MAX_JSON_DEPTH}`,
      {
        where: 'token',
        hint: 'a JWT header and claims nest a few levels at most: this is not a real token',
      },
    );
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw usageError('ERR_TOKEN_MALFORMED', `the token's ${name} is not a JSON object`, {
      where: 'token',
      hint: 'a JWT header and payload are JSON objects',
    });
  }
  return value as Record<string, unknown>;
}

/** The compact JWT in a pasted value: trimmed, without an `Authorization: Bearer ` prefix. */
export function normalizeToken(input: string): string {
  return input.trim().replace(/^(Authorization:\s*)?Bearer\s+/i, '');
}

/** Decodes a compact JWT WITHOUT verifying anything. */
export function decodeToken(input: string, nowMs = Date.now()): DecodedToken {
  const token = normalizeToken(input);
  const parts = token.split('.');
  if (parts.length === 5)
    throw usageError('ERR_TOKEN_ENCRYPTED', 'this is an encrypted JWT (JWE, five parts)', {
      where: 'token',
      hint: 'authctl decodes signed JWTs (JWS) only',
    });
  if (parts.length !== 3) {
    throw usageError(
      'ERR_TOKEN_MALFORMED',
      `a JWT has three dot-separated parts, this has ${parts.length}`,
      { where: 'token', hint: 'check the token was copied whole, without quotes or line breaks' },
    );
  }
  const header = decodeSegment(parts[0]!, 'header');
  // An unencoded payload (RFC 7797) is not base64url: never decode it as if it were claims.
  if (header.b64 === false)
    return { header, claims: {}, signature: parts[2]!, times: {}, unencodedPayload: parts[1]! };
  const claims = decodeSegment(parts[1]!, 'payload');
  const now = nowMs / 1000;
  const times: DecodedToken['times'] = {};
  const words: Record<string, [string, string]> = {
    exp: ['expires', 'expired'],
    nbf: ['valid', 'valid since'],
    iat: ['issued', 'issued'],
  };
  for (const name of ['exp', 'nbf', 'iat'] as const) {
    const value = claims[name];
    if (isNumericDate(value)) {
      times[name] = {
        epoch: value,
        iso: new Date(value * 1000).toISOString(),
        relative: describeRelative(value, now, words[name]![0], words[name]![1]),
      };
    }
  }
  return { header, claims, signature: parts[2]!, times };
}

/** Largest |seconds| a JS Date can show (±8.64e15 ms): `exp: 1e308` is a number but no date. */
const MAX_DATE_SECONDS = 8.64e12;

/** A JWT NumericDate this code can compute with and print: finite, within the Date range. */
export function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_DATE_SECONDS;
}

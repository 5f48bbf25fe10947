import type { IncomingMessage } from 'node:http';
import { OAuthError, invalidRequest, isJsonType } from './http.js';
import { parseParams, type ParsedParams } from './params.js';

/** Largest request body the issuer reads (a token request is a few hundred bytes). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Deepest JSON nesting accepted anywhere (bodies, authctl_claims): deep enough for any claim set. */
export const MAX_JSON_DEPTH = 64;
/** A sender that goes on far past the bound is cut off instead of drained. */
const DRAIN_LIMIT = 8 * MAX_BODY_BYTES;

const tooLarge = () =>
  new OAuthError(
    413,
    'invalid_request',
    `request body too large (at most ${MAX_BODY_BYTES} bytes)`,
    { connection: 'close' },
  );

/**
 * The one body reader of the issuer. Past the bound it stops keeping bytes but reads on, so the
 * client gets its 413 instead of a reset connection.
 */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else if (size > DRAIN_LIMIT) {
        reject(tooLarge());
        req.destroy();
      }
    });
    req.on('end', () =>
      size > MAX_BODY_BYTES
        ? reject(tooLarge())
        : // A form post is one chunk: hand it on rather than copy it.
          resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)),
    );
    req.on('error', reject);
  });
}

/** How deep `text` nests arrays and objects, stopping as soon as it passes `limit` (strings skipped). */
function nestingExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** Throws invalid_request naming `field` when `text` nests deeper than MAX_JSON_DEPTH. */
export function checkJsonNesting(text: string, field: string): void {
  if (nestingExceeds(text, MAX_JSON_DEPTH))
    throw invalidRequest(`${field} nests deeper than ${MAX_JSON_DEPTH} levels of arrays/objects`);
}

/**
 * JSON.parse with a nesting bound: a body of 100k `[` parses, but re-serialising or validating it
 * overflows the stack (a 500). `field` names what is refused: "request body", "authctl_claims".
 */
export function parseBoundedJson(text: string, field: string): unknown {
  checkJsonNesting(text, field);
  try {
    return JSON.parse(text);
  } catch {
    throw invalidRequest(`${field} is not valid JSON`);
  }
}

/**
 * Form or JSON body as a flat string map (JSON values that are not strings are re-serialised).
 * A form goes through the one parameter parser (params.ts), which reports repeated names.
 */
export function parseBody(
  buffer: Buffer,
  contentType: string | undefined,
): { form: Record<string, string>; json?: unknown; params?: ParsedParams } {
  if (buffer.length === 0) return { form: {} };
  const text = buffer.toString('utf8');
  if (isJsonType(contentType)) {
    const value = parseBoundedJson(text, 'request body');
    const form: Record<string, string> = {};
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, v] of Object.entries(value))
        form[key] = typeof v === 'string' ? v : JSON.stringify(v);
    }
    return { form, json: value };
  }
  const params = parseParams(text);
  return { form: params.values, params };
}

/**
 * Reads a signed request in the forms a developer has at hand: a raw HTTP request (as in the AWS
 * test suite's .req/.sreq files or a proxy log), a curl command line, or a presigned URL. The
 * path is kept exactly as written (never normalised), so `verify` sees what the wire saw.
 */
import { bad, checkLineSize, type ParsedHttpRequest } from './parse-common.js';
import { parseCurlCommand, type CurlParseOptions } from './parse-curl.js';
import { parseWireUrl, type WireScheme } from './url.js';

export type { ParsedHttpRequest } from './parse-common.js';
export { MAX_LINE_BYTES } from './parse-common.js';
export {
  parseCurlCommand,
  removeDotSegments,
  shellSplit,
  type CurlParseOptions,
} from './parse-curl.js';

/** `GET /path HTTP/1.1` → method and target, without a regex that backtracks on long runs of spaces. */
function parseRequestLine(line: string, where: string): { method: string; target: string } {
  checkLineSize(line, 'the request line', where);
  const method = /^[A-Za-z]+/.exec(line)?.[0];
  let target =
    method && /^\s/.test(line.slice(method.length)) ? line.slice(method.length).trim() : '';
  const version = /HTTP\/\d(?:\.\d)?$/.exec(target);
  if (version && version.index > 0 && /\s/.test(target[version.index - 1]!))
    target = target.slice(0, version.index).trimEnd();
  if (!method || !target)
    throw bad(
      `not an HTTP request line: ${JSON.stringify(line.slice(0, 80))}`,
      'the first line must look like "GET /path?query HTTP/1.1"',
      where,
    );
  return { method, target };
}

/**
 * Head (request line and headers, as text) and body of a raw request. Bytes stay bytes: only
 * the head is decoded (UTF-8), so a binary body hashes as sent.
 */
function splitHead(input: string | Uint8Array): { head: string; body?: string | Buffer } {
  if (typeof input === 'string') {
    const text = input.replace(/^\uFEFF/, '');
    const match = /\r?\n\r?\n/.exec(text);
    return match
      ? { head: text.slice(0, match.index), body: text.slice(match.index + match[0].length) }
      : { head: text };
  }
  let bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, i + 1)) {
    const end =
      bytes[i + 1] === 0x0a ? i + 2 : bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a ? i + 3 : -1;
    if (end < 0) continue;
    const start = i > 0 && bytes[i - 1] === 0x0d ? i - 1 : i;
    return { head: bytes.subarray(0, start).toString('utf8'), body: bytes.subarray(end) };
  }
  return { head: bytes.toString('utf8') };
}

/** `METHOD target HTTP/1.1` + headers (continuation lines folded in) + blank line + body. */
export function parseHttpRequest(input: string | Uint8Array, where = 'request'): ParsedHttpRequest {
  const { head, body: rawBody } = splitHead(input);
  const lines = head.split(/\r?\n/);
  const requestLine = parseRequestLine(lines[0] ?? '', where);
  const headers: Array<[string, string]> = [];
  let i = 1;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') break;
    checkLineSize(line, `header line ${i + 1}`, `${where}:${i + 1}`);
    if (/^[ \t]/.test(line)) {
      if (!headers.length)
        throw bad(
          `line ${i + 1} continues a header that does not exist`,
          'remove the leading whitespace',
          `${where}:${i + 1}`,
        );
      const last = headers[headers.length - 1]!;
      last[1] = `${last[1]}\n${line}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0)
      throw bad(
        `line ${i + 1} is not a header: ${JSON.stringify(line.slice(0, 80))}`,
        'write headers as "Name: value"',
        `${where}:${i + 1}`,
      );
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).replace(/^[ \t]+/, '')]);
  }
  const notes: string[] = [];
  const body = requestBody(rawBody, headers, notes);
  let target = requestLine.target;
  let scheme: WireScheme = 'https';
  let host = headers.find(([n]) => n.toLowerCase() === 'host')?.[1].trim() ?? '';
  if (/^https?:\/\//i.test(target)) {
    const url = parseWireUrl(target, where);
    scheme = url.scheme;
    host ||= url.host;
    target = target.replace(/^https?:\/\/[^/?#]*/i, '') || '/';
  }
  const q = target.indexOf('?');
  return {
    method: requestLine.method.toUpperCase(),
    scheme,
    host,
    path: q < 0 ? target : target.slice(0, q) || '/',
    query: q < 0 ? '' : target.slice(q + 1),
    headers,
    body,
    source: 'http',
    notes,
  };
}

/**
 * The body exactly as written after the blank line (CRLFs kept), cut to Content-Length when a
 * file has a trailing newline an editor added; a whitespace-only tail without Content-Length is no body.
 */
function requestBody(
  body: string | Buffer | undefined,
  headers: Array<[string, string]>,
  notes: string[],
): string | Buffer {
  if (body === undefined) return '';
  const declared = headers.find(([n]) => n.toLowerCase() === 'content-length')?.[1].trim();
  if (declared !== undefined && /^\d+$/.test(declared)) {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    if (bytes.length > Number(declared)) {
      notes.push(
        `the body is cut to its Content-Length of ${declared} bytes (${bytes.length - Number(declared)} trailing bytes ignored)`,
      );
      const cut = bytes.subarray(0, Number(declared));
      return typeof body === 'string' ? cut.toString('utf8') : cut;
    }
    return body;
  }
  const blank =
    typeof body === 'string'
      ? /^\s*$/.test(body)
      : body.every((b) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d);
  return blank ? '' : body;
}

/** A presigned URL as a GET request. */
export function parsePresignedUrl(url: string, method = 'GET'): ParsedHttpRequest {
  const parsed = parseWireUrl(url, 'URL');
  return {
    method: method.toUpperCase(),
    scheme: parsed.scheme,
    host: parsed.host,
    path:
      url
        .trim()
        .replace(/^[a-z]+:\/\/[^/?#]*/i, '')
        .replace(/[?#].*$/s, '') || '/',
    query: parsed.query,
    headers: [['Host', parsed.host]],
    body: '',
    source: 'url',
    notes: [],
  };
}

/** Guesses the form: a URL, a curl command, else a raw HTTP request (bytes are kept as bytes). */
export function parseSignedRequestText(
  input: string | Uint8Array,
  options: CurlParseOptions & { method?: string; where?: string } = {},
): ParsedHttpRequest {
  const text =
    typeof input === 'string'
      ? input
      : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
  const trimmed = text.trim();
  if (/^https?:\/\/\S+$/i.test(trimmed)) return parsePresignedUrl(trimmed, options.method);
  if (/^curl\s/.test(trimmed)) return parseCurlCommand(trimmed, options);
  return parseHttpRequest(input, options.where);
}

/**
 * Reads a signed request in the forms a developer has at hand: a raw HTTP request (as in the AWS
 * test suite's .req/.sreq files or a proxy log), a curl command line, or a presigned URL. The
 * path is kept exactly as written (never normalised), so `verify` sees what the wire saw.
 */
import { usageError } from '../errors.js';
import { printable } from '../terminal.js';
import { parseWireUrl, type WireScheme } from './url.js';

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

function bad(message: string, hint: string, where = 'request'): Error {
  // Messages quote the input: no control character from a file reaches the terminal.
  return usageError('ERR_SIGV4_BAD_REQUEST', printable(message), { where: printable(where), hint });
}

/**
 * Longest request line or header line read (64 KiB; AWS front ends refuse far less): a bound,
 * so hostile input gets a clear error instead of megabytes of work.
 */
export const MAX_LINE_BYTES = 64 * 1024;

function checkLineSize(line: string, what: string, where: string): void {
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

/** Splits a shell command line like sh does for the common cases: quotes, escapes, `\`-newline, $'..'. */
export function shellSplit(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && text[i + 1] === '\n') {
      i++;
      continue;
    }
    if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0)
        throw bad(
          'unterminated single quote in the curl command',
          "close the quote (use '\\'' for a quote inside)",
        );
      current += text.slice(i + 1, end);
      i = end;
    } else if (ch === '$' && text[i + 1] === "'") {
      let j = i + 2;
      for (; j < text.length && text[j] !== "'"; j++) {
        if (text[j] === '\\') {
          const next = text[++j];
          current += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : (next ?? '');
        } else current += text[j];
      }
      i = j;
    } else if (ch === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\' && /["\\$`\n]/.test(text[j + 1] ?? '')) j++;
        current += text[j];
      }
      if (j >= text.length)
        throw bad('unterminated double quote in the curl command', 'close the quote');
      i = j;
    } else if (ch === '\\') {
      current += text[++i] ?? '';
    } else current += ch;
  }
  if (inWord) words.push(current);
  return words;
}

const CURL_VALUE_FLAGS = new Set([
  '-o',
  '--output',
  '-b',
  '--cookie',
  '-c',
  '--cookie-jar',
  '-u',
  '--user',
  '-m',
  '--max-time',
  '--connect-timeout',
  '-w',
  '--write-out',
  '--resolve',
  '--connect-to',
  '-x',
  '--proxy',
  '--cacert',
  '--capath',
  '-E',
  '--cert',
  '--key',
  '--retry',
  '--retry-delay',
  '-r',
  '--range',
  '--limit-rate',
  '-K',
  '--config',
  '--interface',
  '--max-redirs',
  '--aws-sigv4',
  '--user-agent',
  '-A',
  '-e',
  '--referer',
]);
const CURL_DATA_FLAGS = new Set([
  '-d',
  '--data',
  '--data-raw',
  '--data-binary',
  '--data-ascii',
  '--data-urlencode',
]);

export interface CurlParseOptions {
  /** Reads `@file` arguments of --data and -T (as bytes: a binary file stays binary); without it those are rejected. */
  readFile?: (path: string) => string | Uint8Array;
}

/** Parses `curl [flags] URL` into the request curl would send. */
export function parseCurlCommand(text: string, options: CurlParseOptions = {}): ParsedHttpRequest {
  const words = shellSplit(text.trim());
  if (words[0] !== 'curl') throw bad('not a curl command line', 'start with "curl"');
  let method: string | undefined;
  let url: string | undefined;
  const headers: Array<[string, string]> = [];
  const data: Array<string | Uint8Array> = [];
  let upload: string | Uint8Array | undefined;
  let head = false;
  let pathAsIs = false;
  const readData = (value: string, raw: boolean): string | Uint8Array => {
    if (raw || !value.startsWith('@')) return value;
    if (!options.readFile)
      throw bad(
        `cannot read ${value} from a curl command here`,
        'pass the body inline, or run verify on a raw HTTP request file',
      );
    return options.readFile(value.slice(1));
  };
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    const takeValue = (flag: string) => {
      if (word.length > flag.length && !word.startsWith('--')) return word.slice(flag.length);
      if (word.startsWith(`${flag}=`)) return word.slice(flag.length + 1);
      const value = words[++i];
      if (value === undefined) throw bad(`curl flag ${flag} needs a value`, `give ${flag} a value`);
      return value;
    };
    if (word === '-X' || word === '--request' || (word.startsWith('-X') && !word.startsWith('--')))
      method = takeValue(word.startsWith('--') ? '--request' : '-X');
    else if (
      word === '-H' ||
      word === '--header' ||
      (word.startsWith('-H') && !word.startsWith('--'))
    ) {
      const header = takeValue(word.startsWith('--') ? '--header' : '-H');
      const colon = header.indexOf(':');
      if (colon <= 0)
        throw bad(`curl header ${JSON.stringify(header)} has no colon`, "write -H 'Name: value'");
      checkLineSize(header, `curl header ${JSON.stringify(header.slice(0, 40))}`, '-H');
      const value = header.slice(colon + 1).replace(/^[ \t]+/, '');
      if (value === '' && !header.endsWith(';')) continue; // `-H 'X:'` removes a header in curl
      headers.push([header.slice(0, colon).trim(), value]);
    } else if (
      CURL_DATA_FLAGS.has(word) ||
      [...CURL_DATA_FLAGS].some((f) => word.startsWith(`${f}=`))
    ) {
      const flag = word.includes('=') ? word.slice(0, word.indexOf('=')) : word;
      const value = takeValue(flag);
      const text = readData(value, flag === '--data-raw');
      data.push(
        flag === '-d' || flag === '--data' || flag === '--data-ascii'
          ? withoutNewlines(text)
          : text,
      );
    } else if (word.startsWith('-d') && word.length > 2 && !word.startsWith('--'))
      data.push(readData(word.slice(2), false));
    else if (word === '-T' || word === '--upload-file')
      upload = readData(`@${takeValue(word)}`, false);
    else if (word === '-A' || word === '--user-agent')
      headers.push(['User-Agent', takeValue(word)]);
    else if (word === '--url') url = takeValue('--url');
    else if (word === '-I' || word === '--head') head = true;
    else if (word === '--path-as-is') pathAsIs = true;
    else if (CURL_VALUE_FLAGS.has(word)) i++;
    else if (word.startsWith('-')) continue;
    else url ??= word;
  }
  if (!url) throw bad('the curl command has no URL', 'add the request URL');
  const parsed = parseWireUrl(url, 'curl URL');
  const notes: string[] = [];
  const written = url.replace(/^[a-z]+:\/\/[^/?#]*/i, '').replace(/[?#].*$/s, '') || '/';
  let path = written;
  let pathAsWritten: string | undefined;
  if (!pathAsIs && /(^|\/)\.\.?(\/|$)/.test(path)) {
    path = removeDotSegments(path);
    pathAsWritten = written;
    notes.push(
      'curl removes ./.. path segments unless --path-as-is is given; verifying the path curl sends',
    );
  }
  const body = upload ?? joinData(data);
  if (!headers.some(([n]) => n.toLowerCase() === 'host')) headers.unshift(['Host', parsed.host]);
  return {
    method: (
      method ?? (head ? 'HEAD' : upload !== undefined ? 'PUT' : data.length ? 'POST' : 'GET')
    ).toUpperCase(),
    scheme: parsed.scheme,
    host: parsed.host,
    path,
    ...(pathAsWritten === undefined ? {} : { pathAsWritten }),
    query: parsed.query,
    headers,
    body,
    source: 'curl',
    notes,
  };
}

/** curl -d / --data strip CR and LF from what they read (--data-binary keeps them). */
function withoutNewlines(data: string | Uint8Array): string | Uint8Array {
  return typeof data === 'string'
    ? data.replace(/\r?\n/g, '')
    : Buffer.from(data).filter((b) => b !== 0x0a && b !== 0x0d);
}

/** Several --data arguments are sent joined with '&'; text stays text, any file read makes it bytes. */
function joinData(data: Array<string | Uint8Array>): string | Uint8Array {
  if (data.every((d): d is string => typeof d === 'string')) return data.join('&');
  return Buffer.concat(
    data.flatMap((d, i) => [
      ...(i ? [Buffer.from('&')] : []),
      typeof d === 'string' ? Buffer.from(d) : d,
    ]),
  );
}

/** RFC 3986 §5.2.4 (what curl and browsers do): drops `.`/`..` but keeps empty segments. */
export function removeDotSegments(path: string): string {
  const out: string[] = [];
  const segments = path.split('/');
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const last = i === segments.length - 1;
    if (segment === '.') {
      if (last) out.push('');
      continue;
    }
    if (segment === '..') {
      if (out.length > 1) out.pop();
      if (last) out.push('');
      continue;
    }
    out.push(segment);
  }
  const joined = out.join('/');
  return joined.startsWith('/') ? joined : `/${joined}`;
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

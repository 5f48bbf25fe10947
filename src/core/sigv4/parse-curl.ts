/** `curl ...` command lines as the request curl would send (flags it ignores are skipped). */
import { bad, checkLineSize, type ParsedHttpRequest } from './parse-common.js';
import { parseWireUrl } from './url.js';

/** What one quoted or escaped piece adds to the current word, and the index of its last character. */
interface Piece {
  text: string;
  end: number;
}

/** `'...'`: everything up to the next quote, as is. */
function singleQuoted(text: string, start: number): Piece {
  const end = text.indexOf("'", start + 1);
  if (end < 0)
    throw bad(
      'unterminated single quote in the curl command',
      "close the quote (use '\\'' for a quote inside)",
    );
  return { text: text.slice(start + 1, end), end };
}

const ANSI_C_ESCAPES = new Map([
  ['n', '\n'],
  ['t', '\t'],
  ['r', '\r'],
]);

/** `$'...'`: \n, \t and \r are control characters, any other escaped character stands for itself. */
function ansiCQuoted(text: string, start: number): Piece {
  let out = '';
  let j = start + 2;
  for (; j < text.length && text[j] !== "'"; j++) {
    if (text[j] === '\\') {
      const next = text[++j];
      out += next === undefined ? '' : (ANSI_C_ESCAPES.get(next) ?? next);
    } else out += text[j];
  }
  return { text: out, end: j };
}

/** `"..."`: a backslash escapes only " \\ $ ` and newline, as in sh. */
function doubleQuoted(text: string, start: number): Piece {
  let out = '';
  let j = start + 1;
  for (; j < text.length && text[j] !== '"'; j++) {
    if (text[j] === '\\' && /["\\$`\n]/.test(text[j + 1] ?? '')) j++;
    out += text[j];
  }
  if (j >= text.length)
    throw bad('unterminated double quote in the curl command', 'close the quote');
  return { text: out, end: j };
}

/** The piece of a word that starts at `i` (not whitespace, not a `\`-newline). */
function piece(text: string, i: number): Piece {
  const ch = text[i]!;
  if (ch === "'") return singleQuoted(text, i);
  if (ch === '$' && text[i + 1] === "'") return ansiCQuoted(text, i);
  if (ch === '"') return doubleQuoted(text, i);
  if (ch === '\\') return { text: text[i + 1] ?? '', end: i + 1 };
  return { text: ch, end: i };
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
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      inWord = true;
      const next = piece(text, i);
      current += next.text;
      i = next.end;
    }
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

/** What the flags of a curl command say, read word by word. */
interface CurlArgs {
  method?: string;
  url?: string;
  headers: Array<[string, string]>;
  data: Array<string | Uint8Array>;
  upload?: string | Uint8Array;
  head: boolean;
  pathAsIs: boolean;
}

/** The words of a curl command, and a cursor: `value(flag)` takes a flag's value (attached or next). */
class CurlWords {
  i = 1;
  constructor(
    readonly words: string[],
    private readonly options: CurlParseOptions,
  ) {}

  get word(): string {
    return this.words[this.i]!;
  }

  value(flag: string): string {
    const word = this.word;
    if (word.length > flag.length && !word.startsWith('--')) return word.slice(flag.length);
    if (word.startsWith(`${flag}=`)) return word.slice(flag.length + 1);
    const value = this.words[++this.i];
    if (value === undefined) throw bad(`curl flag ${flag} needs a value`, `give ${flag} a value`);
    return value;
  }

  /** `@file` reads the file (as bytes), unless raw; without readFile that is refused. */
  data(value: string, raw: boolean): string | Uint8Array {
    if (raw || !value.startsWith('@')) return value;
    if (!this.options.readFile)
      throw bad(
        `cannot read ${value} from a curl command here`,
        'pass the body inline, or run verify on a raw HTTP request file',
      );
    return this.options.readFile(value.slice(1));
  }
}

/** Short flag with its value attached (`-XPUT`, `-HName: v`), or the flag itself. */
const isShort = (word: string, flag: string) =>
  word === flag || (word.startsWith(flag) && !word.startsWith('--'));

function curlHeader(w: CurlWords, args: CurlArgs): void {
  const header = w.value(w.word.startsWith('--') ? '--header' : '-H');
  const colon = header.indexOf(':');
  if (colon <= 0)
    throw bad(`curl header ${JSON.stringify(header)} has no colon`, "write -H 'Name: value'");
  checkLineSize(header, `curl header ${JSON.stringify(header.slice(0, 40))}`, '-H');
  const value = header.slice(colon + 1).replace(/^[ \t]+/, '');
  if (value === '' && !header.endsWith(';')) return; // `-H 'X:'` removes a header in curl
  args.headers.push([header.slice(0, colon).trim(), value]);
}

function curlData(w: CurlWords, args: CurlArgs): void {
  const word = w.word;
  const flag = word.includes('=') ? word.slice(0, word.indexOf('=')) : word;
  const text = w.data(w.value(flag), flag === '--data-raw');
  const stripped = flag === '-d' || flag === '--data' || flag === '--data-ascii';
  args.data.push(stripped ? withoutNewlines(text) : text);
}

const isDataFlag = (word: string) =>
  CURL_DATA_FLAGS.has(word) || [...CURL_DATA_FLAGS].some((f) => word.startsWith(`${f}=`));

/** One flag (or the URL) at the cursor into `args`. */
function curlWord(w: CurlWords, args: CurlArgs): void {
  const word = w.word;
  if (word === '--request' || isShort(word, '-X'))
    args.method = w.value(word.startsWith('--') ? '--request' : '-X');
  else if (word === '--header' || isShort(word, '-H')) curlHeader(w, args);
  else if (isDataFlag(word)) curlData(w, args);
  else if (word.startsWith('-d') && word.length > 2 && !word.startsWith('--'))
    args.data.push(w.data(word.slice(2), false));
  else if (!curlOtherFlag(w, args) && !word.startsWith('-')) args.url ??= word;
}

/** The flags without a short form that takes an attached value; false when `w.word` is none of them. */
function curlOtherFlag(w: CurlWords, args: CurlArgs): boolean {
  const word = w.word;
  if (word === '-T' || word === '--upload-file') args.upload = w.data(`@${w.value(word)}`, false);
  else if (word === '-A' || word === '--user-agent')
    args.headers.push(['User-Agent', w.value(word)]);
  else if (word === '--url') args.url = w.value('--url');
  else if (word === '-I' || word === '--head') args.head = true;
  else if (word === '--path-as-is') args.pathAsIs = true;
  else if (CURL_VALUE_FLAGS.has(word)) w.i++;
  else return false;
  return true;
}

/** Parses `curl [flags] URL` into the request curl would send. */
export function parseCurlCommand(text: string, options: CurlParseOptions = {}): ParsedHttpRequest {
  const words = shellSplit(text.trim());
  if (words[0] !== 'curl') throw bad('not a curl command line', 'start with "curl"');
  const args: CurlArgs = { headers: [], data: [], head: false, pathAsIs: false };
  const w = new CurlWords(words, options);
  for (; w.i < words.length; w.i++) curlWord(w, args);
  return curlRequest(args);
}

/** The method curl picks: -X, else HEAD for -I, PUT for -T, POST with data, else GET. */
function curlMethod(args: CurlArgs): string {
  if (args.method) return args.method.toUpperCase();
  if (args.head) return 'HEAD';
  if (args.upload !== undefined) return 'PUT';
  return args.data.length ? 'POST' : 'GET';
}

function curlRequest(args: CurlArgs): ParsedHttpRequest {
  const { url, headers } = args;
  if (!url) throw bad('the curl command has no URL', 'add the request URL');
  const parsed = parseWireUrl(url, 'curl URL');
  const notes: string[] = [];
  const written = url.replace(/^[a-z]+:\/\/[^/?#]*/i, '').replace(/[?#].*$/s, '') || '/';
  let path = written;
  let pathAsWritten: string | undefined;
  if (!args.pathAsIs && /(^|\/)\.\.?(\/|$)/.test(path)) {
    path = removeDotSegments(path);
    pathAsWritten = written;
    notes.push(
      'curl removes ./.. path segments unless --path-as-is is given; verifying the path curl sends',
    );
  }
  const body = args.upload ?? joinData(args.data);
  if (!headers.some(([n]) => n.toLowerCase() === 'host')) headers.unshift(['Host', parsed.host]);
  return {
    method: curlMethod(args),
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

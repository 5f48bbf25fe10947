import { mask, maskHeaderValue } from '../mask.js';

export interface CapturedRequest {
  time: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: Record<string, string>;
  status: number;
  ms: number;
  clientId?: string;
}

/** Parameters whose values are credentials: masked in the log and the capture. */
const SECRET_PARAMS = new Set([
  'client_secret',
  'password',
  'code',
  'code_verifier',
  'refresh_token',
  'access_token',
  'id_token',
  'token',
  'subject_token',
  'actor_token',
  'device_code',
  'id_token_hint',
  'client_assertion',
  'assertion',
]);

export function maskParams(params: Record<string, string>): Record<string, string> {
  // No prototype: a parameter named __proto__ is listed, not taken as the object's prototype.
  const out = Object.create(null) as Record<string, string>;
  for (const [key, value] of Object.entries(params))
    out[key] = SECRET_PARAMS.has(key) ? mask(value) : value;
  return out;
}

/** Request headers with credentials masked by the project's one header rule (`maskHeaderValue`). */
export function maskHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined)
      out[key] = maskHeaderValue(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return out;
}

const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
const CONTROL_CHARACTERS = new RegExp(CONTROL_CHARACTER.source, 'g');

/** Control characters as visible escapes (`\x1b`, `\n`): a request must not write to the terminal or forge log lines. */
export function printable(text: string): string {
  if (!CONTROL_CHARACTER.test(text)) return text;
  return text.replace(CONTROL_CHARACTERS, (c) =>
    c === '\n'
      ? '\\n'
      : c === '\r'
        ? '\\r'
        : c === '\t'
          ? '\\t'
          : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** `?code=abc&state=x` with credential values masked (for the access log); other pairs stay as sent. */
export function maskedPath(url: URL): string {
  if (!url.search) return url.pathname;
  const pairs = url.search
    .slice(1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = safeDecode(eq < 0 ? pair : pair.slice(0, eq));
      // Spaces as '+' (form encoding) keep the log line splittable on spaces.
      return eq >= 0 && SECRET_PARAMS.has(key)
        ? `${key}=${mask(safeDecode(pair.slice(eq + 1))).replace(/ /g, '+')}`
        : pair;
    });
  return `${url.pathname}?${pairs.join('&')}`;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/**
 * One request as the handler saw it. Masking and formatting wait for `list()`: the capture is read
 * by a test now and then but written on every request (issue #17: masking per request was a tenth
 * of discovery's cost). The raw values never leave the process unmasked.
 */
export interface RequestSeen {
  at: number;
  method: string;
  /** The request target as sent (`/token?x=1`): parsed only when the capture is read. */
  target: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, string>;
  status: number;
  ms: number;
  clientId?: string;
}

const targetUrl = (target: string) => new URL(target, 'http://authctl.invalid');

function shown(seen: RequestSeen): CapturedRequest {
  const url = targetUrl(seen.target);
  return {
    time: new Date(seen.at).toISOString(),
    method: seen.method,
    path: url.pathname,
    query: maskParams(Object.fromEntries(url.searchParams)),
    headers: maskHeaders(seen.headers),
    body: maskParams(seen.body),
    status: seen.status,
    ms: Math.round(seen.ms * 10) / 10,
    clientId: seen.clientId,
  };
}

/**
 * How an entry is held: `serialised` as one JSON string, or `as-is`, the objects the handler saw.
 * At a token endpoint's rate (thousands a second) a full ring of 500 holds an entry for about as
 * long as V8's young generation takes to fill, so the entry's objects outlive two scavenges, are
 * copied twice and promoted; one flat string is one object to copy and nothing to trace (issue
 * #17: the capture was 21 of the 38 MB promoted over 6 s of token load). A cached document is
 * answered at tens of thousands a second: the ring turns over in milliseconds, its entries die
 * young, and serialising them would cost more than it saves.
 */
export type CaptureHold = 'serialised' | 'as-is';

/**
 * Longest entry held serialised (UTF-16 code units). JSON writes a control character as six, so a
 * body of control bytes would take up to six times the memory of the objects; a longer entry (a
 * body in the kilobytes, not a token request) is held as given.
 */
const SERIALISED_LIMIT = 16 * 1024;

/** The last requests the service under test sent, for assertions (`GET /_authctl/requests`). */
export class RequestCapture {
  /** A ring of `limit` slots: adding never moves the others. */
  private readonly items: (RequestSeen | string)[] = [];
  private next = 0;

  constructor(private readonly limit = 500) {}

  add(item: RequestSeen, hold: CaptureHold = 'serialised'): void {
    const serialised = hold === 'serialised' ? JSON.stringify(item) : undefined;
    const entry =
      serialised !== undefined && serialised.length <= SERIALISED_LIMIT ? serialised : item;
    if (this.items.length < this.limit) this.items.push(entry);
    else this.items[this.next] = entry;
    this.next = (this.next + 1) % this.limit;
  }

  list(filter: { path?: string; clientId?: string } = {}): CapturedRequest[] {
    const ordered =
      this.items.length < this.limit
        ? this.items
        : [...this.items.slice(this.next), ...this.items.slice(0, this.next)];
    return ordered
      .map((entry) => (typeof entry === 'string' ? (JSON.parse(entry) as RequestSeen) : entry))
      .filter(
        (item) =>
          (!filter.path || targetUrl(item.target).pathname.includes(filter.path)) &&
          (!filter.clientId || item.clientId === filter.clientId),
      )
      .map(shown);
  }

  clear(): void {
    this.items.length = 0;
    this.next = 0;
  }
}

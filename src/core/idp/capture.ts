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
  const out: Record<string, string> = {};
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

/** Control characters as visible escapes (`\x1b`, `\n`): a request must not write to the terminal or forge log lines. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) =>
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

/** The last requests the service under test sent, for assertions (`GET /_authctl/requests`). */
export class RequestCapture {
  private readonly items: CapturedRequest[] = [];

  constructor(private readonly limit = 500) {}

  add(item: CapturedRequest): void {
    this.items.push(item);
    if (this.items.length > this.limit) this.items.splice(0, this.items.length - this.limit);
  }

  list(filter: { path?: string; clientId?: string } = {}): CapturedRequest[] {
    return this.items.filter(
      (item) =>
        (!filter.path || item.path.includes(filter.path)) &&
        (!filter.clientId || item.clientId === filter.clientId),
    );
  }

  clear(): void {
    this.items.length = 0;
  }
}

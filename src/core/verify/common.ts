import { closest } from '../suggest.js';
import type { CheckContext } from './context.js';
import type { KeyPath } from './types.js';
import { formatPath } from './types.js';

/** Values people leave in config by accident: "replace-with-…", "changeme", "secret", "<your-key>". */
const PLACEHOLDER_PATTERNS = [
  /^replace[-_ ]?(with|me)/i,
  /^change[-_ ]?(me|it|this)/i,
  /^(your|my)[-_ ]/i,
  /^<[^>]*>$/,
  /^\$\{[^}]*\}$/,
  /^(todo|fixme|tbd|placeholder|dummy|example|sample|xxx+|\*+)/i,
  /^(.)\1*$/,
];
const PLACEHOLDER_WORDS = new Set([
  'secret',
  'secrets',
  'password',
  'passw0rd',
  'admin',
  'test',
  'testing',
  'dev',
  'default',
  'jwt-secret',
  'jwt_secret',
  'mysecret',
  'supersecret',
  'super-secret',
  'secretkey',
  'secret-key',
  'secret_key',
  'key',
  'token',
  '123456',
  '12345678',
  'qwerty',
  'letmein',
]);

export function looksLikePlaceholder(value: string): boolean {
  const v = value.trim();
  return PLACEHOLDER_WORDS.has(v.toLowerCase()) || PLACEHOLDER_PATTERNS.some((re) => re.test(v));
}

/** RFC 7518 §3.2: an HMAC key must be at least as long as the hash output. */
export function hmacMinBytes(alg: string): number | undefined {
  return { HS256: 32, HS384: 48, HS512: 64 }[alg.toUpperCase()];
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1|[a-z0-9.-]+\.localhost)$/i;
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.test(host);
}

/** Without trailing slashes; the regex only for a value that has one (most have none). */
// The last character by its code, not endsWith: a builtin call each, ~2M instructions of a dense
// 1 MB file's checks (an issuer and each audience are trimmed for every comparison).
export const trimSlashes = (s: string): string =>
  s.charCodeAt(s.length - 1) === 47 ? s.replace(/\/+$/, '') : s;

let lastHttps: string | undefined;

/**
 * An https URL the URL parser always accepts, told by a regex 3x quicker: a host of plain DNS
 * labels (none punycode, the last starting with a letter, so no IPv4 number), no port nor user.
 */
const PLAIN_HTTPS = /^https:\/\/(?:(?!xn--)[a-z0-9-]+\.)*(?!xn--)[a-z][a-z0-9-]*(?=[/?#]|$)/i;

/**
 * An https URL, which no issuer URL rule reports: the common case, told without building a URL
 * object (URL.canParse costs half of new URL). Written with that exact scheme, nothing before it,
 * a URL that parses has that protocol. The last one is kept: an issuer is asked about twice (its
 * facts, then its rules), and a dense file has thousands.
 */
export function isHttpsUrl(value: string): boolean {
  if (value === lastHttps) return true;
  if (!value.startsWith('https://') || !(PLAIN_HTTPS.test(value) || URL.canParse(value)))
    return false;
  lastHttps = value;
  return true;
}

/**
 * Checks an issuer (or IdP base) URL: it must parse, use http(s), and use https unless the host
 * is loopback. Returns the URL when it parsed.
 */
export function checkIssuerUrl(
  ctx: CheckContext,
  path: KeyPath,
  value: string,
  label = formatPath(path),
): URL | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.report('auth/invalid-url', path, {
      at: 'value',
      message: `${label} is not a URL: "${value}"`,
      fix: 'use an absolute URL such as https://login.example.com/realms/main',
    });
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    ctx.report('auth/invalid-url', path, {
      at: 'value',
      message: `${label} must be an http(s) URL, not ${url.protocol}`,
      fix: 'use an https:// URL',
    });
    return undefined;
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    ctx.report('auth/insecure-issuer', path, {
      at: 'value',
      message: `${label} uses plain HTTP on ${url.hostname}: tokens and keys travel unencrypted`,
      fix: `use https://${url.host}${url.pathname === '/' ? '' : url.pathname}`,
    });
  }
  return url;
}

/** Compares two issuer settings byte for byte, explaining a trailing-slash-only difference. */
export function checkSameIssuer(
  ctx: CheckContext,
  path: KeyPath,
  value: string,
  expected: string,
  expectedLabel: string,
): void {
  if (value === expected) return;
  const slashOnly = value.replace(/\/+$/, '') === expected.replace(/\/+$/, '');
  ctx.report('auth/issuer-mismatch', path, {
    at: 'value',
    message: slashOnly
      ? `${formatPath(path)} "${value}" differs from ${expectedLabel} "${expected}" only by a trailing slash; issuers are compared byte for byte`
      : `${formatPath(path)} "${value}" differs from ${expectedLabel} "${expected}"`,
    fix: `use exactly "${expected}" in both places`,
  });
}

/** Reports keys of `object` not in `known`, with a "did you mean". `onlyClose` ignores unrelated keys. */
export function checkUnknownKeys(
  ctx: CheckContext,
  object: Record<string, unknown>,
  known: readonly string[],
  path: KeyPath,
  onlyClose = false,
): void {
  for (const key of Object.keys(object)) {
    if (known.includes(key)) continue;
    const suggestion = closest(key, known);
    if (onlyClose && !suggestion) continue;
    ctx.report('config/unknown-key', [...path, key], {
      message: `unknown key "${formatPath([...path, key])}"${suggestion ? `: did you mean "${suggestion}"?` : ''}`,
      fix: suggestion
        ? `rename it to "${suggestion}"`
        : `remove it; known keys: ${known.join(', ')}`,
    });
  }
}

export type JsonType = 'string' | 'boolean' | 'integer' | 'number' | 'string[]' | 'object';

export function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  return typeof value;
}

/** Type-checks one key; reports and returns false when wrong. Missing keys pass. */
export function checkType(
  ctx: CheckContext,
  object: Record<string, unknown>,
  key: string,
  type: JsonType,
  path: KeyPath,
): boolean {
  if (!(key in object)) return true;
  const value = object[key];
  const ok =
    type === 'string[]'
      ? Array.isArray(value) && value.every((v) => typeof v === 'string')
      : type === 'integer'
        ? (typeof value === 'number' || typeof value === 'bigint') &&
          Number.isInteger(Number(value))
        : type === 'object'
          ? typeOf(value) === 'object'
          : typeof value === type;
  if (ok) return true;
  let elementPath: KeyPath = [...path, key];
  if (type === 'string[]' && Array.isArray(value)) {
    const bad = value.findIndex((v) => typeof v !== 'string');
    elementPath = [...path, key, bad];
  }
  ctx.report('config/invalid-type', elementPath, {
    at: 'value',
    message: `${formatPath([...path, key])} must be ${type === 'string[]' ? 'an array of strings' : `${article(type)} ${type}`}, got ${typeOf(type === 'string[]' && Array.isArray(value) ? value.find((v) => typeof v !== 'string') : value)}`,
    fix:
      type === 'string[]'
        ? `write it as ${key} = ["..."]`
        : (type === 'integer' || type === 'number') &&
            typeof value === 'string' &&
            value.trim() !== '' &&
            Number.isFinite(Number(value))
          ? `write it without quotes: ${key} = ${value.trim()}`
          : `give ${key} ${article(type)} ${type} value`,
  });
  return false;
}

/** RFC 6901: "" or a sequence of "/segment" where "~" only appears as ~0 or ~1. */
export function isJsonPointer(value: string): boolean {
  return /^(\/([^~/]|~[01])*)*$/.test(value);
}

/** An HTTP header field name (RFC 9110 token). */
export function isHeaderName(value: string): boolean {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(value);
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off', '']);

/** Reads an environment flag; reports values that are neither true nor false. */
export function envFlag(
  ctx: CheckContext,
  vars: Record<string, string>,
  name: string,
): boolean | undefined {
  const raw = vars[name];
  if (raw === undefined) return undefined;
  const v = raw.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  ctx.report('env/invalid-boolean', [name], {
    at: 'value',
    message: `${name}="${raw}" is not a boolean`,
    fix: `set ${name}=true or ${name}=false`,
  });
  return undefined;
}

/** Placeholder and, for HMAC algorithms, length checks on one secret. `bytes` is its decoded length. */
export function checkSecret(
  ctx: CheckContext,
  path: KeyPath,
  label: string,
  value: string,
  alg: string | undefined,
  bytes = Buffer.byteLength(value, 'utf8'),
): void {
  if (looksLikePlaceholder(value)) {
    ctx.report('auth/placeholder-secret', path, {
      at: 'value',
      message: `${label} looks like a placeholder, not a secret`,
      fix: 'generate one: openssl rand -base64 48 (and keep it out of version control)',
    });
    return;
  }
  const min = alg ? hmacMinBytes(alg) : undefined;
  if (min && bytes < min) {
    ctx.report('auth/weak-hmac-secret', path, {
      at: 'value',
      message: `${label} is ${bytes} bytes; ${alg!.toUpperCase()} needs at least ${min} (RFC 7518 §3.2)`,
      fix: `use a random secret of ${min}+ bytes: openssl rand -base64 ${min + 16}`,
    });
  }
}

/** Both placeholder forms need a `<` or a `%`: most values have neither, and skip the regex. */
export const mayHavePlaceholder = (value: string): boolean =>
  value.includes('<') || value.includes('%');

/** `<tenant-id>`, `<your-client-id>`: a value pasted from docs without filling it in. */
export function checkPlaceholderValue(ctx: CheckContext, path: KeyPath, value: unknown): boolean {
  if (typeof value !== 'string' || !mayHavePlaceholder(value)) return false;
  const match = /<[A-Za-z][\w .-]*>|%3C[A-Za-z][\w.-]*%3E/i.exec(value);
  if (!match) return false;
  ctx.report('config/placeholder-value', path, {
    at: 'value',
    message: `${formatPath(path)} still contains the placeholder ${decodeURIComponent(match[0])}`,
    fix: `replace ${decodeURIComponent(match[0])} with the real value`,
  });
  return true;
}

/** Runs checkPlaceholderValue over every string (and string array item) of a flat table. */
export function checkPlaceholders(
  ctx: CheckContext,
  table: Record<string, unknown>,
  path: KeyPath,
): void {
  for (const [key, value] of Object.entries(table)) {
    if (Array.isArray(value))
      value.forEach((item, i) => checkPlaceholderValue(ctx, [...path, key, i], item));
    else checkPlaceholderValue(ctx, [...path, key], value);
  }
}

/** The entries of `vars` named in `keys`. */
export function pick(
  vars: Record<string, string>,
  keys: readonly string[],
): Record<string, string> {
  return Object.fromEntries(keys.filter((k) => k in vars).map((k) => [k, vars[k]!]));
}

const article = (word: string) => (/^[aeiou]/.test(word) ? 'an' : 'a');

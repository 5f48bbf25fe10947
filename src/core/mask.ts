/**
 * The one masking function used everywhere authctl might show a secret: logs, errors,
 * listings, --dry-run output. It keeps enough to recognise a value, never enough to use it.
 */

import { rememberKeys } from './table-keys.js';

const JWT_PATTERN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** authctl's own API key shape (see core/apikey/format.ts): the prefix may have several words. */
const AUTHCTL_API_KEY = /^([a-z][a-z0-9]*(?:_[a-z0-9]+)*_)([0-9A-Za-z]{38})$/;

/**
 * A value shortened so it can be shown without revealing it: an API key keeps its prefix and 4+4 characters, a JWT its header.
 */
export function mask(value: string): string {
  if (!value) return '';
  // authctl API key: prefix, first 4 of the body, last 4 (ak_prod_eu_AbCd…wXyZ).
  const apiKey = AUTHCTL_API_KEY.exec(value);
  if (apiKey) return `${apiKey[1]}${apiKey[2]!.slice(0, 4)}…${apiKey[2]!.slice(-4)}`;
  // JWT: keep the header (it is not secret and tells the alg), hide claims and signature.
  if (JWT_PATTERN.test(value) && value.length > 40) {
    const header = value.split('.')[0]!;
    return `${header.slice(0, 10)}…(jwt, ${value.length} chars)`;
  }
  // Prefixed keys (sk_live_XXXX…): keep the short lower-case prefix so a reader knows which key
  // set. Only when what is shown (prefix + 8 chars) is at most half of the value: a passphrase
  // made of words (`correct_horse_battery_…`) is not a prefixed key.
  const prefixMatch = /^([a-z][a-z0-9]{0,11}_(?:[a-z0-9]{1,11}_)?)(.+)$/.exec(value);
  if (prefixMatch && codePoints(prefixMatch[2]!).length >= prefixMatch[1]!.length + 16) {
    const body = codePoints(prefixMatch[2]!);
    return `${prefixMatch[1]}${body.slice(0, 4).join('')}…${body.slice(-4).join('')}`;
  }
  // Count and cut by code point so an emoji or other astral char is never split in half.
  const chars = codePoints(value);
  if (chars.length >= 16) return `${chars.slice(0, 4).join('')}…${chars.slice(-4).join('')}`;
  if (chars.length >= 8) return `${chars.slice(0, 2).join('')}…`;
  return '…'.padStart(Math.min(chars.length, 3), '*');
}

function codePoints(value: string): string[] {
  return Array.from(value);
}

/** Masks the credential part of an HTTP header value (`Bearer <token>`, `AWS4-HMAC-SHA256 ... Signature=`). */
export function maskHeaderValue(name: string, value: string): string {
  const lower = name.toLowerCase();
  if (lower === 'authorization' || lower === 'proxy-authorization') {
    const [scheme, ...rest] = value.split(' ');
    if (!rest.length) return mask(value);
    const credentials = rest.join(' ');
    if (/^AWS4-HMAC-SHA256$/i.test(scheme!))
      return `${scheme} ${credentials.replace(/Signature=([0-9a-f]+)/i, (_, sig: string) => `Signature=${sig.slice(0, 6)}…`)}`;
    return `${scheme} ${mask(credentials)}`;
  }
  if (
    /(api[-_]?key|[-_]key$|token|secret|password|cookie|signature|credential|x-amz-security-token)/i.test(
      lower,
    )
  )
    return mask(value);
  return value;
}

/**
 * Names of keys whose values are secrets, in every format authctl reads: config keys
 * (`client_secret`, `secret_access_key`), dotenv variables (`JWT_SIGNING_KEY`, `ADMIN_PASSWORD`), API
 * key stores (`key`, `hash`) and JWK private members (`d`, `p`, `q`, `dp`, `dq`, `qi`, `k`). Only the
 * last segment of a dotted key counts (`idp.clients.ci.secret`).
 */
const SECRET_KEY_NAME =
  /(secret|passw(or)?d|passphrase|token|private|signing[-_]?key|api[-_]?key|[-_]key$|^key$|credential|authorization|cookie)/i;
const JWK_PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth', 'hash']);

/** Keys that name where a secret is (`client_secret_env`, `token_url`, `secret_file`) or how it is used (`token_endpoint_auth_method`), not the secret. */
const POINTS_AT_SECRET =
  /[-_](env|file|path|url|uri|endpoint|header|claim|format|type|name|id|method)$/i;

/**
 * Whether a config key, variable or JWK member name holds a secret (`client_secret`, `JWT_SIGNING_KEY`, `d`), not where one is (`secret_file`).
 */
export function isSecretName(name: string): boolean {
  const last = name
    .split('.')
    .pop()!
    .replace(/^["']|["']$/g, '');
  return (
    JWK_PRIVATE_MEMBERS.has(last) || (SECRET_KEY_NAME.test(last) && !POINTS_AT_SECRET.test(last))
  );
}

/**
 * Secrets authctl has read (values of secret-named keys, credentials a probe uses), so any renderer
 * can take them out of what it prints even when some message quotes one by accident. Kept on
 * globalThis: dist/ bundles this module into more than one file, and all must share one set.
 */
const KNOWN: Set<string> = ((globalThis as Record<symbol, unknown>)[
  Symbol.for('authctl.knownSecrets')
] ??= new Set<string>()) as Set<string>;
/** Shorter values are too likely to be ordinary words to replace everywhere. */
const MIN_KNOWN_SECRET = 8;

export function registerSecret(value: unknown): void {
  if (typeof value === 'string' && value.length >= MIN_KNOWN_SECRET) KNOWN.add(value);
}

/** Registers the values of every secret-named key in a parsed document (any depth). */
export function registerSecretsIn(data: unknown, depth = 0): void {
  if (!data || typeof data !== 'object' || depth > 64) return;
  // An index names no secret: a list's strings are never registered, only its tables are walked.
  if (Array.isArray(data)) {
    for (let i = 0; i < data.length; i++) {
      const item: unknown = data[i];
      if (item && typeof item === 'object') registerSecretsIn(item, depth + 1);
    }
    return;
  }
  // A 1 MB config repeats a few key names thousands of times: no entry arrays, one test per name.
  const record = data as Record<string, unknown>;
  // A large table is listed (its keys kept for the path walk that lists it next), not walked with
  // for-in: one such table turns every keyed load of a for-in loop megamorphic (issue #17).
  const keys = Object.keys(record);
  if (keys.length > LARGE_TABLE) {
    rememberKeys(record, keys);
    for (let i = 0; i < keys.length; i++) registerEntry(keys[i]!, record[keys[i]!], depth);
    // for-in also lists inherited keys (as the loop below does for every other table).
    for (const key in Object.getPrototypeOf(record)) registerEntry(key, record[key], depth);
    return;
  }
  for (const key in record) registerEntry(key, record[key], depth);
}

const LARGE_TABLE = 64;

function registerEntry(key: string, value: unknown, depth: number): void {
  if (typeof value === 'string') {
    if (secretName(key)) registerSecret(value);
  } else if (value && typeof value === 'object') registerSecretsIn(value, depth + 1);
}

const secretNames = new Map<string, boolean>();
function secretName(key: string): boolean {
  let secret = secretNames.get(key);
  if (secret === undefined) {
    secret = isSecretName(key);
    if (secretNames.size < 10_000) secretNames.set(key, secret);
  }
  return secret;
}

/** Shapes that are secrets wherever they appear: PEM private keys, JWTs, authctl API keys, AWS secret keys. */
const PEM_PRIVATE =
  /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g;
// The lookbehind makes a match start only at the beginning of a base64url run: without it a long
// run of `eyJeyJ…` is rescanned from every `eyJ` (quadratic).
const JWT_ANYWHERE = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const API_KEY_ANYWHERE = /\b[a-z][a-z0-9]*(?:_[a-z0-9]+)*_[0-9A-Za-z]{38}\b/g;

/**
 * Public values authctl prints that may have a secret's shape: about 1 in 2,000 kids (RFC 7638,
 * 43 base64url characters, in `keys list` and the probe's rotation report) is `word_` and 38
 * letters and digits, an API key's shape. The keystore and the probe register the kids they read;
 * any other value of that shape is masked (a mistyped key included: one character from a real one).
 */
const PUBLIC: Set<string> = ((globalThis as Record<symbol, unknown>)[
  Symbol.for('authctl.publicValues')
] ??= new Set<string>()) as Set<string>;

export function registerPublic(value: unknown): void {
  if (typeof value === 'string' && value.length >= 38 && PUBLIC.size < 100_000) PUBLIC.add(value);
}

/** Whether the match at `offset` of `text` lies inside a registered public value. */
function insidePublic(text: string, offset: number, match: string): boolean {
  for (const value of PUBLIC) {
    const at = value.indexOf(match);
    if (at >= 0 && offset >= at && text.startsWith(value, offset - at)) return true;
  }
  return false;
}

/**
 * Exactly 40 characters of base64 with both cases and a digit or / or +: an AWS secret access key
 * (hex digests are lower case). The mix is checked on the match, not by lookaheads, so a long run
 * of base64 costs linear time.
 */
// `-` and `_` count as neighbours too: a 40-character run inside a base64url value (an RFC 7638 kid,
// which is public and printed by `keys list`) is not an AWS secret, which never contains either.
const AWS_SECRET_ANYWHERE = /(?<![A-Za-z0-9/+_-])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+_-])/g;
const looksLikeAwsSecret = (s: string) => /[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9/+]/.test(s);

/**
 * The one masking layer in front of every renderer: replaces known secrets and secret-shaped
 * values in `text` by their masked form. Safe to run twice (masked forms match nothing).
 */
export function redactSecrets(text: string): string {
  if (!text) return text;
  let out = text;
  for (const secret of KNOWN) if (out.includes(secret)) out = out.split(secret).join(mask(secret));
  // Every shape is 38+ characters: short strings (most messages) skip the regular expressions.
  if (out.length < 38) return out;
  if (out.includes('PRIVATE KEY'))
    out = out.replace(
      PEM_PRIVATE,
      (_, kind: string) => `-----BEGIN ${kind}PRIVATE KEY----- (masked)`,
    );
  if (out.includes('eyJ')) out = out.replace(JWT_ANYWHERE, (jwt) => mask(jwt));
  if (out.includes('_'))
    out = out.replace(API_KEY_ANYWHERE, (key: string, offset: number, text: string) =>
      PUBLIC.size && insidePublic(text, offset, key) ? key : mask(key),
    );
  return out.replace(AWS_SECRET_ANYWHERE, (key) => (looksLikeAwsSecret(key) ? mask(key) : key));
}

/** redactSecrets over every string of a JSON-like value (findings, error details); returns a copy. */
export function redactDeep<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return redactSecrets(value) as T;
  if (!value || typeof value !== 'object' || depth > 64) return value;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>))
    out[key] = redactDeep(item, depth + 1);
  return out as T;
}

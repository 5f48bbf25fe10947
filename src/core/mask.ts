/**
 * The one masking function used everywhere authctl might show a secret: logs, errors,
 * listings, --dry-run output. It keeps enough to recognise a value, never enough to use it.
 */

const JWT_PATTERN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** authctl's own API key shape (see core/apikey/format.ts): the prefix may have several words. */
const AUTHCTL_API_KEY = /^([a-z][a-z0-9]*(?:_[a-z0-9]+)*_)([0-9A-Za-z]{38})$/;

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
  // Prefixed keys (sk_live_XXXX…): keep the prefix so a reader knows which key set. Only when
  // the body is long enough that showing 8 of its chars still hides at least half of it.
  const prefixMatch = /^([a-z][a-z0-9]*_(?:[a-z0-9]+_)?)(.+)$/i.exec(value);
  if (prefixMatch && codePoints(prefixMatch[2]!).length >= 16) {
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
    if (/^AWS4-HMAC-SHA256$/i.test(scheme!)) return `${scheme} ${credentials.replace(/Signature=([0-9a-f]+)/i, (_, sig: string) => `Signature=${sig.slice(0, 6)}…`)}`;
    return `${scheme} ${mask(credentials)}`;
  }
  if (/(api[-_]?key|token|secret|password|cookie|x-amz-security-token)/i.test(lower)) return mask(value);
  return value;
}

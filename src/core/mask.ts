/**
 * The one masking function used everywhere authctl might show a secret: logs, errors,
 * listings, --dry-run output. It keeps enough to recognise a value, never enough to use it.
 */

const JWT_PATTERN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export function mask(value: string): string {
  if (!value) return '';
  // JWT: keep the header (it is not secret and tells the alg), hide claims and signature.
  if (JWT_PATTERN.test(value) && value.length > 40) {
    const header = value.split('.')[0]!;
    return `${header.slice(0, 10)}…(jwt, ${value.length} chars)`;
  }
  // Prefixed keys (ak_test_XXXX…): keep the prefix so a reader knows which key set.
  const prefixMatch = /^([a-z][a-z0-9]*_(?:[a-z0-9]+_)?)(.+)$/i.exec(value);
  if (prefixMatch && prefixMatch[2]!.length >= 12) {
    const body = prefixMatch[2]!;
    return `${prefixMatch[1]}${body.slice(0, 4)}…${body.slice(-4)}`;
  }
  if (value.length >= 16) return `${value.slice(0, 4)}…${value.slice(-4)}`;
  if (value.length >= 8) return `${value.slice(0, 2)}…`;
  return '…'.padStart(Math.min(value.length, 3), '*');
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

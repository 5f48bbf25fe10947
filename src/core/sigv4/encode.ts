/**
 * The encoding rules of SigV4 canonicalisation (NOTES.md §1-§4): RFC 3986 encoding with the
 * unreserved set only, canonical URI (normalisation and double encoding as two separate
 * switches), canonical query string and header-value Trimall.
 */

const HEX = '0123456789ABCDEF';

/** Unreserved per RFC 3986: A-Z a-z 0-9 - . _ ~ */
function isUnreserved(code: number): boolean {
  return (
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x2d ||
    code === 0x2e ||
    code === 0x5f ||
    code === 0x7e
  );
}

const UNRESERVED_ONLY = /^[A-Za-z0-9\-._~]*$/;

/**
 * Percent-encodes every byte outside the unreserved set, upper-case hex. Unlike
 * encodeURIComponent it also encodes `!'()*` (aws4 `encodeRfc3986`).
 */
export function uriEncode(value: string): string {
  if (UNRESERVED_ONLY.test(value)) return value; // the common case costs one regex test
  try {
    // Native encodeURIComponent leaves only !'()* of the reserved set alone; fix those up.
    return encodeURIComponent(value).replace(
      /[!'()*]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    );
  } catch {
    // Lone surrogates: encode the UTF-8 bytes Buffer produces (U+FFFD), byte by byte.
  }
  const bytes = Buffer.from(value, 'utf8');
  let out = '';
  for (const byte of bytes) {
    if (isUnreserved(byte)) out += String.fromCharCode(byte);
    else out += `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
  }
  return out;
}

/**
 * An already-canonical component: unreserved characters and upper-case escapes of bytes that are
 * not unreserved. Decoding and re-encoding it changes nothing, so it is used as is.
 */
const CANONICAL =
  /^(?:[A-Za-z0-9\-._~]|%(?:[01][0-9A-F]|2[0-9A-CF]|3[A-F]|40|5[B-E]|60|7[B-F]|[89A-F][0-9A-F]))*$/;
const CANONICAL_PATH =
  /^(?:[A-Za-z0-9\-._~/]|%(?:[01][0-9A-F]|2[0-9A-CF]|3[A-F]|40|5[B-E]|60|7[B-F]|[89A-F][0-9A-F]))*$/;

/**
 * Encodes a wire component (S3 key segment, query name or value) exactly once: valid UTF-8
 * escapes are decoded and re-encoded canonically, raw characters are encoded, and escapes that
 * are not valid UTF-8 are kept (upper-cased) rather than encoded again.
 */
export function encodeOnce(raw: string): string {
  if (CANONICAL.test(raw)) return raw;
  let out = '';
  for (const [, escapes, text] of raw.matchAll(/((?:%[0-9A-Fa-f]{2})+)|([^%]+|%)/g)) {
    if (escapes === undefined) {
      out += uriEncode(text!);
      continue;
    }
    try {
      out += uriEncode(decodeURIComponent(escapes));
    } catch {
      // Not UTF-8: decode the escapes of unreserved bytes, keep the rest as escapes.
      out += escapes.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => {
        const byte = parseInt(hex, 16);
        return isUnreserved(byte) ? String.fromCharCode(byte) : `%${hex.toUpperCase()}`;
      });
    }
  }
  return out;
}

/** decodeURIComponent that leaves malformed escapes (`%zz`, lone `%`) as they are instead of throwing. */
export function safeDecode(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}

/**
 * Removes `.` and `..` segments and collapses empty segments, keeping a trailing slash
 * (suite normalize-path: `//example//` -> `/example/`, `/example1/example2/../..` -> `/`).
 */
export function normalizePath(path: string): string {
  if (path === '' || path === '/') return '/';
  if (!path.includes('//') && !path.includes('/.')) return path; // nothing to remove
  const out: string[] = [];
  const segments = path.split('/');
  for (const segment of segments) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  const last = segments[segments.length - 1];
  const trailing = last === '' || last === '.' || last === '..';
  const joined = `/${out.join('/')}`;
  return trailing && out.length > 0 ? `${joined}/` : joined;
}

export interface CanonicalUriOptions {
  /** Remove dot segments and empty segments (every service but S3). */
  normalize: boolean;
  /**
   * true: URI-encode each segment of the path *as given* (already encoded on the wire), so a
   * `%` becomes `%25` -- the "encode twice" rule of every service but S3.
   * false (S3): encode the object key once -- decode the wire path, then encode it.
   */
  doubleEncode: boolean;
}

export function canonicalUri(path: string, options: CanonicalUriOptions): string {
  let p = path === '' ? '/' : path;
  if (options.normalize) p = normalizePath(p);
  if (UNRESERVED_PATH.test(p) || (!options.doubleEncode && CANONICAL_PATH.test(p))) return p;
  const segments = p.split('/');
  for (let i = 0; i < segments.length; i++)
    segments[i] = options.doubleEncode ? uriEncode(segments[i]!) : encodeOnce(segments[i]!);
  return segments.join('/');
}

const UNRESERVED_PATH = /^[A-Za-z0-9\-._~/]*$/;

export type QueryPair = [name: string, value: string];

/**
 * Splits a raw query string (no leading `?`) into decoded pairs. `?acl` gives `['acl', '']`.
 * `+` stays a literal plus (RFC 3986); the caller may warn about it.
 */
export function parseQuery(query: string): QueryPair[] {
  if (!query) return [];
  const pairs: QueryPair[] = [];
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) pairs.push([safeDecode(part), '']);
    else pairs.push([safeDecode(part.slice(0, eq)), safeDecode(part.slice(eq + 1))]);
  }
  return pairs;
}

/** Byte-order comparison of two ASCII strings (encoded names are ASCII). */
function compareAscii(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Encodes names and values separately, then sorts by encoded name and, for repeated names, by
 * encoded value. Sorting whole `k=v` strings is the classic bug (`select-type=2` vs `select=`).
 */
export function canonicalQuery(pairs: readonly QueryPair[], exclude?: string): string {
  if (pairs.length === 0) return '';
  const encoded: QueryPair[] = [];
  for (const [name, value] of pairs) {
    if (exclude !== undefined && name === exclude) continue;
    encoded.push([uriEncode(name), uriEncode(value)]);
  }
  return joinSorted(encoded);
}

/** Splits a raw query into raw (still encoded) name/value pairs. */
export function splitRawQuery(query: string): QueryPair[] {
  const pairs: QueryPair[] = [];
  if (!query) return pairs;
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    pairs.push(eq < 0 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)]);
  }
  return pairs;
}

/** The canonical query of raw wire pairs: each part encoded exactly once (see encodeOnce). */
export function canonicalRawQuery(rawPairs: readonly QueryPair[], excludeName?: string): string {
  if (rawPairs.length === 0) return '';
  const encoded: QueryPair[] = [];
  for (const [name, value] of rawPairs) {
    const n = encodeOnce(name);
    if (excludeName !== undefined && n === excludeName) continue;
    encoded.push([n, encodeOnce(value)]);
  }
  return joinSorted(encoded);
}

function joinSorted(encoded: QueryPair[]): string {
  if (encoded.length > 1)
    encoded.sort((a, b) => compareAscii(a[0], b[0]) || compareAscii(a[1], b[1]));
  let out = '';
  for (let i = 0; i < encoded.length; i++)
    out += `${i ? '&' : ''}${encoded[i]![0]}=${encoded[i]![1]}`;
  return out;
}

/** Serialises pairs for the wire with the same RFC 3986 encoding (space is %20, never +), in the given order. */
export function serializeQuery(pairs: readonly QueryPair[]): string {
  return pairs.map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`).join('&');
}

const NEEDS_TRIM = /^\s|\s$|\s\s|[\t\r\n\f\v]/;

/**
 * Trimall: trim, and collapse runs of whitespace to one space -- also inside quotes
 * (suite get-header-value-trim `"a   b   c"` -> `"a b c"`).
 */
export function trimAll(value: string): string {
  if (!NEEDS_TRIM.test(value)) return value;
  return value.trim().replace(/\s+/g, ' ');
}

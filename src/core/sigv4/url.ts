/**
 * URL handling that keeps the path exactly as it goes on the wire. WHATWG `new URL()` removes
 * `.`/`..` segments, which would make it impossible to sign S3 keys like `a/../b` or the
 * unnormalised suite cases, so only the authority goes through `new URL()`.
 */
import { usageError } from '../errors.js';
import { printable } from '../terminal.js';
import { maskSecurityTokens } from './mask-tokens.js';

/** ws/wss (AWS IoT presigned websocket URLs) are signed like http/https. */
export type WireScheme = 'http' | 'https' | 'ws' | 'wss';

const DEFAULT_PORT: Record<WireScheme, number> = { http: 80, https: 443, ws: 80, wss: 443 };

export interface WireUrl {
  scheme: WireScheme;
  /** Host as sent in the Host header: lower-case, `:port` only when not the scheme's default. */
  host: string;
  hostname: string;
  /** Port to connect to. */
  port: number;
  /** Path as sent on the wire (percent-encoded where the wire needs it, never normalised). */
  path: string;
  /** Raw query string without `?` ('' when none). */
  query: string;
}

const PLAIN_AUTHORITY =
  /^([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*)(?::(\d{1,5}))?$/;
const URL_PATTERN = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#.*)?$/s;

/** Characters that cannot appear raw in a request line: encode them, leave everything else (including `%XX`) alone. */
const WIRE_UNSAFE = /[\x00-\x20"<>\\^`{|}\x7f]|[^\x00-\x7f]/gu;

const WIRE_SAFE = /^[\x21\x23-\x3b\x3d\x3f-\x5b\x5d\x5f\x61-\x7a\x7e]*$/;

export function toWireForm(text: string): string {
  if (WIRE_SAFE.test(text)) return text;
  return text.replace(WIRE_UNSAFE, (ch) =>
    Array.from(
      Buffer.from(ch, 'utf8'),
      (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    ).join(''),
  );
}

/** URLs come from input files: their session token masked, control characters replaced, before any message quotes them. */
function badUrl(message: string, extra: { where: string; hint: string }) {
  return usageError('ERR_SIGV4_BAD_URL', printable(maskSecurityTokens(message)), extra);
}

export function parseWireUrl(url: string, where = 'URL'): WireUrl {
  const match = URL_PATTERN.exec(url.trim());
  if (!match) {
    throw badUrl(`not an absolute http(s) URL: ${JSON.stringify(url)}`, {
      where,
      hint: 'give a full URL such as https://bucket.s3.amazonaws.com/key?x=1',
    });
  }
  const scheme = match[1]!.toLowerCase();
  if (!(scheme in DEFAULT_PORT)) {
    throw badUrl(`unsupported scheme "${scheme}" in ${JSON.stringify(url)}`, {
      where,
      hint: 'SigV4 signs HTTP requests: use an http(s):// (or ws(s):// for IoT) URL',
    });
  }
  // Plain lower-case host names (the common case) skip the WHATWG parser.
  const plain = PLAIN_AUTHORITY.exec(match[2]!);
  if (plain) {
    const port = plain[2] ? Number(plain[2]) : DEFAULT_PORT[scheme as WireScheme];
    const isDefault = port === DEFAULT_PORT[scheme as WireScheme];
    if (port <= 65535 && !(plain[2] && plain[2].startsWith('0'))) {
      return {
        scheme: scheme as WireScheme,
        host: isDefault ? plain[1]! : `${plain[1]}:${port}`,
        hostname: plain[1]!,
        port,
        path: toWireForm(match[3] || '/'),
        query: toWireForm(match[4] ?? ''),
      };
    }
  }
  let authority: URL;
  try {
    authority = new URL(`${scheme}://${match[2]}/`);
  } catch {
    throw badUrl(`invalid host "${match[2]}" in ${JSON.stringify(url)}`, {
      where,
      hint: 'check the host and port (e.g. https://localhost:9000/bucket)',
    });
  }
  if (!authority.hostname) {
    throw badUrl(`missing host in ${JSON.stringify(url)}`, {
      where,
      hint: 'give a full URL such as https://host/path',
    });
  }
  // Default ports (":443" on https) are dropped: `host` is exactly what goes on the wire (NOTES.md §8).
  const port = authority.port ? Number(authority.port) : DEFAULT_PORT[scheme as WireScheme];
  const host =
    port === DEFAULT_PORT[scheme as WireScheme]
      ? authority.hostname
      : `${authority.hostname}:${port}`;
  return {
    scheme: scheme as WireScheme,
    host,
    hostname: authority.hostname.replace(/^\[|\]$/g, ''),
    port,
    path: toWireForm(match[3] || '/'),
    query: toWireForm(match[4] ?? ''),
  };
}

export function formatWireUrl(url: WireUrl, query = url.query): string {
  return `${url.scheme}://${url.host}${url.path}${query ? `?${query}` : ''}`;
}

/** Turns the many accepted request shapes into one ordered, wire-exact form. */
import { usageError } from '../errors.js';
import { parseQuery, serializeQuery, splitRawQuery, type QueryPair } from './encode.js';
import type { HeaderInput, SignableRequest } from './types.js';
import { formatWireUrl, parseWireUrl, type WireScheme } from './url.js';

export interface PreparedRequest {
  method: string;
  scheme: WireScheme;
  /** URL host (used for the Host header when the request has none). */
  urlHost: string;
  path: string;
  /** Raw query as it goes on the wire ('' when none). */
  rawQuery: string;
  /** The query split into raw (still encoded) pairs: what canonicalisation works on. */
  rawPairs: QueryPair[];
  /** Decoded pairs; only filled when asked for (prepareRequest(..., true)). */
  query: QueryPair[];
  /** Headers in request order with their original names; Host is first when derived from the URL. */
  headers: Array<[string, string]>;
  body: string | Uint8Array;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function normalizeHeaders(input: HeaderInput | undefined): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (!input) return out;
  const push = (name: string, value: unknown) => {
    if (!TOKEN.test(name)) {
      throw usageError('ERR_SIGV4_BAD_HEADER', `invalid header name ${JSON.stringify(name)}`, {
        where: 'headers',
        hint: "header names are tokens such as X-Amz-Meta-Color (write -H 'Name: value')",
      });
    }
    out.push([name, String(value)]);
  };
  if (Array.isArray(input)) {
    for (const [name, value] of input as ReadonlyArray<readonly [string, string]>)
      push(name, value);
  } else {
    for (const [name, value] of Object.entries(input as Record<string, unknown>)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) push(name, v);
      else push(name, value);
    }
  }
  return out;
}

export function prepareRequest(request: SignableRequest, decodeQuery = false): PreparedRequest {
  const method = (request.method ?? 'GET').toUpperCase();
  if (!TOKEN.test(method)) {
    throw usageError(
      'ERR_SIGV4_BAD_METHOD',
      `invalid HTTP method ${JSON.stringify(request.method)}`,
      {
        where: 'method',
        hint: 'use GET, PUT, POST, HEAD, DELETE...',
      },
    );
  }
  let scheme: WireScheme = request.scheme ?? 'https';
  let urlHost = request.host ?? '';
  let path = request.path ?? '/';
  let rawQuery = '';
  let query: QueryPair[] = [];
  if (request.url !== undefined) {
    const url = parseWireUrl(request.url);
    scheme = url.scheme;
    urlHost = url.host;
    path = url.path;
    rawQuery = url.query;
  }
  if (request.query !== undefined) {
    if (typeof request.query === 'string') rawQuery = request.query.replace(/^\?/, '');
    else rawQuery = serializeQuery(request.query);
  }
  if (rawQuery && decodeQuery) query = parseQuery(rawQuery);
  const headers = normalizeHeaders(request.headers);
  const hasHost = headers.some(([name]) => name.length === 4 && name.toLowerCase() === 'host');
  if (!hasHost) {
    if (!urlHost) {
      throw usageError('ERR_SIGV4_NO_HOST', 'the request has no host', {
        where: 'request',
        hint: 'give a full URL, or a Host header',
      });
    }
    headers.unshift(['host', urlHost]);
  }
  return {
    method,
    scheme,
    urlHost,
    path,
    rawQuery,
    rawPairs: splitRawQuery(rawQuery),
    query,
    headers,
    body: request.body ?? '',
  };
}

/** The value of a header (repeated ones joined with ','), case-insensitive; undefined when absent. */
export function getHeader(
  headers: ReadonlyArray<readonly [string, string]>,
  name: string,
): string | undefined {
  let value: string | undefined;
  for (const [n, v] of headers)
    if (n.toLowerCase() === name) value = value === undefined ? v : `${value},${v}`;
  return value;
}

/** Sets a header, replacing every existing one of that name in place (or appending). */
export function setHeader(headers: Array<[string, string]>, name: string, value: string): void {
  const lower = name.toLowerCase();
  const index = headers.findIndex(([n]) => n.toLowerCase() === lower);
  if (index < 0) {
    headers.push([name, value]);
    return;
  }
  headers[index] = [headers[index]![0], value];
  for (let i = headers.length - 1; i > index; i--)
    if (headers[i]![0].toLowerCase() === lower) headers.splice(i, 1);
}

export function deleteHeader(headers: Array<[string, string]>, name: string): void {
  for (let i = headers.length - 1; i >= 0; i--)
    if (headers[i]![0].toLowerCase() === name) headers.splice(i, 1);
}

/** The URL of `req` with `query` (still encoded) in place of its own: what a presigned URL is. */
export function urlWithQuery(req: PreparedRequest, query: string): string {
  return formatWireUrl({
    scheme: req.scheme,
    host: req.urlHost,
    path: req.path,
    query,
    hostname: '',
    port: 0,
  });
}

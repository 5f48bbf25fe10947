/** Canonical request and string to sign (SigV4 tasks 1 and 2). */
import {
  canonicalQuery,
  canonicalRawQuery,
  canonicalUri,
  trimAll,
  type QueryPair,
} from './encode.js';
import type { FoldedHeaderMode } from './types.js';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/**
 * Hop-by-hop and volatile headers that proxies or clients change after signing (smithy
 * ALWAYS_UNSIGNABLE_HEADERS, plus proxy-* and sec-*). Only applied when authctl chooses what to
 * sign; verify takes SignedHeaders from the request as they are.
 */
const UNSIGNABLE = new Set([
  'authorization',
  'cache-control',
  'connection',
  'expect',
  'from',
  'keep-alive',
  'max-forwards',
  'pragma',
  'referer',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'x-amzn-trace-id',
]);

export function isUnsignable(lowerName: string): boolean {
  return (
    UNSIGNABLE.has(lowerName) || lowerName.startsWith('proxy-') || lowerName.startsWith('sec-')
  );
}

export interface CanonicalHeadersResult {
  canonicalHeaders: string;
  signedHeaders: string;
  /** Signed names that were requested but are absent from the request. */
  missing: string[];
  folded: string[];
}

function canonicalValue(value: string, folded: FoldedHeaderMode): string {
  if (!value.includes('\n')) return trimAll(value);
  // obs-fold: RFC 7230 and the CRT suite replace it with a space; the 2015 suite with a comma.
  if (folded === 'comma') return value.split(/\r?\n/).map(trimAll).filter(Boolean).join(',');
  return trimAll(value);
}

/**
 * `name:value` lines sorted by lower-case name; repeated headers joined with ',' in request
 * order (suite get-header-value-order), each value Trimall-ed.
 */
export function canonicalHeaders(
  headers: ReadonlyArray<readonly [string, string]>,
  select: (lowerName: string) => boolean,
  folded: FoldedHeaderMode = 'space',
  required?: readonly string[],
  /** Lower-cased names, when the caller has them already. */
  lowers?: readonly string[],
): CanonicalHeadersResult {
  // Requests have few headers: flat arrays beat a Map or a dictionary object here (hot path of the bench).
  const names: string[] = [];
  const values: string[] = [];
  let foldedNames: string[] | undefined;
  for (let i = 0; i < headers.length; i++) {
    const value = headers[i]![1];
    const lower = lowers ? lowers[i]! : headers[i]![0].toLowerCase();
    if (!select(lower)) continue;
    if (value.includes('\n') && !(foldedNames ??= []).includes(lower)) foldedNames.push(lower);
    const v = canonicalValue(value, folded);
    const at = names.indexOf(lower);
    if (at >= 0) {
      values[at] = `${values[at]},${v}`;
      continue;
    }
    // Insertion sort: headers are few, and this keeps names and values in step without index arrays.
    let j = names.length;
    names.push(lower);
    values.push(v);
    while (j > 0 && names[j - 1]! > lower) {
      names[j] = names[j - 1]!;
      values[j] = values[j - 1]!;
      j--;
    }
    names[j] = lower;
    values[j] = v;
  }
  let canonical = '';
  for (let i = 0; i < names.length; i++) canonical += `${names[i]}:${values[i]}\n`;
  const signed = names.length === 1 ? names[0]! : names.join(';');
  const missing = required ? required.filter((name) => !names.includes(name)) : [];
  return { canonicalHeaders: canonical, signedHeaders: signed, missing, folded: foldedNames ?? [] };
}

export interface CanonicalRequestParts {
  method: string;
  path: string;
  /** Decoded query pairs (API callers)... */
  query?: readonly QueryPair[];
  /** ...or raw wire pairs, each part encoded exactly once. */
  rawQuery?: readonly QueryPair[];
  canonicalHeaders: string;
  signedHeaders: string;
  payloadHash: string;
  normalizePath: boolean;
  doubleEncodePath: boolean;
  /** Query parameter left out of the canonical query (X-Amz-Signature when verifying a presign). */
  excludeQuery?: string;
}

export function canonicalRequest(parts: CanonicalRequestParts): string {
  const uri = canonicalUri(parts.path, {
    normalize: parts.normalizePath,
    doubleEncode: parts.doubleEncodePath,
  });
  const query = parts.rawQuery
    ? canonicalRawQuery(parts.rawQuery, parts.excludeQuery)
    : canonicalQuery(parts.query ?? [], parts.excludeQuery);
  return `${parts.method}\n${uri}\n${query}\n${parts.canonicalHeaders}\n${parts.signedHeaders}\n${parts.payloadHash}`;
}

export function credentialScope(date: string, region: string, service: string): string {
  return `${date}/${region}/${service}/aws4_request`;
}

export function stringToSign(amzDate: string, scope: string, canonicalRequestHash: string): string {
  return `${ALGORITHM}\n${amzDate}\n${scope}\n${canonicalRequestHash}`;
}

/** S3 and its look-alikes: no normalisation, single encoding, x-amz-content-sha256 required. */
export function isS3Service(service: string): boolean {
  return service === 's3' || service === 's3-object-lambda' || service === 's3express';
}

/** SigV4 query authentication (presigned URLs): `presignUrl`. */
import { usageError } from '../errors.js';
import { ALGORITHM, UNSIGNED_PAYLOAD, canonicalHeaders, canonicalRequest } from './canonical.js';
import { sha256Hex } from './crypto.js';
import { safeDecode, serializeQuery, uriEncode, type QueryPair } from './encode.js';
import {
  deleteHeader,
  getHeader,
  prepareRequest,
  urlWithQuery,
  type PreparedRequest,
} from './request.js';
import {
  checkCredentials,
  foldWarnings,
  headerSelector,
  requestScope,
  resolveOptions,
  signCanonical,
} from './sign.js';
import type {
  PresignOptions,
  PresignUrlResult,
  SigV4Credentials,
  SignableRequest,
} from './types.js';

export const MAX_PRESIGN_EXPIRES = 604_800;

/** Query parameters a presign adds; any already in the URL are replaced. */
const PRESIGN_PARAMS = new Set([
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Security-Token',
]);

export function checkExpires(expires: number, where = '{{expires}}'): void {
  if (!Number.isInteger(expires) || expires < 1 || expires > MAX_PRESIGN_EXPIRES) {
    throw usageError(
      'ERR_SIGV4_BAD_EXPIRES',
      `presign expiry must be a whole number of seconds from 1 to ${MAX_PRESIGN_EXPIRES} (7 days), got ${expires}`,
      {
        where,
        hint: 'use e.g. {{expires}} 900 or {{expires}} 15m (at most 7d)',
      },
    );
  }
}

/** S3 presigns sign UNSIGNED-PAYLOAD and never hoist x-amz-content-sha256 into the query (NOTES.md §5). */
function presignPayloadHash(options: PresignOptions, req: PreparedRequest, s3: boolean): string {
  return (
    options.payloadHash ??
    getHeader(req.headers, 'x-amz-content-sha256')?.trim() ??
    (options.unsignedPayload || s3 ? UNSIGNED_PAYLOAD : sha256Hex(req.body))
  );
}

/** The X-Amz-* parameters that are signed, in the order AWS's own SDKs add them. */
function signedAuthParams(
  credentials: SigV4Credentials,
  scope: string,
  amzDate: string,
  options: PresignOptions,
  signedHeaders: string,
): QueryPair[] {
  const added: QueryPair[] = [
    ['X-Amz-Algorithm', ALGORITHM],
    ['X-Amz-Credential', `${credentials.accessKeyId}/${scope}`],
    ['X-Amz-Date', amzDate],
    ['X-Amz-Expires', String(options.expires)],
  ];
  const token = credentials.sessionToken;
  if (token && !options.sessionTokenAfterSigning) added.push(['X-Amz-Security-Token', token]);
  added.push(['X-Amz-SignedHeaders', signedHeaders]);
  return added;
}

/**
 * The caller's own parameters byte for byte (a valueless `acl` stays `acl`), any earlier presign's
 * dropped, then ours, encoded with %20, never '+'.
 */
function presignedQuery(rawQuery: string, added: QueryPair[]): string {
  const kept = rawQuery
    .split('&')
    .filter((part) => part && !PRESIGN_PARAMS.has(safeDecode(part.split('=')[0]!)))
    .join('&');
  return [kept, serializeQuery(added)].filter(Boolean).join('&');
}

/** The signed headers whoever uses the URL must send as they are (Host is the URL's). */
function headersToSend(req: PreparedRequest, signedHeaders: string): Record<string, string> {
  const signed = signedHeaders.split(';');
  const headers: Record<string, string> = {};
  for (const [name, value] of req.headers) {
    const lower = name.toLowerCase();
    if (lower === 'host' || !signed.includes(lower)) continue;
    headers[lower] = headers[lower] === undefined ? value : `${headers[lower]},${value}`;
  }
  return headers;
}

/**
 * A SigV4 presigned URL (query auth) for `request`, valid for `options.expires` seconds (at most 7 days).
 */
export function presignUrl(
  request: SignableRequest,
  credentials: SigV4Credentials,
  options: PresignOptions,
): PresignUrlResult {
  checkCredentials(credentials);
  checkExpires(options.expires);
  const resolved = resolveOptions(options);
  const req = prepareRequest(request);
  deleteHeader(req.headers, 'authorization');
  deleteHeader(req.headers, 'x-amz-date');
  const canon = canonicalHeaders(
    req.headers,
    headerSelector(options),
    options.foldedHeaders,
    options.signedHeaders,
  );
  const { amzDate, date } = resolved;
  const scope = requestScope(resolved);
  const base: QueryPair[] = req.rawPairs.filter(([name]) => !PRESIGN_PARAMS.has(safeDecode(name)));
  const added = signedAuthParams(credentials, scope, amzDate, options, canon.signedHeaders);
  const creq = canonicalRequest({
    method: req.method,
    path: req.path,
    rawQuery: [...base, ...added.map(([k, v]): QueryPair => [uriEncode(k), uriEncode(v)])],
    canonicalHeaders: canon.canonicalHeaders,
    signedHeaders: canon.signedHeaders,
    payloadHash: presignPayloadHash(options, req, resolved.s3),
    normalizePath: resolved.normalizePath,
    doubleEncodePath: resolved.doubleEncodePath,
  });
  const { stringToSign: sts, signature } = signCanonical(creq, scope, credentials, resolved);
  added.push(['X-Amz-Signature', signature]);
  // AWS IoT wants the token outside the signed query (NOTES.md §6).
  const token = credentials.sessionToken;
  if (token && options.sessionTokenAfterSigning) added.push(['X-Amz-Security-Token', token]);
  const query = presignedQuery(req.rawQuery, added);
  const wholeSecond = date.getTime() - (date.getTime() % 1000);
  return {
    url: urlWithQuery(req, query),
    method: req.method,
    headers: headersToSend(req, canon.signedHeaders),
    canonicalRequest: creq,
    stringToSign: sts,
    signature,
    signedHeaders: canon.signedHeaders,
    credentialScope: scope,
    amzDate,
    expires: options.expires,
    expiresAt: new Date(wholeSecond + options.expires * 1000).toISOString(),
    warnings: foldWarnings(canon.folded, options.foldedHeaders),
  };
}

/**
 * Legacy Signature Version 2: S3 REST (header `AWS key:sig` and query `AWSAccessKeyId`/`Signature`/
 * `Expires`) and the generic SigV2 query API (NOTES.md §9).
 */
import { usageError } from '../errors.js';
import { hmacBase64 } from './crypto.js';
import { parseSigningDate, type DateInput } from './date.js';
import { canonicalQuery, safeDecode, uriEncode, type QueryPair } from './encode.js';
import { getHeader, prepareRequest, urlWithQuery, type PreparedRequest } from './request.js';
import type { SigV4Credentials, SignableRequest } from './types.js';

/** Query parameters that belong in S3's CanonicalizedResource. */
const SUB_RESOURCES = new Set([
  'acl',
  'delete',
  'lifecycle',
  'location',
  'logging',
  'notification',
  'partNumber',
  'policy',
  'requestPayment',
  'torrent',
  'uploadId',
  'uploads',
  'versionId',
  'versioning',
  'versions',
  'website',
  'cors',
  'tagging',
  'restore',
  'replication',
  'response-cache-control',
  'response-content-disposition',
  'response-content-encoding',
  'response-content-language',
  'response-content-type',
  'response-expires',
]);

const REGION_LABEL = /^[a-z]{2}(-gov)?-[a-z]+-\d+$/;

/**
 * The bucket addressed by a virtual-hosted AWS host (`bucket.s3.amazonaws.com`,
 * `bucket.s3.us-west-1.amazonaws.com`); undefined for path-style and non-AWS hosts, whose
 * bucket (if any) is already the first path segment.
 */
export function bucketFromHost(host: string): string | undefined {
  const name = host.replace(/:\d+$/, '').toLowerCase();
  if (!name.endsWith('.amazonaws.com')) return undefined;
  const labels = name.split('.');
  const s3 = labels.findIndex((label) => /^s3(-|$)/.test(label));
  if (s3 <= 0) return undefined;
  const before = labels.slice(0, s3);
  if (before.length > 1 && REGION_LABEL.test(before[before.length - 1]!)) before.pop();
  return before.join('.');
}

export interface SigV2S3Options {
  /** Virtual-hosted bucket (or CNAME) to prefix the resource with; default from an AWS host name. */
  bucket?: string;
}

function canonicalResource(req: PreparedRequest, options: SigV2S3Options): string {
  const host = getHeader(req.headers, 'host') ?? req.urlHost;
  const bucket = options.bucket ?? bucketFromHost(host);
  const subs = req.query
    .filter(([name]) => SUB_RESOURCES.has(name))
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const suffix = subs.length
    ? `?${subs.map(([k, v]) => (v === '' ? k : `${k}=${v}`)).join('&')}`
    : '';
  return `${bucket ? `/${bucket}` : ''}${req.path || '/'}${suffix}`;
}

function canonicalAmzHeaders(req: PreparedRequest, skipDate: boolean): string {
  const values = new Map<string, string>();
  for (const [name, value] of req.headers) {
    const lower = name.toLowerCase();
    if (!lower.startsWith('x-amz-') || (skipDate && lower === 'x-amz-date')) continue;
    const v = value.replace(/\r?\n[ \t]+/g, ' ').trim();
    values.set(lower, values.has(lower) ? `${values.get(lower)},${v}` : v);
  }
  return [...values.keys()]
    .sort()
    .map((name) => `${name}:${values.get(name)}\n`)
    .join('');
}

/** `VERB\nContent-MD5\nContent-Type\nDate|Expires\nCanonicalizedAmzHeaders CanonicalizedResource`. */
export function sigV2S3StringToSign(
  req: PreparedRequest,
  dateSlot: string | undefined,
  options: SigV2S3Options = {},
): string {
  const amzDate = getHeader(req.headers, 'x-amz-date');
  const slot = dateSlot ?? amzDate ?? getHeader(req.headers, 'date') ?? '';
  return [
    req.method,
    getHeader(req.headers, 'content-md5') ?? '',
    getHeader(req.headers, 'content-type') ?? '',
    `${slot}\n${canonicalAmzHeaders(req, dateSlot === undefined && amzDate !== undefined)}${canonicalResource(req, options)}`,
  ].join('\n');
}

export interface SignV2HeaderResult {
  stringToSign: string;
  signature: string;
  authorization: string;
}

/** S3 SigV2 header auth over a request that already carries its Date (or x-amz-date) header. */
export function signV2Header(
  request: SignableRequest,
  credentials: SigV4Credentials,
  options: SigV2S3Options = {},
): SignV2HeaderResult {
  const req = prepareRequest(request, true);
  const stringToSign = sigV2S3StringToSign(req, undefined, options);
  const signature = hmacBase64('sha1', credentials.secretAccessKey, stringToSign);
  return { stringToSign, signature, authorization: `AWS ${credentials.accessKeyId}:${signature}` };
}

export interface SignV2QueryOptions extends SigV2S3Options {
  /** Absolute expiry, epoch seconds... */
  expiresAt?: number;
  /** ...or a lifetime in seconds from `date` (default now). */
  expires?: number;
  date?: DateInput;
}

export interface SignV2QueryResult {
  url: string;
  stringToSign: string;
  signature: string;
  expires: number;
}

const V2_PARAMS = new Set(['AWSAccessKeyId', 'Expires', 'Signature', 'x-amz-security-token']);

/** S3 SigV2 query auth: `?AWSAccessKeyId=..&Expires=..&Signature=..` (signature URL-encoded). */
export function signV2Query(
  request: SignableRequest,
  credentials: SigV4Credentials,
  options: SignV2QueryOptions = {},
): SignV2QueryResult {
  if (!credentials?.accessKeyId || !credentials.secretAccessKey) {
    throw usageError(
      'ERR_SIGV4_NO_CREDENTIALS',
      'no AWS credentials (access key id and secret access key)',
      { where: 'credentials', hint: 'pass {{accessKey}}/{{secretKey}} or use {{profile}}' },
    );
  }
  if (
    options.expires !== undefined &&
    !(Number.isInteger(options.expires) && options.expires >= 1)
  ) {
    // 0 would give a URL that is expired before it is used.
    throw usageError(
      'ERR_SIGV4_BAD_EXPIRES',
      `SigV2 lifetime must be a whole number of seconds, at least 1, got ${options.expires}`,
      { field: 'expires', hint: 'give a lifetime in seconds, e.g. {{expires}} 900' },
    );
  }
  const now = options.date === undefined ? new Date() : parseSigningDate(options.date);
  const expires = options.expiresAt ?? Math.floor(now.getTime() / 1000) + (options.expires ?? 900);
  if (!Number.isInteger(expires) || expires <= 0) {
    throw usageError('ERR_SIGV4_BAD_EXPIRES', `invalid SigV2 Expires ${expires}`, {
      field: 'expires',
      hint: 'give a lifetime in seconds, e.g. {{expires}} 900',
    });
  }
  const req = prepareRequest(request, true);
  req.query = req.query.filter(([name]) => !V2_PARAMS.has(name));
  if (credentials.sessionToken)
    req.headers.push(['x-amz-security-token', credentials.sessionToken]);
  const stringToSign = sigV2S3StringToSign(req, String(expires), options);
  const signature = hmacBase64('sha1', credentials.secretAccessKey, stringToSign);
  const kept = req.rawQuery
    .split('&')
    .filter((part) => part && !V2_PARAMS.has(safeDecode(part.split('=')[0]!)))
    .join('&');
  const added = `AWSAccessKeyId=${uriEncode(credentials.accessKeyId)}&Expires=${expires}&Signature=${uriEncode(signature)}`;
  const token = credentials.sessionToken
    ? `&x-amz-security-token=${uriEncode(credentials.sessionToken)}`
    : '';
  return {
    url: urlWithQuery(req, `${kept ? `${kept}&` : ''}${added}${token}`),
    stringToSign,
    signature,
    expires,
  };
}

export interface SignV2QueryApiOptions {
  signatureMethod?: 'HmacSHA256' | 'HmacSHA1';
}

/**
 * Generic SigV2 query API (EC2/EMR/SQS style): the caller's params must already hold
 * AWSAccessKeyId, SignatureVersion, SignatureMethod and Timestamp/Expires.
 */
export function signV2QueryApi(
  request: SignableRequest,
  credentials: SigV4Credentials,
  options: SignV2QueryApiOptions = {},
) {
  const req = prepareRequest(request, true);
  const params: QueryPair[] = req.query.filter(([name]) => name !== 'Signature');
  const host = (getHeader(req.headers, 'host') ?? req.urlHost).toLowerCase();
  const stringToSign = `${req.method}\n${host}\n${req.path || '/'}\n${canonicalQuery(params)}`;
  const method =
    options.signatureMethod ??
    (params.find(([n]) => n === 'SignatureMethod')?.[1] === 'HmacSHA1' ? 'HmacSHA1' : 'HmacSHA256');
  const signature = hmacBase64(
    method === 'HmacSHA1' ? 'sha1' : 'sha256',
    credentials.secretAccessKey,
    stringToSign,
  );
  const query = `${canonicalQuery(params)}&Signature=${uriEncode(signature)}`;
  return {
    stringToSign,
    signature,
    url: urlWithQuery(req, query),
  };
}

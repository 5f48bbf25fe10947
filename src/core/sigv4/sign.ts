/** SigV4 header authentication: `signRequest`. */
import { usageError } from '../errors.js';
import {
  ALGORITHM,
  UNSIGNED_PAYLOAD,
  canonicalHeaders,
  canonicalRequest,
  credentialScope,
  isS3Service,
  isUnsignable,
  stringToSign,
} from './canonical.js';
import { sha256Hex, signString } from './crypto.js';
import { parseSigningDate, toAmzDate } from './date.js';
import { getHeader, prepareRequest, type PreparedRequest } from './request.js';
import type {
  FoldedHeaderMode,
  SigV4Credentials,
  SigV4Options,
  SignRequestResult,
  SignableRequest,
} from './types.js';

export interface ResolvedSigV4Options {
  region: string;
  service: string;
  date: Date;
  amzDate: string;
  normalizePath: boolean;
  doubleEncodePath: boolean;
  s3: boolean;
}

export function resolveOptions(options: SigV4Options): ResolvedSigV4Options {
  if (!options || !options.region) {
    throw usageError('ERR_SIGV4_NO_REGION', 'no signing region', {
      field: 'region',
      hint: 'pass {{region}} us-east-1 (or set region in the [sigv4.<name>] profile)',
    });
  }
  if (!options.service) {
    throw usageError('ERR_SIGV4_NO_SERVICE', 'no signing service', {
      field: 'service',
      hint: 'pass {{service}} s3 (or execute-api, sts, ...; set service in the profile)',
    });
  }
  for (const [name, value] of [
    ['region', options.region],
    ['service', options.service],
  ] as const) {
    if (!/^[a-z0-9-]+$/i.test(value)) {
      throw usageError('ERR_SIGV4_BAD_SCOPE', `invalid ${name} ${JSON.stringify(value)}`, {
        where: `--${name}`,
        hint: `a ${name} is letters, digits and dashes (us-east-1, s3)`,
      });
    }
  }
  const date = options.date === undefined ? new Date() : parseSigningDate(options.date);
  const s3 = isS3Service(options.service);
  return {
    region: options.region,
    service: options.service,
    date,
    amzDate: toAmzDate(date),
    normalizePath: options.normalizePath ?? !s3,
    doubleEncodePath: options.doubleEncodePath ?? !s3,
    s3,
  };
}

export function checkCredentials(credentials: SigV4Credentials): void {
  if (!credentials || !credentials.accessKeyId || !credentials.secretAccessKey) {
    throw usageError(
      'ERR_SIGV4_NO_CREDENTIALS',
      'no AWS credentials (access key id and secret access key)',
      {
        where: 'credentials',
        hint: 'pass {{accessKey}}/{{secretKey}}, set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or use {{profile}} NAME',
      },
    );
  }
}

/** The payload hash: explicit, else an existing x-amz-content-sha256 header, else UNSIGNED-PAYLOAD or sha256(body). */
export function payloadHashFor(req: PreparedRequest, options: SigV4Options): string {
  if (options.payloadHash) return options.payloadHash;
  const header = getHeader(req.headers, 'x-amz-content-sha256');
  if (header) return header.trim();
  if (options.unsignedPayload) return UNSIGNED_PAYLOAD;
  return sha256Hex(req.body);
}

/** Chooses the headers to sign: an explicit list, else everything but the hop-by-hop ones. */
export function headerSelector(
  options: SigV4Options,
  extraUnsigned?: string,
): (lower: string) => boolean {
  if (options.signedHeaders) {
    const wanted = new Set(options.signedHeaders.map((h) => h.toLowerCase()));
    return (lower) => wanted.has(lower);
  }
  const unsigned = options.unsignedHeaders
    ? new Set(options.unsignedHeaders.map((h) => h.toLowerCase()))
    : undefined;
  return (lower) =>
    !isUnsignable(lower) && lower !== extraUnsigned && !(unsigned && unsigned.has(lower));
}

export function foldWarnings(folded: string[], mode: FoldedHeaderMode = 'space'): string[] {
  const used = mode === 'comma' ? 'commas (2015 AWS suite)' : 'spaces (RFC 7230, CRT suite)';
  return folded.map(
    (name) =>
      `header ${name} has a folded (multi-line) value, canonicalised with ${used} between lines; the AWS suites disagree on this, so send it on one line`,
  );
}

/** Headers the signer owns: any the caller passed are replaced. */
const MANAGED = new Set(['authorization', 'x-amz-date', 'x-amz-security-token']);

/**
 * The caller's headers in order minus the ones the signer sets, then X-Amz-Date, the session token
 * (when signed) and x-amz-content-sha256 (when added); each name lower-cased once, in one pass.
 */
function headersToSign(
  given: Array<[string, string]>,
  add: { amzDate: string; token?: string; contentSha?: string },
): { headers: Array<[string, string]>; lowers: string[] } {
  const headers: Array<[string, string]> = [];
  const lowers: string[] = [];
  const push = (name: string, value: string, lower = name.toLowerCase()) => {
    headers.push([name, value]);
    lowers.push(lower);
  };
  for (const header of given) {
    const lower = header[0].toLowerCase();
    if (MANAGED.has(lower) || (add.contentSha && lower === 'x-amz-content-sha256')) continue;
    headers.push(header);
    lowers.push(lower);
  }
  push('X-Amz-Date', add.amzDate, 'x-amz-date');
  if (add.token) push('X-Amz-Security-Token', add.token, 'x-amz-security-token');
  if (add.contentSha) push('x-amz-content-sha256', add.contentSha, 'x-amz-content-sha256');
  return { headers, lowers };
}

/** Headers by lower-case name, repeated ones joined with ',' (as fetch would send them). */
function headerRecord(headers: Array<[string, string]>, lowers: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i < headers.length; i++) {
    const lower = lowers[i]!;
    const previous = record[lower];
    record[lower] = previous === undefined ? headers[i]![1] : `${previous},${headers[i]![1]}`;
  }
  return record;
}

/**
 * Signs `request` with SigV4 header auth: the headers to add, plus the canonical request, string to sign and signature.
 */
export function signRequest(
  request: SignableRequest,
  credentials: SigV4Credentials,
  options: SigV4Options,
): SignRequestResult {
  checkCredentials(credentials);
  const resolved = resolveOptions(options);
  const req = prepareRequest(request);
  const warnings: string[] = [];
  const payloadHash = payloadHashFor(req, options);
  const addContentSha = options.contentSha256Header ?? resolved.s3;
  const token = credentials.sessionToken;
  const tokenSigned = !!token && !options.sessionTokenAfterSigning;
  const { headers, lowers } = headersToSign(req.headers, {
    amzDate: resolved.amzDate,
    token: tokenSigned ? token : undefined,
    contentSha: addContentSha ? payloadHash : undefined,
  });

  const canon = canonicalHeaders(
    headers,
    headerSelector(options),
    options.foldedHeaders,
    options.signedHeaders,
    lowers,
  );
  if (canon.folded.length) warnings.push(...foldWarnings(canon.folded, options.foldedHeaders));
  const creq = canonicalRequest({
    method: req.method,
    path: req.path,
    rawQuery: req.rawPairs,
    canonicalHeaders: canon.canonicalHeaders,
    signedHeaders: canon.signedHeaders,
    payloadHash,
    normalizePath: resolved.normalizePath,
    doubleEncodePath: resolved.doubleEncodePath,
  });
  const day = resolved.amzDate.slice(0, 8);
  const scope = credentialScope(day, resolved.region, resolved.service);
  const sts = stringToSign(resolved.amzDate, scope, sha256Hex(creq));
  const signature = signString(
    credentials.secretAccessKey,
    day,
    resolved.region,
    resolved.service,
    sts,
  );
  const authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${canon.signedHeaders}, Signature=${signature}`;
  if (token && !tokenSigned) {
    headers.push(['X-Amz-Security-Token', token]);
    lowers.push('x-amz-security-token');
  }
  headers.push(['Authorization', authorization]);
  lowers.push('authorization');

  const record = headerRecord(headers, lowers);
  return {
    method: req.method,
    url: `${req.scheme}://${req.urlHost}${req.path}${req.rawQuery ? `?${req.rawQuery}` : ''}`,
    headers: record,
    headerList: headers,
    canonicalRequest: creq,
    stringToSign: sts,
    signature,
    authorization,
    signedHeaders: canon.signedHeaders,
    credentialScope: scope,
    amzDate: resolved.amzDate,
    payloadHash,
    warnings,
  };
}

/**
 * `verifySignedRequest`: recomputes the signature of a signed request and, when it differs,
 * says which step diverges -- scope, signed headers, time, canonical request, string to sign --
 * by trying the variants signers get wrong (NOTES.md) and diffing against the service's own
 * canonical request when one is supplied.
 */
import { sameSecret } from '../compare.js';
import { usageError } from '../errors.js';
import { UNSIGNED_PAYLOAD, canonicalHeaders, canonicalRequest, credentialScope, isS3Service, stringToSign } from './canonical.js';
import { sha256Hex, signString } from './crypto.js';
import { fromAmzDate, parseSigningDate, toAmzDate, type DateInput } from './date.js';
import { diffCanonicalRequests, parseServerDetails, type CanonicalLineDiff } from './diff.js';
import { parseQuery, safeDecode, splitRawQuery, type QueryPair } from './encode.js';
import type { ParsedHttpRequest } from './parse.js';
import { getHeader } from './request.js';
import type { FoldedHeaderMode } from './types.js';
import { verifySigV2 } from './verify-v2.js';
import { findVariant, type Recompute } from './variants.js';

export type VerifyStage = 'input' | 'scope' | 'headers' | 'time' | 'payload' | 'canonical-request' | 'string-to-sign' | 'signature';

export interface VerifyFinding {
  code: string;
  severity: 'error' | 'warning';
  stage: VerifyStage;
  message: string;
  hint?: string;
}

export type AuthScheme = 'sigv4-header' | 'sigv4-query' | 'sigv2-header' | 'sigv2-query';

export interface VerifySignedRequestOptions {
  secretAccessKey: string;
  /** Expected access key id, region and service (flag a scope that names others). */
  accessKeyId?: string;
  region?: string;
  service?: string;
  /** Clock for skew/expiry checks (default now); `checkTime: false` skips them. */
  now?: DateInput;
  checkTime?: boolean;
  maxSkewSeconds?: number;
  foldedHeaders?: FoldedHeaderMode;
  /** The service's error body (S3 XML) or its canonical request / string to sign, to diff against. */
  serverDetails?: string;
  /** SigV2: virtual-hosted bucket or CNAME to prefix the resource with. */
  bucket?: string;
  /** Override the service's path rules (default from the scope's service: off for s3, on otherwise). */
  normalizePath?: boolean;
  doubleEncodePath?: boolean;
  /** Presign: the service (AWS IoT) expects X-Amz-Security-Token outside the signed query. */
  sessionTokenAfterSigning?: boolean;
}

export interface VerifySignedRequestResult {
  /** Signature matches and nothing would make the service reject it. */
  valid: boolean;
  signatureMatches: boolean;
  scheme: AuthScheme;
  accessKeyId: string;
  scope?: { date: string; region: string; service: string };
  amzDate?: string;
  signedHeaders?: string[];
  providedSignature: string;
  expectedSignature: string;
  canonicalRequest?: string;
  stringToSign: string;
  findings: VerifyFinding[];
  /** The variant of the signing rules under which the provided signature does match. */
  explanation?: { variant: string; message: string };
  /** Our canonical request against the service's, line by line. */
  diff?: CanonicalLineDiff[];
}

const AUTH_V4 = /^AWS4-HMAC-SHA256\s+(.*)$/s;

function parseAuthorization(value: string): { credential?: string; signedHeaders?: string; signature?: string } {
  const fields: Record<string, string> = {};
  for (const part of AUTH_V4.exec(value.trim())![1]!.split(/\s*,\s*/)) {
    const eq = part.indexOf('=');
    if (eq > 0) fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return { credential: fields.Credential, signedHeaders: fields.SignedHeaders, signature: fields.Signature };
}


export function verifySignedRequest(request: ParsedHttpRequest, options: VerifySignedRequestOptions): VerifySignedRequestResult {
  if (!options.secretAccessKey) {
    throw usageError('ERR_SIGV4_NO_CREDENTIALS', 'verify needs the secret access key', { where: '--secret-key', hint: 'pass --secret-key, set AWS_SECRET_ACCESS_KEY, or use --profile NAME' });
  }
  const query = parseQuery(request.query);
  const auth = getHeader(request.headers, 'authorization');
  const q = (name: string) => query.find(([n]) => n === name)?.[1];
  if (auth && /^AWS\s+[^:\s]+:/.test(auth.trim())) return verifySigV2(request, query, options, 'sigv2-header', auth.trim());
  if (q('AWSAccessKeyId') !== undefined && q('Signature') !== undefined) return verifySigV2(request, query, options, 'sigv2-query');
  if (auth && AUTH_V4.test(auth.trim())) {
    const fields = parseAuthorization(auth);
    return verifyV4(request, query, options, 'sigv4-header', fields.credential, fields.signedHeaders, fields.signature);
  }
  if (q('X-Amz-Signature') !== undefined || q('X-Amz-Algorithm') !== undefined) {
    return verifyV4(request, query, options, 'sigv4-query', q('X-Amz-Credential'), q('X-Amz-SignedHeaders'), q('X-Amz-Signature'));
  }
  throw usageError('ERR_SIGV4_NOT_SIGNED', 'the request carries no AWS signature (no AWS4-HMAC-SHA256 Authorization header, X-Amz-Signature or AWSAccessKeyId/Signature query)', {
    where: 'request',
    hint: 'pass the request exactly as sent, with its Authorization header or presigned query',
  });
}

function verifyV4(
  request: ParsedHttpRequest, query: QueryPair[], options: VerifySignedRequestOptions, scheme: AuthScheme,
  credential: string | undefined, signedHeadersText: string | undefined, providedSignature: string | undefined,
): VerifySignedRequestResult {
  const findings: VerifyFinding[] = [];
  const add = (f: VerifyFinding) => findings.push(f);
  const presign = scheme === 'sigv4-query';
  const parts = (credential ?? '').split('/');
  const [accessKeyId = '', scopeDate = '', region = '', service = '', terminal = ''] = parts;
  if (parts.length !== 5 || terminal !== 'aws4_request' || !/^\d{8}$/.test(scopeDate)) {
    add({ code: 'SCOPE_MALFORMED', severity: 'error', stage: 'scope', message: `credential ${JSON.stringify(credential ?? '')} is not AKID/YYYYMMDD/region/service/aws4_request`, hint: 'the Credential must have exactly five parts ending in aws4_request' });
  }
  if (!providedSignature || !/^[0-9a-f]{64}$/.test(providedSignature)) {
    add({ code: 'SIGNATURE_MALFORMED', severity: 'error', stage: 'signature', message: 'the signature is not 64 lower-case hex characters', hint: 'pass the request exactly as sent' });
  }
  if (options.accessKeyId && accessKeyId !== options.accessKeyId) {
    add({ code: 'ACCESS_KEY_MISMATCH', severity: 'error', stage: 'scope', message: `signed with access key ${accessKeyId}, expected ${options.accessKeyId}`, hint: 'the signer used other credentials' });
  }
  if (options.region && region !== options.region) {
    add({ code: 'REGION_MISMATCH', severity: 'error', stage: 'scope', message: `scope names region "${region}", the service expects "${options.region}"`, hint: `sign with --region ${options.region}` });
  }
  if (options.service && service !== options.service) {
    add({ code: 'SERVICE_MISMATCH', severity: 'error', stage: 'scope', message: `scope names service "${service}", the service expects "${options.service}"`, hint: `sign with --service ${options.service}` });
  }

  // The timestamp: X-Amz-Date (header or query), else the Date header (legacy 2011 suite).
  const amzDateText = presign ? query.find(([n]) => n === 'X-Amz-Date')?.[1] : getHeader(request.headers, 'x-amz-date');
  let signedAt = amzDateText ? fromAmzDate(amzDateText.trim()) : undefined;
  let amzDate = amzDateText?.trim();
  if (!amzDate) {
    const dateHeader = getHeader(request.headers, 'date');
    const parsed = dateHeader ? new Date(dateHeader) : undefined;
    if (parsed && !Number.isNaN(parsed.getTime())) {
      signedAt = parsed;
      amzDate = toAmzDate(parsed);
    }
  }
  if (!signedAt || !amzDate) {
    add({ code: 'DATE_MISSING', severity: 'error', stage: 'time', message: `no valid ${presign ? 'X-Amz-Date query parameter' : 'X-Amz-Date header'} (YYYYMMDDTHHMMSSZ)`, hint: 'the signing time must be sent with the request' });
    amzDate = amzDateText ?? `${scopeDate}T000000Z`;
  } else if (scopeDate && amzDate.slice(0, 8) !== scopeDate) {
    add({ code: 'SCOPE_DATE_MISMATCH', severity: 'error', stage: 'scope', message: `scope date ${scopeDate} is not the day of X-Amz-Date ${amzDate}`, hint: 'derive the scope date from the same timestamp as X-Amz-Date' });
  }
  if (signedAt && options.checkTime !== false) checkTime(findings, signedAt, presign ? query.find(([n]) => n === 'X-Amz-Expires')?.[1] : undefined, presign, options);

  // Signed headers: exactly what the request says, no ignore list.
  const signedHeaders = (signedHeadersText ?? '').split(';').filter(Boolean);
  const present = new Set(request.headers.map(([n]) => n.toLowerCase()));
  checkSignedHeaders(findings, signedHeaders, present, presign);

  const s3 = isS3Service(service);
  const contentSha = getHeader(request.headers, 'x-amz-content-sha256')?.trim();
  const bodyHash = sha256Hex(request.body);
  if (contentSha && /^[0-9a-f]{64}$/.test(contentSha) && contentSha !== bodyHash) {
    add({ code: 'CONTENT_SHA256_MISMATCH', severity: 'error', stage: 'payload', message: `x-amz-content-sha256 is ${contentSha.slice(0, 12)}… but the body hashes to ${bodyHash.slice(0, 12)}…`, hint: 'hash the exact bytes sent (S3 answers XAmzContentSHA256Mismatch)' });
  }
  if (s3 && !presign && !contentSha) {
    add({ code: 'CONTENT_SHA256_MISSING', severity: 'error', stage: 'payload', message: 'S3 header auth requires an x-amz-content-sha256 header', hint: 'sign with the header (authctl sign --service s3 adds it)' });
  }
  const payloadHash = contentSha ?? (presign ? (query.find(([n]) => n === 'X-Amz-Content-Sha256')?.[1] ?? (s3 ? UNSIGNED_PAYLOAD : bodyHash)) : bodyHash);

  const rawPairs = splitRawQuery(request.query);
  const signedQuery = presign && options.sessionTokenAfterSigning ? rawPairs.filter(([n]) => safeDecode(n) !== 'X-Amz-Security-Token') : rawPairs;
  const recompute: Recompute = (v) => {
    const headers = v.host ? request.headers.map(([n, val]): [string, string] => (n.toLowerCase() === 'host' ? [n, v.host!] : [n, val])) : request.headers;
    const canon = canonicalHeaders(headers, (lower) => signedHeaders.includes(lower), v.folded ?? options.foldedHeaders);
    const creq = canonicalRequest({
      method: request.method,
      path: request.path,
      rawQuery: v.query ?? signedQuery,
      canonicalHeaders: canon.canonicalHeaders,
      signedHeaders: signedHeaders.join(';'),
      payloadHash: v.payloadHash ?? payloadHash,
      normalizePath: v.normalizePath ?? options.normalizePath ?? !s3,
      doubleEncodePath: v.doubleEncodePath ?? options.doubleEncodePath ?? !s3,
      excludeQuery: presign ? 'X-Amz-Signature' : undefined,
    });
    const scope = credentialScope(scopeDate, region, service);
    const sts = stringToSign(amzDate!, scope, sha256Hex(creq));
    const signature = signString(options.secretAccessKey, scopeDate, region, service, sts);
    return { canonicalRequest: creq, stringToSign: sts, signature, folded: canon.folded };
  };
  const base = recompute({});
  const signatureMatches = !!providedSignature && sameSecret(base.signature, providedSignature);
  const result: VerifySignedRequestResult = {
    valid: false, signatureMatches, scheme, accessKeyId,
    scope: { date: scopeDate, region, service }, amzDate, signedHeaders,
    providedSignature: providedSignature ?? '', expectedSignature: base.signature,
    canonicalRequest: base.canonicalRequest, stringToSign: base.stringToSign, findings,
  };
  if (base.folded.length) {
    add({ code: 'FOLDED_HEADER', severity: 'warning', stage: 'headers', message: `folded (multi-line) value in ${base.folded.join(', ')}: the AWS suites disagree on its canonical form`, hint: 'send header values on one line' });
  }
  if (options.serverDetails) compareWithServer(result, options.serverDetails);
  if (!signatureMatches && providedSignature) {
    const rules = { normalize: options.normalizePath ?? !s3, doubleEncode: options.doubleEncodePath ?? !s3 };
    result.explanation = findVariant(recompute, providedSignature, { request, query: signedQuery, s3, rules, presign, payloadHash, bodyHash, foldedHeaders: options.foldedHeaders ?? 'space' });
    if (result.explanation) {
      add({
        code: 'SIGNATURE_VARIANT', severity: 'error', stage: 'canonical-request', message: result.explanation.message,
        hint: `fix the signer (rule: ${result.explanation.variant}); \`authctl sign ... --json\` prints the canonical request this service expects`,
      });
    }
    else if (!findings.some((f) => f.stage === 'canonical-request' || f.stage === 'string-to-sign')) {
      add({
        code: 'SIGNATURE_MISMATCH', severity: 'error', stage: 'signature',
        message: 'the signature does not match and no common signing mistake explains it: the secret differs from the signer\'s, or the request changed after signing',
        hint: 'check the secret for this access key; compare with the service\'s canonical request (--server-error FILE) to see what changed',
      });
    }
  }
  result.valid = signatureMatches && !findings.some((f) => f.severity === 'error');
  return result;
}

/** 354572562 -> "4103 days"; keeps small values exact. */
export function humanSeconds(seconds: number): string {
  const s = Math.abs(seconds);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} days`;
}

function checkTime(findings: VerifyFinding[], signedAt: Date, expiresText: string | undefined, presign: boolean, options: VerifySignedRequestOptions): void {
  const now = options.now === undefined ? new Date() : parseSigningDate(options.now, '--now');
  const maxSkew = options.maxSkewSeconds ?? 900;
  const skew = Math.round((now.getTime() - signedAt.getTime()) / 1000);
  if (presign) {
    const expires = Number(expiresText);
    if (expiresText === undefined || !Number.isInteger(expires) || expires < 1) {
      findings.push({ code: 'EXPIRES_INVALID', severity: 'error', stage: 'time', message: `X-Amz-Expires ${JSON.stringify(expiresText ?? null)} is not a positive whole number of seconds`, hint: 'presign with --expires 1..604800' });
      return;
    }
    if (expires > 604_800) findings.push({ code: 'EXPIRES_TOO_LONG', severity: 'error', stage: 'time', message: `X-Amz-Expires ${expires} is over the 604800 s (7 days) maximum`, hint: 'presign with --expires 7d or less' });
    if (skew > expires) findings.push({ code: 'PRESIGN_EXPIRED', severity: 'error', stage: 'time', message: `the presigned URL expired ${humanSeconds(skew - expires)} ago (signed ${signedAt.toISOString()}, valid ${expires} s)`, hint: 'presign it again' });
    else if (skew < -maxSkew) findings.push({ code: 'PRESIGN_NOT_YET_VALID', severity: 'error', stage: 'time', message: `the presigned URL is dated ${humanSeconds(skew)} in the future`, hint: "check the signer's clock" });
  } else if (Math.abs(skew) > maxSkew) {
    findings.push({
      code: 'CLOCK_SKEW', severity: 'error', stage: 'time',
      message: `X-Amz-Date is ${humanSeconds(skew)} ${skew > 0 ? 'in the past' : 'in the future'}, beyond the ${maxSkew / 60}-minute window (RequestTimeTooSkewed)`,
      hint: "sign again, or fix the signer's clock (verify --now DATE checks against another time)",
    });
  }
}

function checkSignedHeaders(findings: VerifyFinding[], signed: string[], present: Set<string>, presign: boolean): void {
  const sorted = [...signed].sort();
  if (signed.join(';') !== sorted.join(';') || signed.some((h) => h !== h.toLowerCase())) {
    findings.push({ code: 'SIGNED_HEADERS_NOT_CANONICAL', severity: 'error', stage: 'headers', message: `SignedHeaders "${signed.join(';')}" is not lower-case and sorted`, hint: `the signer must list ${sorted.map((h) => h.toLowerCase()).join(';')}` });
  }
  if (!signed.includes('host')) findings.push({ code: 'HOST_NOT_SIGNED', severity: 'error', stage: 'headers', message: 'the Host header is not signed', hint: 'SigV4 requires host in SignedHeaders' });
  for (const name of signed) {
    if (!present.has(name)) findings.push({ code: 'SIGNED_HEADER_MISSING', severity: 'error', stage: 'headers', message: `signed header ${name} is not in the request`, hint: `send ${name} exactly as signed, or sign without it` });
  }
  for (const name of present) {
    if (signed.includes(name) || name === 'authorization') continue;
    if (name.startsWith('x-amz-') && !(presign && name === 'x-amz-content-sha256') && name !== 'x-amz-security-token') {
      findings.push({ code: 'UNSIGNED_AMZ_HEADER', severity: 'warning', stage: 'headers', message: `header ${name} is sent but not signed`, hint: 'S3 and most services require every x-amz-* header to be signed' });
    } else if (name === 'content-type' || name === 'content-md5') {
      findings.push({ code: 'UNSIGNED_HEADER', severity: 'warning', stage: 'headers', message: `header ${name} is sent but not signed`, hint: 'a proxy may change it freely; sign it to protect it' });
    }
  }
}

function compareWithServer(result: VerifySignedRequestResult, text: string): void {
  const server = parseServerDetails(text);
  if (server.canonicalRequest && result.canonicalRequest) {
    result.diff = diffCanonicalRequests(result.canonicalRequest, server.canonicalRequest);
    const changed = result.diff.filter((d) => !d.same);
    if (changed.length) {
      result.findings.push({
        code: 'CANONICAL_REQUEST_DIFFERS', severity: 'error', stage: 'canonical-request',
        message: `the service canonicalised the request differently: ${changed.map((d) => d.label).join(', ')}`,
        hint: changed.some((d) => d.label === 'header host') ? 'a proxy or client changed Host (port?) after signing: sign the Host the service receives' : 'see the line diff: the request changed between signer and service, or the signer broke a canonicalisation rule',
      });
    }
  }
  if (server.stringToSign && server.stringToSign !== result.stringToSign) {
    const [, date, scope] = server.stringToSign.split('\n');
    const [, ourDate, ourScope] = result.stringToSign.split('\n');
    const what = date !== ourDate ? 'timestamp' : scope !== ourScope ? 'credential scope' : 'canonical request hash';
    result.findings.push({ code: 'STRING_TO_SIGN_DIFFERS', severity: 'error', stage: 'string-to-sign', message: `the service's string to sign differs in its ${what}` });
  } else if (server.stringToSign && result.signatureMatches) {
    result.findings.push({
      code: 'SERVER_SECRET_DIFFERS', severity: 'error', stage: 'signature',
      message: 'the service computed the same string to sign and the signature matches your secret: the service holds a different secret for this access key id',
      hint: 'check the key pair configured on the service side',
    });
  } else if (server.stringToSign && !result.signatureMatches) {
    result.findings.push({
      code: 'SECRET_MISMATCH', severity: 'error', stage: 'signature',
      message: "the service's string to sign equals ours, yet the signature differs: the signer's secret is not the one you gave",
      hint: 'check which secret belongs to this access key id',
    });
  }
}

/**
 * `verifySignedRequest`: recomputes the signature of a signed request and, when it differs,
 * says which step diverges -- scope, signed headers, time, canonical request, string to sign --
 * by trying the variants signers get wrong (NOTES.md) and diffing against the service's own
 * canonical request when one is supplied.
 */
import { sameSecret } from '../compare.js';
import { usageError } from '../errors.js';
import {
  UNSIGNED_PAYLOAD,
  canonicalHeaders,
  canonicalRequest,
  credentialScope,
  isS3Service,
  stringToSign,
} from './canonical.js';
import { sha256Hex, signString } from './crypto.js';
import { fromAmzDate, toAmzDate, type DateInput } from './date.js';
import { diffCanonicalRequests, parseServerDetails, type CanonicalLineDiff } from './diff.js';
import { parseQuery, safeDecode, splitRawQuery, type QueryPair } from './encode.js';
import type { ParsedHttpRequest } from './parse.js';
import { getHeader } from './request.js';
import type { FoldedHeaderMode } from './types.js';
import {
  accessKeyMismatch,
  checkSignedHeaders,
  checkTime,
  dotSegmentsFinding,
  sameStringToSignFinding,
} from './verify-checks.js';
import { verifySigV2 } from './verify-v2.js';
import { findVariant, type Recompute } from './variants.js';

export { humanSeconds } from './verify-checks.js';

export type VerifyStage =
  | 'input'
  | 'scope'
  | 'headers'
  | 'time'
  | 'payload'
  | 'canonical-request'
  | 'string-to-sign'
  | 'signature';

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

interface AuthorizationFields {
  credential?: string;
  signedHeaders?: string;
  signature?: string;
  /** Field names given more than once (which one a service uses is not defined). */
  repeated: string[];
}

/** Split on ',' then trim: linear in the header's length (a `\s*,\s*` split backtracks on long runs of spaces). */
function parseAuthorization(value: string): AuthorizationFields {
  const fields = new Map<string, string>();
  const repeated: string[] = [];
  for (const part of AUTH_V4.exec(value.trim())![1]!.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (fields.has(name) && !repeated.includes(name)) repeated.push(name);
    fields.set(name, part.slice(eq + 1).trim());
  }
  return {
    credential: fields.get('Credential'),
    signedHeaders: fields.get('SignedHeaders'),
    signature: fields.get('Signature'),
    repeated,
  };
}

/** More than one Authorization header, or a field repeated in one: services differ in which they read. */
function ambiguity(request: ParsedHttpRequest, fields?: AuthorizationFields): VerifyFinding[] {
  const count = request.headers.filter(([n]) => n.toLowerCase() === 'authorization').length;
  const findings: VerifyFinding[] = [];
  if (count > 1) {
    findings.push({
      code: 'AUTHORIZATION_DUPLICATE',
      severity: 'error',
      stage: 'input',
      message: `the request has ${count} Authorization headers: which one a service or proxy reads is not defined, so the request is ambiguous (verified the first)`,
      hint: 'send exactly one Authorization header',
    });
  }
  if (fields?.repeated.length) {
    findings.push({
      code: 'AUTHORIZATION_FIELD_REPEATED',
      severity: 'error',
      stage: 'input',
      message: `the Authorization header gives ${fields.repeated.join(', ')} more than once: ambiguous`,
      hint: 'give Credential, SignedHeaders and Signature once each',
    });
  }
  return findings;
}

/**
 * Verifies a signed request (SigV4 header or presigned, SigV2) and explains a mismatch: findings, and the canonical-request diff.
 */
export function verifySignedRequest(
  request: ParsedHttpRequest,
  options: VerifySignedRequestOptions,
): VerifySignedRequestResult {
  if (!options.secretAccessKey) {
    throw usageError('ERR_SIGV4_NO_CREDENTIALS', 'verify needs the secret access key', {
      field: 'secretKey',
      hint: 'pass {{secretKey}}, set AWS_SECRET_ACCESS_KEY, or use {{profile}} NAME',
    });
  }
  const query = parseQuery(request.query);
  // The first Authorization header only: duplicates are reported (ambiguity), never joined into one.
  const auth = request.headers.find(([n]) => n.toLowerCase() === 'authorization')?.[1];
  const q = (name: string) => query.find(([n]) => n === name)?.[1];
  if (auth && /^AWS\s+[^:\s]+:/.test(auth.trim()))
    return withFindings(
      verifySigV2(request, query, options, 'sigv2-header', auth.trim()),
      ambiguity(request),
    );
  if (q('AWSAccessKeyId') !== undefined && q('Signature') !== undefined)
    return verifySigV2(request, query, options, 'sigv2-query');
  if (auth && AUTH_V4.test(auth.trim())) {
    const fields = parseAuthorization(auth);
    return withFindings(
      verifyV4(
        request,
        query,
        options,
        'sigv4-header',
        fields.credential,
        fields.signedHeaders,
        fields.signature,
      ),
      ambiguity(request, fields),
    );
  }
  if (q('X-Amz-Signature') !== undefined || q('X-Amz-Algorithm') !== undefined) {
    return verifyV4(
      request,
      query,
      options,
      'sigv4-query',
      q('X-Amz-Credential'),
      q('X-Amz-SignedHeaders'),
      q('X-Amz-Signature'),
    );
  }
  throw usageError(
    'ERR_SIGV4_NOT_SIGNED',
    'the request carries no AWS signature (no AWS4-HMAC-SHA256 Authorization header, X-Amz-Signature or AWSAccessKeyId/Signature query)',
    {
      where: 'request',
      hint: 'pass the request exactly as sent, with its Authorization header or presigned query',
    },
  );
}

function withFindings(
  result: VerifySignedRequestResult,
  extra: VerifyFinding[],
): VerifySignedRequestResult {
  if (!extra.length) return result;
  result.findings.unshift(...extra);
  result.valid = false;
  return result;
}

function verifyV4(
  request: ParsedHttpRequest,
  query: QueryPair[],
  options: VerifySignedRequestOptions,
  scheme: AuthScheme,
  credential: string | undefined,
  signedHeadersText: string | undefined,
  providedSignature: string | undefined,
): VerifySignedRequestResult {
  const findings: VerifyFinding[] = [];
  const add = (f: VerifyFinding) => findings.push(f);
  const presign = scheme === 'sigv4-query';
  const parts = (credential ?? '').split('/');
  const [accessKeyId = '', scopeDate = '', region = '', service = '', terminal = ''] = parts;
  if (parts.length !== 5 || terminal !== 'aws4_request' || !/^\d{8}$/.test(scopeDate)) {
    add({
      code: 'SCOPE_MALFORMED',
      severity: 'error',
      stage: 'scope',
      message: `credential ${JSON.stringify(credential ?? '')} is not AKID/YYYYMMDD/region/service/aws4_request`,
      hint: 'the Credential must have exactly five parts ending in aws4_request',
    });
  }
  if (!providedSignature || !/^[0-9a-f]{64}$/.test(providedSignature)) {
    add({
      code: 'SIGNATURE_MALFORMED',
      severity: 'error',
      stage: 'signature',
      message: 'the signature is not 64 lower-case hex characters',
      hint: 'pass the request exactly as sent',
    });
  }
  if (options.accessKeyId && accessKeyId !== options.accessKeyId) {
    add(accessKeyMismatch(accessKeyId, options.accessKeyId));
  }
  if (options.region && region !== options.region) {
    add({
      code: 'REGION_MISMATCH',
      severity: 'error',
      stage: 'scope',
      message: `scope names region "${region}", the service expects "${options.region}"`,
      hint: `sign with --region ${options.region}`,
    });
  }
  if (options.service && service !== options.service) {
    add({
      code: 'SERVICE_MISMATCH',
      severity: 'error',
      stage: 'scope',
      message: `scope names service "${service}", the service expects "${options.service}"`,
      hint: `sign with --service ${options.service}`,
    });
  }

  // The timestamp: X-Amz-Date (header or query), else the Date header (legacy 2011 suite).
  const amzDateText = presign
    ? query.find(([n]) => n === 'X-Amz-Date')?.[1]
    : getHeader(request.headers, 'x-amz-date');
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
    add({
      code: 'DATE_MISSING',
      severity: 'error',
      stage: 'time',
      message: `no valid ${presign ? 'X-Amz-Date query parameter' : 'X-Amz-Date header'} (YYYYMMDDTHHMMSSZ)`,
      hint: 'the signing time must be sent with the request',
    });
    amzDate = amzDateText ?? `${scopeDate}T000000Z`;
  } else if (scopeDate && amzDate.slice(0, 8) !== scopeDate) {
    add({
      code: 'SCOPE_DATE_MISMATCH',
      severity: 'error',
      stage: 'scope',
      message: `scope date ${scopeDate} is not the day of X-Amz-Date ${amzDate}`,
      hint: 'derive the scope date from the same timestamp as X-Amz-Date',
    });
  }
  if (signedAt && options.checkTime !== false)
    checkTime(
      findings,
      signedAt,
      presign ? query.find(([n]) => n === 'X-Amz-Expires')?.[1] : undefined,
      presign,
      options,
    );

  // Signed headers: exactly what the request says, no ignore list.
  const signedHeaders = (signedHeadersText ?? '').split(';').filter(Boolean);
  const present = new Set(request.headers.map(([n]) => n.toLowerCase()));
  const s3 = isS3Service(service);
  checkSignedHeaders(findings, signedHeaders, present, {
    presign,
    s3,
    tokenAfterSigning: options.sessionTokenAfterSigning === true,
  });
  if (s3 && request.pathAsWritten !== undefined) findings.push(dotSegmentsFinding(request));

  const contentSha = getHeader(request.headers, 'x-amz-content-sha256')?.trim();
  const bodyHash = sha256Hex(request.body);
  if (contentSha && /^[0-9a-f]{64}$/.test(contentSha) && contentSha !== bodyHash) {
    add({
      code: 'CONTENT_SHA256_MISMATCH',
      severity: 'error',
      stage: 'payload',
      message: `x-amz-content-sha256 is ${contentSha.slice(0, 12)}… but the body hashes to ${bodyHash.slice(0, 12)}…`,
      hint: 'hash the exact bytes sent (S3 answers XAmzContentSHA256Mismatch)',
    });
  }
  if (s3 && !presign && !contentSha) {
    add({
      code: 'CONTENT_SHA256_MISSING',
      severity: 'error',
      stage: 'payload',
      message: 'S3 header auth requires an x-amz-content-sha256 header',
      hint: 'sign with the header (authctl sign --service s3 adds it)',
    });
  }
  const payloadHash =
    contentSha ??
    (presign
      ? (query.find(([n]) => n === 'X-Amz-Content-Sha256')?.[1] ??
        (s3 ? UNSIGNED_PAYLOAD : bodyHash))
      : bodyHash);

  const rawPairs = splitRawQuery(request.query);
  const signedQuery =
    presign && options.sessionTokenAfterSigning
      ? rawPairs.filter(([n]) => safeDecode(n) !== 'X-Amz-Security-Token')
      : rawPairs;
  const recompute: Recompute = (v) => {
    const headers = v.host
      ? request.headers.map(([n, val]): [string, string] =>
          n.toLowerCase() === 'host' ? [n, v.host!] : [n, val],
        )
      : request.headers;
    const canon = canonicalHeaders(
      headers,
      (lower) => signedHeaders.includes(lower),
      v.folded ?? options.foldedHeaders,
    );
    const creq = canonicalRequest({
      method: v.method ?? request.method,
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
    valid: false,
    signatureMatches,
    scheme,
    accessKeyId,
    scope: { date: scopeDate, region, service },
    amzDate,
    signedHeaders,
    providedSignature: providedSignature ?? '',
    expectedSignature: base.signature,
    canonicalRequest: base.canonicalRequest,
    stringToSign: base.stringToSign,
    findings,
  };
  if (base.folded.length) {
    add({
      code: 'FOLDED_HEADER',
      severity: 'warning',
      stage: 'headers',
      message: `folded (multi-line) value in ${base.folded.join(', ')}: the AWS suites disagree on its canonical form`,
      hint: 'send header values on one line',
    });
  }
  if (options.serverDetails) compareWithServer(result, options.serverDetails);
  if (!signatureMatches && providedSignature) {
    const rules = {
      normalize: options.normalizePath ?? !s3,
      doubleEncode: options.doubleEncodePath ?? !s3,
    };
    result.explanation = findVariant(recompute, providedSignature, {
      request,
      query: signedQuery,
      s3,
      rules,
      presign,
      payloadHash,
      bodyHash,
      foldedHeaders: options.foldedHeaders ?? 'space',
    });
    if (result.explanation) {
      add({
        code: 'SIGNATURE_VARIANT',
        severity: 'error',
        stage: 'canonical-request',
        message: result.explanation.message,
        hint: `fix the signer (rule: ${result.explanation.variant}); \`authctl sign ... --json\` prints the canonical request this service expects`,
      });
    } else if (
      !findings.some((f) => f.stage === 'canonical-request' || f.stage === 'string-to-sign')
    ) {
      add({
        code: 'SIGNATURE_MISMATCH',
        severity: 'error',
        stage: 'signature',
        message:
          "the signature does not match and no common signing mistake explains it: the secret differs from the signer's, or the request changed after signing",
        hint: "check the secret for this access key; compare with the service's canonical request (--server-error FILE) to see what changed",
      });
    }
  }
  result.valid = signatureMatches && !findings.some((f) => f.severity === 'error');
  return result;
}

function compareWithServer(result: VerifySignedRequestResult, text: string): void {
  const server = parseServerDetails(text);
  if (server.canonicalRequest && result.canonicalRequest) {
    result.diff = diffCanonicalRequests(result.canonicalRequest, server.canonicalRequest);
    const changed = result.diff.filter((d) => !d.same);
    if (changed.length) {
      result.findings.push({
        code: 'CANONICAL_REQUEST_DIFFERS',
        severity: 'error',
        stage: 'canonical-request',
        message: `the service canonicalised the request differently: ${changed.map((d) => d.label).join(', ')}`,
        hint: changed.some((d) => d.label === 'header host')
          ? 'a proxy or client changed Host (port?) after signing: sign the Host the service receives'
          : 'see the line diff: the request changed between signer and service, or the signer broke a canonicalisation rule',
      });
    }
  }
  if (server.stringToSign && server.stringToSign !== result.stringToSign) {
    const [, date, scope] = server.stringToSign.split('\n');
    const [, ourDate, ourScope] = result.stringToSign.split('\n');
    const what =
      date !== ourDate
        ? 'timestamp'
        : scope !== ourScope
          ? 'credential scope'
          : 'canonical request hash';
    result.findings.push({
      code: 'STRING_TO_SIGN_DIFFERS',
      severity: 'error',
      stage: 'string-to-sign',
      message: `the service's string to sign differs in its ${what}`,
    });
  } else if (server.stringToSign)
    result.findings.push(sameStringToSignFinding(result.signatureMatches));
}

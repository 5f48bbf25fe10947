/**
 * SigV4 verification (header and presigned query), used by `verifySignedRequest`: a list of stages
 * (scope, time, signed headers, payload) that each read one part of the request and record what is
 * wrong with it, then the signature stage that recomputes the signature and explains a mismatch.
 */
import { sameSecret } from '../compare.js';
import {
  UNSIGNED_PAYLOAD,
  canonicalHeaders,
  canonicalRequest,
  credentialScope,
  isS3Service,
  stringToSign,
} from './canonical.js';
import { sha256Hex, signString } from './crypto.js';
import { fromAmzDate, toAmzDate } from './date.js';
import { safeDecode, splitRawQuery, type QueryPair } from './encode.js';
import type { ParsedHttpRequest } from './parse.js';
import { getHeader } from './request.js';
import { findVariant, type Recompute } from './variants.js';
import {
  accessKeyMismatch,
  checkSignedHeaders,
  checkTime,
  dotSegmentsFinding,
} from './verify-checks.js';
import { compareWithServer } from './verify-server.js';
import type {
  AuthScheme,
  VerifyFinding,
  VerifySignedRequestOptions,
  VerifySignedRequestResult,
  VerifyStage,
} from './verify-types.js';

/** What the request says it signed with: Credential, SignedHeaders, Signature (header or query). */
export interface V4Claims {
  scheme: AuthScheme;
  credential?: string;
  signedHeaders?: string;
  signature?: string;
}

/** One verification: the request, and what the stages found out about it so far. */
interface V4Check {
  request: ParsedHttpRequest;
  query: QueryPair[];
  options: VerifySignedRequestOptions;
  claims: V4Claims;
  presign: boolean;
  findings: VerifyFinding[];
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
  s3: boolean;
  /** X-Amz-Date as signed (or the scope day at midnight when missing: the recomputation needs one). */
  amzDate: string;
  signedHeaders: string[];
  payloadHash: string;
  bodyHash: string;
  /** The raw query pairs the signature covers. */
  signedQuery: [string, string][];
}

/** A stage of SigV4 verification: `stage` names where its findings point. */
export interface V4Stage {
  stage: VerifyStage;
  run(check: V4Check): void;
}

const queryValue = (check: V4Check, name: string) => check.query.find(([n]) => n === name)?.[1];

/** The credential scope AKID/date/region/service/aws4_request, against what the service expects. */
const scopeStage: V4Stage = {
  stage: 'scope',
  run(check) {
    const { options, findings, claims } = check;
    const parts = (claims.credential ?? '').split('/');
    const [accessKeyId = '', scopeDate = '', region = '', service = '', terminal = ''] = parts;
    Object.assign(check, { accessKeyId, scopeDate, region, service, s3: isS3Service(service) });
    if (parts.length !== 5 || terminal !== 'aws4_request' || !/^\d{8}$/.test(scopeDate)) {
      findings.push({
        code: 'SCOPE_MALFORMED',
        severity: 'error',
        stage: 'scope',
        message: `credential ${JSON.stringify(claims.credential ?? '')} is not AKID/YYYYMMDD/region/service/aws4_request`,
        hint: 'the Credential must have exactly five parts ending in aws4_request',
      });
    }
    if (!claims.signature || !/^[0-9a-f]{64}$/.test(claims.signature)) {
      findings.push({
        code: 'SIGNATURE_MALFORMED',
        severity: 'error',
        stage: 'signature',
        message: 'the signature is not 64 lower-case hex characters',
        hint: 'pass the request exactly as sent',
      });
    }
    if (options.accessKeyId && accessKeyId !== options.accessKeyId)
      findings.push(accessKeyMismatch(accessKeyId, options.accessKeyId));
    for (const [what, named, expected] of [
      ['region', region, options.region],
      ['service', service, options.service],
    ] as const) {
      if (!expected || named === expected) continue;
      findings.push({
        code: `${what.toUpperCase()}_MISMATCH`,
        severity: 'error',
        stage: 'scope',
        message: `scope names ${what} "${named}", the service expects "${expected}"`,
        hint: `sign with --${what} ${expected}`,
      });
    }
  },
};

/** The timestamp: X-Amz-Date (header or query), else the Date header (legacy 2011 suite). */
function signingTime(check: V4Check): { text?: string; signedAt?: Date; amzDate?: string } {
  const { request, presign } = check;
  const text = presign ? queryValue(check, 'X-Amz-Date') : getHeader(request.headers, 'x-amz-date');
  const amzDate = text?.trim();
  if (amzDate) return { text, signedAt: fromAmzDate(amzDate), amzDate };
  const dateHeader = getHeader(request.headers, 'date');
  const parsed = dateHeader ? new Date(dateHeader) : undefined;
  if (parsed && !Number.isNaN(parsed.getTime()))
    return { text, signedAt: parsed, amzDate: toAmzDate(parsed) };
  return { text };
}

/** The signing time: present, on the scope's day, within the allowed skew (or expiry, presigned). */
const timeStage: V4Stage = {
  stage: 'time',
  run(check) {
    const { findings, presign, scopeDate, options } = check;
    const { text, signedAt, amzDate } = signingTime(check);
    if (!signedAt || !amzDate) {
      findings.push({
        code: 'DATE_MISSING',
        severity: 'error',
        stage: 'time',
        message: `no valid ${presign ? 'X-Amz-Date query parameter' : 'X-Amz-Date header'} (YYYYMMDDTHHMMSSZ)`,
        hint: 'the signing time must be sent with the request',
      });
      check.amzDate = text ?? `${scopeDate}T000000Z`;
      return;
    }
    check.amzDate = amzDate;
    if (scopeDate && amzDate.slice(0, 8) !== scopeDate) {
      findings.push({
        code: 'SCOPE_DATE_MISMATCH',
        severity: 'error',
        stage: 'scope',
        message: `scope date ${scopeDate} is not the day of X-Amz-Date ${amzDate}`,
        hint: 'derive the scope date from the same timestamp as X-Amz-Date',
      });
    }
    if (options.checkTime === false) return;
    const expires = presign ? queryValue(check, 'X-Amz-Expires') : undefined;
    checkTime(findings, signedAt, expires, presign, options);
  },
};

/** Signed headers: exactly what the request says, no ignore list. */
const headersStage: V4Stage = {
  stage: 'headers',
  run(check) {
    const { request, findings, presign, s3 } = check;
    check.signedHeaders = (check.claims.signedHeaders ?? '').split(';').filter(Boolean);
    const present = new Set(request.headers.map(([n]) => n.toLowerCase()));
    checkSignedHeaders(findings, check.signedHeaders, present, {
      presign,
      s3,
      tokenAfterSigning: check.options.sessionTokenAfterSigning === true,
    });
    if (s3 && request.pathAsWritten !== undefined) findings.push(dotSegmentsFinding(request));
  },
};

/** The payload hash: x-amz-content-sha256 must hash the body; S3 header auth must send it. */
const payloadStage: V4Stage = {
  stage: 'payload',
  run(check) {
    const { request, findings, presign, s3 } = check;
    const contentSha = getHeader(request.headers, 'x-amz-content-sha256')?.trim();
    const bodyHash = sha256Hex(request.body);
    check.bodyHash = bodyHash;
    if (contentSha && /^[0-9a-f]{64}$/.test(contentSha) && contentSha !== bodyHash) {
      findings.push({
        code: 'CONTENT_SHA256_MISMATCH',
        severity: 'error',
        stage: 'payload',
        message: `x-amz-content-sha256 is ${contentSha.slice(0, 12)}… but the body hashes to ${bodyHash.slice(0, 12)}…`,
        hint: 'hash the exact bytes sent (S3 answers XAmzContentSHA256Mismatch)',
      });
    }
    if (s3 && !presign && !contentSha) {
      findings.push({
        code: 'CONTENT_SHA256_MISSING',
        severity: 'error',
        stage: 'payload',
        message: 'S3 header auth requires an x-amz-content-sha256 header',
        hint: 'sign with the header (authctl sign --service s3 adds it)',
      });
    }
    const presignedHash = presign ? queryValue(check, 'X-Amz-Content-Sha256') : undefined;
    const unsigned = presign && s3 ? UNSIGNED_PAYLOAD : bodyHash;
    check.payloadHash = contentSha ?? presignedHash ?? unsigned;
  },
};

/** The stages before the signature, in order (later ones read what earlier ones set). */
export const V4_STAGES: readonly V4Stage[] = [scopeStage, timeStage, headersStage, payloadStage];

/** The signature under the request's own rules, or under a variant of them (see variants.ts). */
function recomputer(check: V4Check): Recompute {
  const { request, options, signedHeaders, s3, scopeDate, region, service } = check;
  return (v) => {
    const headers = v.host
      ? request.headers.map(([n, val]): [string, string] =>
          n.toLowerCase() === 'host' ? [n, v.host!] : [n, val],
        )
      : request.headers;
    const signed = (lower: string) => signedHeaders.includes(lower);
    const canon = canonicalHeaders(headers, signed, v.folded ?? options.foldedHeaders);
    const creq = canonicalRequest({
      method: v.method ?? request.method,
      path: request.path,
      rawQuery: v.query ?? check.signedQuery,
      canonicalHeaders: canon.canonicalHeaders,
      signedHeaders: signedHeaders.join(';'),
      payloadHash: v.payloadHash ?? check.payloadHash,
      normalizePath: v.normalizePath ?? options.normalizePath ?? !s3,
      doubleEncodePath: v.doubleEncodePath ?? options.doubleEncodePath ?? !s3,
      excludeQuery: check.presign ? 'X-Amz-Signature' : undefined,
    });
    const scope = credentialScope(scopeDate, region, service);
    const sts = stringToSign(check.amzDate, scope, sha256Hex(creq));
    const signature = signString(options.secretAccessKey, scopeDate, region, service, sts);
    return { canonicalRequest: creq, stringToSign: sts, signature, folded: canon.folded };
  };
}

/** A mismatch: name the signing-rule variant that explains it, else say nothing common does. */
function explainMismatch(check: V4Check, recompute: Recompute, result: VerifySignedRequestResult) {
  const { options, s3, findings } = check;
  const provided = check.claims.signature!;
  const rules = {
    normalize: options.normalizePath ?? !s3,
    doubleEncode: options.doubleEncodePath ?? !s3,
  };
  result.explanation = findVariant(recompute, provided, {
    request: check.request,
    query: check.signedQuery,
    s3,
    rules,
    presign: check.presign,
    payloadHash: check.payloadHash,
    bodyHash: check.bodyHash,
    foldedHeaders: options.foldedHeaders ?? 'space',
  });
  if (result.explanation) {
    findings.push({
      code: 'SIGNATURE_VARIANT',
      severity: 'error',
      stage: 'canonical-request',
      message: result.explanation.message,
      hint: `fix the signer (rule: ${result.explanation.variant}); \`authctl sign ... --json\` prints the canonical request this service expects`,
    });
  } else if (
    !findings.some((f) => f.stage === 'canonical-request' || f.stage === 'string-to-sign')
  ) {
    findings.push({
      code: 'SIGNATURE_MISMATCH',
      severity: 'error',
      stage: 'signature',
      message:
        "the signature does not match and no common signing mistake explains it: the secret differs from the signer's, or the request changed after signing",
      hint: "check the secret for this access key; compare with the service's canonical request (--server-error FILE) to see what changed",
    });
  }
}

/** The raw query pairs the signature covers (AWS IoT: X-Amz-Security-Token is added after signing). */
function signedQuery(check: V4Check): [string, string][] {
  const rawPairs = splitRawQuery(check.request.query);
  return check.presign && check.options.sessionTokenAfterSigning
    ? rawPairs.filter(([n]) => safeDecode(n) !== 'X-Amz-Security-Token')
    : rawPairs;
}

/** The signature stage: recompute, compare, diff with the service's details, explain a mismatch. */
function signatureStage(check: V4Check): VerifySignedRequestResult {
  const { findings, claims, options } = check;
  check.signedQuery = signedQuery(check);
  const recompute = recomputer(check);
  const base = recompute({});
  const signatureMatches = !!claims.signature && sameSecret(base.signature, claims.signature);
  const result: VerifySignedRequestResult = {
    valid: false,
    signatureMatches,
    scheme: claims.scheme,
    accessKeyId: check.accessKeyId,
    scope: { date: check.scopeDate, region: check.region, service: check.service },
    amzDate: check.amzDate,
    signedHeaders: check.signedHeaders,
    providedSignature: claims.signature ?? '',
    expectedSignature: base.signature,
    canonicalRequest: base.canonicalRequest,
    stringToSign: base.stringToSign,
    findings,
  };
  if (base.folded.length) {
    findings.push({
      code: 'FOLDED_HEADER',
      severity: 'warning',
      stage: 'headers',
      message: `folded (multi-line) value in ${base.folded.join(', ')}: the AWS suites disagree on its canonical form`,
      hint: 'send header values on one line',
    });
  }
  if (options.serverDetails) compareWithServer(result, options.serverDetails);
  if (!signatureMatches && claims.signature) explainMismatch(check, recompute, result);
  result.valid = signatureMatches && !findings.some((f) => f.severity === 'error');
  return result;
}

/** Verifies a SigV4 request: every stage of V4_STAGES, then the signature. */
export function verifyV4(
  request: ParsedHttpRequest,
  query: QueryPair[],
  options: VerifySignedRequestOptions,
  claims: V4Claims,
): VerifySignedRequestResult {
  const check: V4Check = {
    request,
    query,
    options,
    claims,
    presign: claims.scheme === 'sigv4-query',
    findings: [],
    accessKeyId: '',
    scopeDate: '',
    region: '',
    service: '',
    s3: false,
    amzDate: '',
    signedHeaders: [],
    payloadHash: '',
    bodyHash: '',
    signedQuery: [],
  };
  for (const stage of V4_STAGES) stage.run(check);
  return signatureStage(check);
}

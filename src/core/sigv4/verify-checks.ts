/** Checks of a SigV4 request besides the signature itself: time, signed headers, path form. */
import { parseSigningDate } from './date.js';
import type { ParsedHttpRequest } from './parse.js';
import type { VerifyFinding, VerifySignedRequestOptions } from './verify-types.js';

/** 354572562 -> "4103 days"; keeps small values exact. */
export function humanSeconds(seconds: number): string {
  const s = Math.abs(seconds);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} days`;
}

export function checkTime(
  findings: VerifyFinding[],
  signedAt: Date,
  expiresText: string | undefined,
  presign: boolean,
  options: VerifySignedRequestOptions,
): void {
  const now = options.now === undefined ? new Date() : parseSigningDate(options.now, '{{now}}');
  const maxSkew = options.maxSkewSeconds ?? 900;
  const skew = Math.round((now.getTime() - signedAt.getTime()) / 1000);
  if (presign) {
    const expires = Number(expiresText);
    if (expiresText === undefined || !Number.isInteger(expires) || expires < 1) {
      findings.push({
        code: 'EXPIRES_INVALID',
        severity: 'error',
        stage: 'time',
        message: `X-Amz-Expires ${JSON.stringify(expiresText ?? null)} is not a positive whole number of seconds`,
        hint: 'presign with --expires 1..604800',
      });
      return;
    }
    if (expires > 604_800)
      findings.push({
        code: 'EXPIRES_TOO_LONG',
        severity: 'error',
        stage: 'time',
        message: `X-Amz-Expires ${expires} is over the 604800 s (7 days) maximum`,
        hint: 'presign with --expires 7d or less',
      });
    if (skew > expires)
      findings.push({
        code: 'PRESIGN_EXPIRED',
        severity: 'error',
        stage: 'time',
        message: `the presigned URL expired ${humanSeconds(skew - expires)} ago (signed ${signedAt.toISOString()}, valid ${expires} s)`,
        hint: 'presign it again',
      });
    else if (skew < -maxSkew)
      findings.push({
        code: 'PRESIGN_NOT_YET_VALID',
        severity: 'error',
        stage: 'time',
        message: `the presigned URL is dated ${humanSeconds(skew)} in the future`,
        hint: "check the signer's clock",
      });
  } else if (Math.abs(skew) > maxSkew) {
    findings.push({
      code: 'CLOCK_SKEW',
      severity: 'error',
      stage: 'time',
      message: `X-Amz-Date is ${humanSeconds(skew)} ${skew > 0 ? 'in the past' : 'in the future'}, beyond the ${maxSkew / 60}-minute window (RequestTimeTooSkewed)`,
      hint: "sign again, or fix the signer's clock (verify --now DATE checks against another time)",
    });
  }
}

export interface SignedHeaderRules {
  presign: boolean;
  /** S3 refuses a request with any x-amz-* header it was not signed with (AccessDenied, HeadersNotSigned). */
  s3: boolean;
  /** The service (AWS IoT) expects the session token outside what is signed. */
  tokenAfterSigning: boolean;
}

/** What is wrong with a header the request sends but did not sign, if anything. */
function unsignedHeaderFinding(name: string, rules: SignedHeaderRules): VerifyFinding | undefined {
  const s3Refuses = rules.s3
    ? ': S3 rejects the request (AccessDenied: headers present that were not signed)'
    : '';
  if (name === 'x-amz-security-token') {
    if (rules.tokenAfterSigning) return undefined;
    // The 2015 suite's post-sts-header-after adds it unsigned, which some services accept; S3 does not.
    return {
      code: 'UNSIGNED_SECURITY_TOKEN',
      severity: rules.s3 ? 'error' : 'warning',
      stage: 'headers',
      message: `the session token (x-amz-security-token) is sent but not signed${s3Refuses}`,
      hint: 'sign the request with the session token (authctl sign --session-token), or pass --session-token-after-signing for AWS IoT',
    };
  }
  if (name.startsWith('x-amz-') && !(rules.presign && name === 'x-amz-content-sha256')) {
    return {
      code: 'UNSIGNED_AMZ_HEADER',
      severity: rules.s3 ? 'error' : 'warning',
      stage: 'headers',
      message: `header ${name} is sent but not signed${s3Refuses}`,
      hint: 'S3 and most services require every x-amz-* header to be signed',
    };
  }
  if (name !== 'content-type' && name !== 'content-md5') return undefined;
  return {
    code: 'UNSIGNED_HEADER',
    severity: 'warning',
    stage: 'headers',
    message: `header ${name} is sent but not signed`,
    hint: 'a proxy may change it freely; sign it to protect it',
  };
}

export function checkSignedHeaders(
  findings: VerifyFinding[],
  signed: string[],
  present: Set<string>,
  rules: SignedHeaderRules,
): void {
  const sorted = [...signed].sort();
  if (signed.join(';') !== sorted.join(';') || signed.some((h) => h !== h.toLowerCase())) {
    findings.push({
      code: 'SIGNED_HEADERS_NOT_CANONICAL',
      severity: 'error',
      stage: 'headers',
      message: `SignedHeaders "${signed.join(';')}" is not lower-case and sorted`,
      hint: `the signer must list ${sorted.map((h) => h.toLowerCase()).join(';')}`,
    });
  }
  if (!signed.includes('host'))
    findings.push({
      code: 'HOST_NOT_SIGNED',
      severity: 'error',
      stage: 'headers',
      message: 'the Host header is not signed',
      hint: 'SigV4 requires host in SignedHeaders',
    });
  for (const name of signed) {
    if (!present.has(name))
      findings.push({
        code: 'SIGNED_HEADER_MISSING',
        severity: 'error',
        stage: 'headers',
        message: `signed header ${name} is not in the request`,
        hint: `send ${name} exactly as signed, or sign without it`,
      });
  }
  for (const name of present) {
    if (signed.includes(name) || name === 'authorization') continue;
    const finding = unsignedHeaderFinding(name, rules);
    if (finding) findings.push(finding);
  }
}

/**
 * A curl command whose URL has ./.. segments: curl sends the path without them, and that is what
 * was verified. S3 does not normalise (`/a/./b` is another key than `/a/b`), so the URL as written
 * and the request sent name different objects: refuse the ambiguity.
 */
export function dotSegmentsFinding(request: ParsedHttpRequest): VerifyFinding {
  return {
    code: 'PATH_DOT_SEGMENTS',
    severity: 'error',
    stage: 'canonical-request',
    message: `the URL path ${JSON.stringify(request.pathAsWritten)} has dot segments: S3 does not normalise paths, so it names another object than ${JSON.stringify(request.path)}, the path curl sends (and the one verified)`,
    hint: 'write the path as signed; for a key that really has ./.. segments, sign it as written and send it with curl --path-as-is',
  };
}

/** The access key id is not signed (only the scope after it is): a changed one still "matches", and the service then checks another key's secret. */
export function accessKeyMismatch(named: string, expected: string): VerifyFinding {
  return {
    code: 'ACCESS_KEY_MISMATCH',
    severity: 'error',
    stage: 'scope',
    message: `the Credential names access key ${JSON.stringify(named)}, which does not match the given access key ${expected}: the service checks the signature with the secret of the key named`,
    hint: 'the access key id was changed after signing, or the signer used other credentials',
  };
}

/** The service's string to sign equals ours: then only the secrets can differ, and which side's is told by the signature. */
export function sameStringToSignFinding(signatureMatches: boolean): VerifyFinding {
  return signatureMatches
    ? {
        code: 'SERVER_SECRET_DIFFERS',
        severity: 'error',
        stage: 'signature',
        message:
          'the service computed the same string to sign and the signature matches your secret: the service holds a different secret for this access key id',
        hint: 'check the key pair configured on the service side',
      }
    : {
        code: 'SECRET_MISMATCH',
        severity: 'error',
        stage: 'signature',
        message:
          "the service's string to sign equals ours, yet the signature differs: the signer's secret is not the one you gave",
        hint: 'check which secret belongs to this access key id',
      };
}

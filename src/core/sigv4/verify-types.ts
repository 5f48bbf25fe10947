/**
 * The shapes of `verifySignedRequest`'s options, findings and result: apart from verify.ts so the
 * SigV2 and SigV4 verifiers (which verify.ts dispatches to) import them without an import cycle.
 */
import type { CanonicalLineDiff } from './diff.js';
import type { DateInput } from './date.js';
import type { FoldedHeaderMode } from './types.js';

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

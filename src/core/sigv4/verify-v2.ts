/** SigV2 (S3 header and query auth) verification, used by `verifySignedRequest`. */
import { sameSecret } from '../compare.js';
import { hmacBase64 } from './crypto.js';
import { parseSigningDate } from './date.js';
import type { QueryPair } from './encode.js';
import type { ParsedHttpRequest } from './parse.js';
import type { PreparedRequest } from './request.js';
import { bucketFromHost, sigV2S3StringToSign } from './sigv2.js';
import { parseServerDetails, type CanonicalLineDiff } from './diff.js';
import { accessKeyMismatch, sameStringToSignFinding } from './verify-checks.js';
import type {
  AuthScheme,
  VerifyFinding,
  VerifySignedRequestOptions,
  VerifySignedRequestResult,
} from './verify-types.js';

const V2_QUERY = new Set(['AWSAccessKeyId', 'Signature', 'Expires']);

/** What a SigV2 request claims: who signed, the signature, and (query auth) the Expires slot. */
interface V2Claims {
  accessKeyId: string;
  provided: string;
  /** Query auth: Expires stands where header auth has the Date. */
  dateSlot?: string;
}

function v2Claims(query: QueryPair[], auth?: string): V2Claims {
  if (auth) {
    const m = /^AWS\s+([^:\s]+):(\S*)$/.exec(auth)!;
    return { accessKeyId: m?.[1] ?? '', provided: m?.[2] ?? '' };
  }
  const q = (name: string) => query.find(([n]) => n === name)?.[1];
  return {
    accessKeyId: q('AWSAccessKeyId') ?? '',
    provided: q('Signature') ?? '',
    dateSlot: q('Expires') ?? '',
  };
}

/** The time stage: a presigned URL's Expires (not past), or the request Date (within the skew). */
function checkTimeV2(
  request: ParsedHttpRequest,
  dateSlot: string | undefined,
  options: VerifySignedRequestOptions,
): VerifyFinding[] {
  if (options.checkTime === false) return [];
  const now = options.now === undefined ? new Date() : parseSigningDate(options.now, '{{now}}');
  if (dateSlot !== undefined) {
    const expires = Number(dateSlot);
    if (!/^\d+$/.test(dateSlot))
      return [
        {
          code: 'EXPIRES_INVALID',
          severity: 'error',
          stage: 'time',
          message: `Expires ${JSON.stringify(dateSlot)} is not epoch seconds`,
        },
      ];
    if (expires * 1000 >= now.getTime()) return [];
    return [
      {
        code: 'PRESIGN_EXPIRED',
        severity: 'error',
        stage: 'time',
        message: `the SigV2 URL expired at ${new Date(expires * 1000).toISOString()}`,
        hint: 'sign it again with a later --expires',
      },
    ];
  }
  const date = request.headers.find(([n]) => /^(x-amz-date|date)$/i.test(n))?.[1];
  const at = date ? new Date(date) : undefined;
  const maxSkewMs = (options.maxSkewSeconds ?? 900) * 1000;
  if (!at || Number.isNaN(at.getTime()) || Math.abs(now.getTime() - at.getTime()) <= maxSkewMs)
    return [];
  return [
    {
      code: 'CLOCK_SKEW',
      severity: 'error',
      stage: 'time',
      message: `the request Date is more than 15 minutes from now (${at.toISOString()})`,
      hint: 'sign again with the current time',
    },
  ];
}

/** The request as SigV2 signs it: no auth query parameters, no Authorization, the token as a header. */
function preparedV2(request: ParsedHttpRequest, query: QueryPair[]): PreparedRequest {
  const prepared: PreparedRequest = {
    method: request.method,
    scheme: request.scheme,
    urlHost: request.host,
    path: request.path,
    rawQuery: request.query,
    rawPairs: [],
    query: query.filter(([n]) => !V2_QUERY.has(n)),
    headers: request.headers.filter(([n]) => n.toLowerCase() !== 'authorization'),
    body: request.body,
  };
  const token = query.find(([n]) => n === 'x-amz-security-token')?.[1];
  if (
    token !== undefined &&
    !prepared.headers.some(([n]) => n.toLowerCase() === 'x-amz-security-token')
  )
    prepared.headers.push(['x-amz-security-token', token]);
  prepared.query = prepared.query.filter(([n]) => n !== 'x-amz-security-token');
  return prepared;
}

type SignV2 = (bucket: string | undefined) => { sts: string; signature: string };

/**
 * The usual SigV2 mistake: the bucket of a virtual-hosted (or CNAME) request left out of, or put
 * into, the resource. The first bucket choice under which the provided signature matches.
 */
function bucketVariant(
  request: ParsedHttpRequest,
  options: VerifySignedRequestOptions,
  compute: SignV2,
  same: (signature: string) => boolean,
): VerifySignedRequestResult['explanation'] {
  const host = request.host.replace(/:\d+$/, '');
  const tries: Array<[string | undefined, string]> = [
    [
      '',
      'the signer left the bucket out of the resource: for virtual-hosted requests it starts with /bucket',
    ],
    [host, `the signer used the host "${host}" as the bucket (CNAME rule)`],
    [
      bucketFromHost(request.host) ?? host.split('.')[0],
      'the signer prefixed the resource with the bucket from the host name',
    ],
  ];
  for (const [bucket, message] of tries)
    if (bucket !== options.bucket && same(compute(bucket).signature))
      return { variant: 'sigv2-bucket-resource', message };
  return undefined;
}

/** The signature did not match: a finding naming the bucket variant that explains it, if any. */
function mismatchFinding(
  explanation: VerifySignedRequestResult['explanation'],
  server: ReturnType<typeof compareWithServerV2> | undefined,
): VerifyFinding | undefined {
  if (explanation)
    return {
      code: 'SIGNATURE_VARIANT',
      severity: 'error',
      stage: 'string-to-sign',
      message: explanation.message,
      hint: 'pass --bucket NAME for CNAME/virtual-hosted requests on non-AWS hosts',
    };
  // Without the service's own string to sign (which names the differing line, or the secret), only this is known.
  if (server?.diff || server?.sameStringToSign) return undefined;
  return {
    code: 'SIGNATURE_MISMATCH',
    severity: 'error',
    stage: 'signature',
    message:
      'the SigV2 signature does not match: wrong secret, or the request changed after signing',
    hint: 'check the secret; for virtual-hosted buckets on non-AWS hosts pass --bucket NAME',
  };
}

/** Verifies a SigV2 request (S3 header or query auth): claims, time, signature, its explanation. */
export function verifySigV2(
  request: ParsedHttpRequest,
  query: QueryPair[],
  options: VerifySignedRequestOptions,
  scheme: AuthScheme,
  auth?: string,
): VerifySignedRequestResult {
  const { accessKeyId, provided, dateSlot } = v2Claims(query, auth);
  const findings: VerifyFinding[] = [];
  if (options.accessKeyId && accessKeyId !== options.accessKeyId)
    findings.push(accessKeyMismatch(accessKeyId, options.accessKeyId));
  findings.push(...checkTimeV2(request, dateSlot, options));
  const prepared = preparedV2(request, query);
  const compute: SignV2 = (bucket) => {
    const sts = sigV2S3StringToSign(prepared, dateSlot, bucket === undefined ? {} : { bucket });
    return { sts, signature: hmacBase64('sha1', options.secretAccessKey, sts) };
  };
  const base = compute(options.bucket);
  const same = (a: string) => sameSecret(a, provided);
  const signatureMatches = provided !== '' && same(base.signature);
  const server = options.serverDetails
    ? compareWithServerV2(base.sts, options.serverDetails, signatureMatches)
    : undefined;
  let explanation: VerifySignedRequestResult['explanation'];
  if (!signatureMatches && provided) {
    explanation = bucketVariant(request, options, compute, same);
    const finding = mismatchFinding(explanation, server);
    if (finding) findings.push(finding);
  }
  if (server) findings.push(...server.findings);
  return {
    valid: signatureMatches && !findings.some((f) => f.severity === 'error'),
    signatureMatches,
    scheme,
    accessKeyId,
    providedSignature: provided,
    expectedSignature: base.signature,
    stringToSign: base.sts,
    findings,
    explanation,
    ...(server?.diff ? { diff: server.diff } : {}),
  };
}

/** Labels of a SigV2 (S3) string to sign: four fixed lines, the x-amz-* headers, the resource last. */
function labelV2(lines: string[]): string[] {
  return lines.map((line, i) =>
    i < 4
      ? ['method', 'content-md5', 'content-type', 'date / expires'][i]!
      : i === lines.length - 1
        ? 'resource'
        : `header ${line.split(':')[0]}`,
  );
}

/**
 * `--server-error` for SigV2: S3's SignatureDoesNotMatch body carries the StringToSign it computed
 * (S3 XML, or its StringToSignBytes). Name the lines that differ, else blame the right secret.
 */
function compareWithServerV2(
  ours: string,
  text: string,
  signatureMatches: boolean,
): { findings: VerifyFinding[]; diff?: CanonicalLineDiff[]; sameStringToSign?: boolean } {
  const theirs = parseServerDetails(text).stringToSign?.replace(/\r\n/g, '\n');
  if (theirs === undefined) {
    return {
      findings: [
        {
          code: 'SERVER_DETAILS_UNUSED',
          severity: 'warning',
          stage: 'string-to-sign',
          message: 'the --server-error file has no StringToSign to compare with',
          hint: "pass S3's SignatureDoesNotMatch XML body as received",
        },
      ],
    };
  }
  if (theirs === ours)
    return { findings: [sameStringToSignFinding(signatureMatches)], sameStringToSign: true };
  const a = ours.split('\n');
  const b = theirs.split('\n');
  const labelsA = labelV2(a);
  const labelsB = labelV2(b);
  const labels = [...new Set([...labelsA, ...labelsB])];
  const diff = labels.map((label, i): CanonicalLineDiff => {
    const x = a[labelsA.indexOf(label)];
    const y = b[labelsB.indexOf(label)];
    return {
      line: i + 1,
      label,
      ours: labelsA.includes(label) ? x : undefined,
      theirs: labelsB.includes(label) ? y : undefined,
      same: labelsA.includes(label) && labelsB.includes(label) && x === y,
    };
  });
  const changed = diff.filter((d) => !d.same).map((d) => d.label);
  return {
    diff,
    findings: [
      {
        code: 'STRING_TO_SIGN_DIFFERS',
        severity: 'error',
        stage: 'string-to-sign',
        message: `the service's SigV2 string to sign differs in: ${changed.join(', ')}`,
        hint: changed.includes('resource')
          ? 'the resource differs: a virtual-hosted or CNAME bucket (pass --bucket NAME), or the path changed after signing'
          : 'see the line diff: the request changed between signer and service',
      },
    ],
  };
}

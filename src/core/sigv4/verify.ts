/**
 * `verifySignedRequest`: recomputes the signature of a signed request and, when it differs,
 * says which step diverges -- scope, signed headers, time, canonical request, string to sign --
 * by trying the variants signers get wrong (NOTES.md) and diffing against the service's own
 * canonical request when one is supplied.
 */
import { usageError } from '../errors.js';
import { parseQuery } from './encode.js';
import type { ParsedHttpRequest } from './parse.js';
import { verifySigV2 } from './verify-v2.js';
import { verifyV4 } from './verify-v4.js';
import type {
  VerifyFinding,
  VerifySignedRequestOptions,
  VerifySignedRequestResult,
} from './verify-types.js';

export { humanSeconds } from './verify-checks.js';

export type {
  AuthScheme,
  VerifyFinding,
  VerifySignedRequestOptions,
  VerifySignedRequestResult,
  VerifyStage,
} from './verify-types.js';

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
      verifyV4(request, query, options, {
        scheme: 'sigv4-header',
        credential: fields.credential,
        signedHeaders: fields.signedHeaders,
        signature: fields.signature,
      }),
      ambiguity(request, fields),
    );
  }
  if (q('X-Amz-Signature') !== undefined || q('X-Amz-Algorithm') !== undefined) {
    return verifyV4(request, query, options, {
      scheme: 'sigv4-query',
      credential: q('X-Amz-Credential'),
      signedHeaders: q('X-Amz-SignedHeaders'),
      signature: q('X-Amz-Signature'),
    });
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

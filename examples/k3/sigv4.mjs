// AWS Signature Version 4 verification for S3-style requests (header and presigned-query forms),
// written from the AWS specification with node:crypto only. S3 rules apply: the path is URI-encoded
// exactly once (no double encoding) and never normalised (no "." / ".." / "//" collapsing), and the
// payload hash is the x-amz-content-sha256 value (UNSIGNED-PAYLOAD for presigned URLs).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const MAX_SKEW_MS = 15 * 60 * 1000;
export const MAX_PRESIGN_EXPIRES = 7 * 24 * 3600;
const ALGORITHM = 'AWS4-HMAC-SHA256';

/** A failed check: `code` is the S3 error code, `status` its HTTP status. */
export class SigError extends Error {
  constructor(status, code, message) {
    super(message);
    Object.assign(this, { status, code });
  }
}

const sha256hex = (data) => createHash('sha256').update(data).digest('hex');
const hmac = (key, data) => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 UriEncode as S3 defines it: only A-Z a-z 0-9 - . _ ~ stay literal. */
export function uriEncode(str, keepSlash = false) {
  const out = encodeURIComponent(str).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return keepSlash ? out.replace(/%2F/g, '/') : out;
}

function decode(component, what) {
  try {
    return decodeURIComponent(component);
  } catch {
    throw new SigError(400, 'InvalidURI', `${what} contains an invalid percent-encoding`);
  }
}

/** Canonical URI: decode what the client sent once, encode once. Never normalised. */
export function canonicalUri(rawPath) {
  return uriEncode(decode(rawPath, 'path'), true) || '/';
}

/** Raw query → [[key, value]] decoded pairs, in order. */
export function parseQuery(rawQuery) {
  if (!rawQuery) return [];
  return rawQuery.split('&').filter(Boolean).map((pair) => {
    const i = pair.indexOf('=');
    const k = i < 0 ? pair : pair.slice(0, i);
    const v = i < 0 ? '' : pair.slice(i + 1);
    return [decode(k, 'query'), decode(v, 'query')];
  });
}

/** Canonical query string: encoded pairs sorted by key then value; `omit` drops X-Amz-Signature. */
export function canonicalQuery(pairs, omit = null) {
  return pairs
    .filter(([k]) => k !== omit)
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** lower-case name → values, from node's rawHeaders (keeps repeated headers separate). */
export function headerMap(rawHeaders) {
  const map = new Map();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    if (!map.has(name)) map.set(name, []);
    map.get(name).push(rawHeaders[i + 1]);
  }
  return map;
}

function canonicalHeaders(headers, signed) {
  return signed.map((name) => {
    const values = headers.get(name);
    if (!values) throw new SigError(403, 'SignatureDoesNotMatch', `signed header "${name}" is missing from the request`);
    return `${name}:${values.map((v) => v.trim().replace(/\s+/g, ' ')).join(',')}\n`;
  }).join('');
}

function parseAmzDate(value, what) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  if (!m) throw new SigError(403, 'AccessDenied', `${what} must look like 20250101T000000Z`);
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
}

function signingKey(secret, date, region, service) {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

function parseCredential(value, region, service) {
  const parts = (value ?? '').split('/');
  if (parts.length !== 5) throw new SigError(400, 'AuthorizationHeaderMalformed', 'Credential must be AKID/DATE/REGION/SERVICE/aws4_request');
  const [accessKeyId, date, credRegion, credService, terminator] = parts;
  if (credRegion !== region) throw new SigError(400, 'AuthorizationHeaderMalformed', `the region '${credRegion}' is wrong; expecting '${region}'`);
  if (credService !== service || terminator !== 'aws4_request') throw new SigError(400, 'AuthorizationHeaderMalformed', 'credential scope must end in s3/aws4_request');
  return { accessKeyId, date, scope: `${date}/${credRegion}/${credService}/aws4_request` };
}

function compareSignature(expectedHex, presented) {
  const a = Buffer.from(expectedHex, 'hex');
  const b = /^[0-9a-f]{64}$/.test(presented ?? '') ? Buffer.from(presented, 'hex') : Buffer.alloc(32);
  if (!timingSafeEqual(a, b) || !/^[0-9a-f]{64}$/.test(presented ?? '')) {
    throw new SigError(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided');
  }
}

/** Is this request SigV4-signed (header or query form)? */
export function isSigV4(req, pairs) {
  return /^AWS4-HMAC-SHA256\s/.test(req.headers.authorization ?? '') || pairs.some(([k]) => k === 'X-Amz-Algorithm');
}

/**
 * Verifies a SigV4 request. `lookupSecret(accessKeyId)` returns the secret or undefined.
 * `body` is the full request body (Buffer), checked against a hex x-amz-content-sha256.
 * Returns { accessKeyId }. Throws SigError.
 */
export function verifySigV4({ method, rawPath, pairs, rawHeaders, body, now, region, service = 's3', lookupSecret }) {
  const headers = headerMap(rawHeaders);
  const auth = headers.get('authorization')?.[0];
  const headerForm = /^AWS4-HMAC-SHA256\s/.test(auth ?? '');
  if (headerForm && pairs.some(([k]) => k === 'X-Amz-Algorithm')) {
    throw new SigError(400, 'InvalidArgument', 'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified');
  }
  const presigned = !headerForm;
  let credential, signedHeaders, signature, amzDate, payloadHash;

  if (presigned) {
    const q = Object.fromEntries(pairs);
    for (const k of ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature']) {
      if (q[k] === undefined) throw new SigError(400, 'AuthorizationQueryParametersError', `query parameter ${k} is required`);
    }
    if (q['X-Amz-Algorithm'] !== ALGORITHM) throw new SigError(400, 'AuthorizationQueryParametersError', 'X-Amz-Algorithm must be AWS4-HMAC-SHA256');
    const expires = Number(q['X-Amz-Expires']);
    if (!/^\d+$/.test(q['X-Amz-Expires']) || expires < 1 || expires > MAX_PRESIGN_EXPIRES) {
      throw new SigError(400, 'AuthorizationQueryParametersError', `X-Amz-Expires must be 1..${MAX_PRESIGN_EXPIRES} seconds`);
    }
    credential = q['X-Amz-Credential'];
    signedHeaders = q['X-Amz-SignedHeaders'];
    signature = q['X-Amz-Signature'];
    amzDate = q['X-Amz-Date'];
    const signedAt = parseAmzDate(amzDate, 'X-Amz-Date');
    if (now > signedAt + expires * 1000) throw new SigError(403, 'AccessDenied', 'Request has expired');
    if (signedAt - now > MAX_SKEW_MS) throw new SigError(403, 'AccessDenied', 'Request is not valid yet (X-Amz-Date is in the future)');
    payloadHash = q['X-Amz-Content-Sha256'] ?? 'UNSIGNED-PAYLOAD';
  } else {
    const m = /^AWS4-HMAC-SHA256\s+(.*)$/s.exec(auth);
    const fields = Object.fromEntries((m?.[1] ?? '').split(',').map((s) => s.trim().split('=')).filter((kv) => kv.length === 2));
    if (!fields.Credential || !fields.SignedHeaders || !fields.Signature) {
      throw new SigError(400, 'AuthorizationHeaderMalformed', 'Authorization needs Credential, SignedHeaders and Signature');
    }
    ({ Credential: credential, SignedHeaders: signedHeaders, Signature: signature } = fields);
    amzDate = headers.get('x-amz-date')?.[0];
    if (!amzDate) throw new SigError(403, 'AccessDenied', 'x-amz-date header is required');
    const signedAt = parseAmzDate(amzDate, 'x-amz-date');
    if (Math.abs(now - signedAt) > MAX_SKEW_MS) {
      throw new SigError(403, 'RequestTimeTooSkewed', 'The difference between the request time and the server time is too large (15 minutes)');
    }
    payloadHash = headers.get('x-amz-content-sha256')?.[0];
    if (!payloadHash) throw new SigError(400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  }

  const signedList = signedHeaders.split(';');
  if (!signedList.includes('host')) throw new SigError(403, 'AccessDenied', 'the host header must be signed');
  if (!presigned) {
    // S3 rule: every x-amz-* header sent must be covered by the signature.
    const unsigned = [...headers.keys()].filter((h) => h.startsWith('x-amz-') && !signedList.includes(h));
    if (unsigned.length) throw new SigError(403, 'AccessDenied', `There were headers present in the request which were not signed: ${unsigned.join(', ')}`);
  }
  const cred = parseCredential(credential, region, service);
  if (cred.date !== amzDate.slice(0, 8)) throw new SigError(403, 'SignatureDoesNotMatch', 'credential date does not match the request date');
  const secret = lookupSecret(cred.accessKeyId);
  if (secret === undefined) throw new SigError(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records');

  const canonicalRequest = [
    method,
    canonicalUri(rawPath),
    canonicalQuery(pairs, presigned ? 'X-Amz-Signature' : null),
    canonicalHeaders(headers, signedList),
    signedHeaders,
    payloadHash,
  ].join('\n');
  const stringToSign = [ALGORITHM, amzDate, cred.scope, sha256hex(canonicalRequest)].join('\n');
  const expected = createHmac('sha256', signingKey(secret, cred.date, region, service)).update(stringToSign).digest('hex');
  compareSignature(expected, signature);

  // Only after the signature holds: the body must match the hash the client signed.
  if (/^[0-9a-f]{64}$/.test(payloadHash)) {
    if (sha256hex(body) !== payloadHash) throw new SigError(400, 'XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 does not match what was computed');
  } else if (payloadHash.startsWith('STREAMING-')) {
    throw new SigError(501, 'NotImplemented', 'streaming (chunked) SigV4 payloads are not supported by this example');
  } else if (payloadHash !== 'UNSIGNED-PAYLOAD') {
    throw new SigError(400, 'InvalidArgument', 'x-amz-content-sha256 must be a hex SHA-256, UNSIGNED-PAYLOAD or STREAMING-*');
  }
  return { accessKeyId: cred.accessKeyId };
}

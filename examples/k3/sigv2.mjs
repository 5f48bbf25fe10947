// AWS Signature Version 2, query-string form (AWSAccessKeyId, Signature, Expires), as S3 defines it:
// StringToSign = VERB \n Content-MD5 \n Content-Type \n Expires \n CanonicalizedAmzHeaders CanonicalizedResource
// Signature = Base64(HMAC-SHA1(secret, StringToSign)). node:crypto only.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SigError, headerMap } from './sigv4.mjs';

// Sub-resources that belong to the CanonicalizedResource (S3 REST authentication spec).
const SUBRESOURCES = new Set([
  'acl', 'cors', 'delete', 'lifecycle', 'location', 'logging', 'notification', 'partNumber', 'policy',
  'requestPayment', 'tagging', 'torrent', 'uploadId', 'uploads', 'versionId', 'versioning', 'versions', 'website',
  'response-cache-control', 'response-content-disposition', 'response-content-encoding', 'response-content-language',
  'response-content-type', 'response-expires',
]);

export function isSigV2Query(pairs) {
  return pairs.some(([k]) => k === 'AWSAccessKeyId') && pairs.some(([k]) => k === 'Signature');
}

/** Builds the SigV2 string to sign. `rawPath` is the path exactly as sent (already URI-encoded). */
export function stringToSignV2({ method, rawPath, pairs, rawHeaders, expires }) {
  const headers = headerMap(rawHeaders);
  const one = (name) => (headers.get(name) ?? []).join(',').trim();
  const amz = [...headers.keys()].filter((h) => h.startsWith('x-amz-')).sort()
    .map((h) => `${h}:${headers.get(h).map((v) => v.trim()).join(',')}\n`).join('');
  const sub = pairs.filter(([k]) => SUBRESOURCES.has(k)).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k, v]) => (v === '' ? k : `${k}=${v}`));
  const resource = rawPath + (sub.length ? `?${sub.join('&')}` : '');
  return `${method}\n${one('content-md5')}\n${one('content-type')}\n${expires}\n${amz}${resource}`;
}

/** Verifies a SigV2 presigned query. Returns { accessKeyId }. Throws SigError. */
export function verifySigV2Query({ method, rawPath, pairs, rawHeaders, now, lookupSecret }) {
  const q = Object.fromEntries(pairs);
  if (!q.Expires || !/^\d+$/.test(q.Expires)) throw new SigError(403, 'AccessDenied', 'Expires (epoch seconds) is required for query-string authentication');
  if (now > Number(q.Expires) * 1000) throw new SigError(403, 'AccessDenied', 'Request has expired');
  const secret = lookupSecret(q.AWSAccessKeyId);
  if (secret === undefined) throw new SigError(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records');
  const sts = stringToSignV2({ method, rawPath, pairs, rawHeaders, expires: q.Expires });
  const expected = createHmac('sha1', secret).update(sts, 'utf8').digest();
  const presented = Buffer.from(q.Signature, 'base64');
  const same = presented.length === expected.length && timingSafeEqual(presented, expected);
  if (!same) throw new SigError(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided');
  return { accessKeyId: q.AWSAccessKeyId };
}

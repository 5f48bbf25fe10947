// K3 presigned tokens: K3's own query auth (X-K3-Token, X-K3-Expires, X-K3-Org), not an AWS scheme.
//
//   X-K3-Expires = Unix seconds, at most 7 days ahead
//   X-K3-Org     = the organization the URL is for (must be the access key's organization)
//   X-K3-Token   = <access key id> "." base64url(HMAC-SHA256(secret, StringToSign))
//   StringToSign = "K3-PRESIGN-V1" \n METHOD \n path as sent \n canonical query
//   canonical query = every other parameter (X-K3-Token excluded), URI-encoded, sorted, k=v joined by &
//
// Every part is signed: changing the method, the path, any parameter (or adding one) breaks the token.
// node:crypto only. As a command it prints a presigned path?query (for `authctl probe` presigned
// credentials): K3_PRESIGN_AKID=... K3_PRESIGN_SECRET=... K3_PRESIGN_ORG=org-acme node k3token.mjs GET /bucket/key [seconds]
import { createHmac, timingSafeEqual } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { SigError, canonicalQuery, MAX_PRESIGN_EXPIRES } from './sigv4.mjs';

const TOKEN = 'X-K3-Token';

export function isK3Token(pairs) {
  return pairs.some(([k]) => k === TOKEN);
}

function stringToSign(method, rawPath, pairs) {
  return `K3-PRESIGN-V1\n${method}\n${rawPath}\n${canonicalQuery(pairs, TOKEN)}`;
}

const mac = (secret, sts) => createHmac('sha256', secret).update(sts, 'utf8').digest('base64url');

/** A presigned path?query for METHOD rawPath, valid `seconds` from `now`. */
export function presignK3({ method, rawPath, accessKeyId, secret, org, seconds = 900, now = Date.now() }) {
  const pairs = [['X-K3-Expires', String(Math.floor(now / 1000) + seconds)], ['X-K3-Org', org]];
  const token = `${accessKeyId}.${mac(secret, stringToSign(method, rawPath, pairs))}`;
  return `${rawPath}?${canonicalQuery(pairs)}&${TOKEN}=${token}`;
}

/** Verifies a K3 presigned request. Returns { accessKeyId }. Throws SigError (403, S3-style codes). */
export function verifyK3Token({ method, rawPath, pairs, now, lookupSecret, lookupOrg }) {
  const q = Object.fromEntries(pairs);
  const [accessKeyId, signature] = String(q[TOKEN]).split('.');
  if (!accessKeyId || !signature) throw new SigError(403, 'AccessDenied', `${TOKEN} must be <access key id>.<signature>`);
  if (!/^\d+$/.test(q['X-K3-Expires'] ?? '')) throw new SigError(403, 'AccessDenied', 'X-K3-Expires (epoch seconds) is required');
  const expires = Number(q['X-K3-Expires']) * 1000;
  if (now > expires) throw new SigError(403, 'AccessDenied', 'Request has expired');
  if (expires - now > MAX_PRESIGN_EXPIRES * 1000) throw new SigError(403, 'AccessDenied', 'X-K3-Expires is more than 7 days ahead');
  const secret = lookupSecret(accessKeyId);
  if (secret === undefined) throw new SigError(403, 'InvalidAccessKeyId', 'The access key id in X-K3-Token does not exist');
  if (q['X-K3-Org'] !== lookupOrg(accessKeyId)) throw new SigError(403, 'AccessDenied', 'X-K3-Org is not the organization of this access key');
  const expected = Buffer.from(mac(secret, stringToSign(method, rawPath, pairs)));
  const presented = Buffer.from(signature);
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) throw new SigError(403, 'SignatureDoesNotMatch', 'The K3 token does not match the request');
  return { accessKeyId };
}

// As a command: print one presigned path?query.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [method, rawPath, seconds] = process.argv.slice(2);
  const { K3_PRESIGN_AKID: accessKeyId, K3_PRESIGN_SECRET: secret, K3_PRESIGN_ORG: org } = process.env;
  if (!method || !rawPath?.startsWith('/') || !accessKeyId || !secret || !org) {
    process.stderr.write('usage: K3_PRESIGN_AKID=... K3_PRESIGN_SECRET=... K3_PRESIGN_ORG=... node k3token.mjs METHOD /path [seconds]\n');
    process.exit(2);
  }
  process.stdout.write(`${presignK3({ method: method.toUpperCase(), rawPath, accessKeyId, secret, org, seconds: seconds ? Number(seconds) : 900 })}\n`);
}

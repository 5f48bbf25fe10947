// Opaque (reference) access tokens: the claims, encrypted (AES-256-GCM) with a secret derived from
// the issuer's signing key, so only the issuer reads them, through /introspect (RFC 7662) and
// /userinfo, as with Auth0's or Okta's opaque tokens. Nothing is stored: every replica sharing the
// keystore reads every token, and revocation goes through the store's revoked jtis.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { activeSecret, secretOf } from './issuer-secret.js';
import type { IdpDeps, IssuerContext } from './types.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The token for these claims: base64url of kid length, kid, IV, tag and ciphertext (no dots: not a JWT). */
export async function issueOpaqueToken(
  deps: IdpDeps,
  issuer: IssuerContext,
  claims: Record<string, unknown>,
): Promise<string> {
  const { kid, secret } = await activeSecret(deps, issuer, 'opaque-token');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', secret, iv);
  cipher.setAAD(Buffer.from(issuer.url));
  const sealed = Buffer.concat([cipher.update(JSON.stringify(claims)), cipher.final()]);
  const kidBytes = Buffer.from(kid);
  return Buffer.concat([
    Buffer.from([kidBytes.length]),
    kidBytes,
    iv,
    cipher.getAuthTag(),
    sealed,
  ]).toString('base64url');
}

/** The claims of an opaque token of this issuer, unless it is not one, or expired, or revoked. */
export async function opaqueClaims(
  deps: IdpDeps,
  issuer: IssuerContext,
  token: string,
): Promise<Record<string, unknown> | undefined> {
  if (!/^[A-Za-z0-9_-]{60,16384}$/.test(token)) return undefined;
  const bytes = Buffer.from(token, 'base64url');
  const kidEnd = 1 + bytes[0]!;
  const secret = await secretOf(deps, issuer, bytes.subarray(1, kidEnd).toString(), 'opaque-token');
  if (!secret || bytes.length < kidEnd + IV_BYTES + TAG_BYTES) return undefined;
  let claims: Record<string, unknown>;
  try {
    const iv = bytes.subarray(kidEnd, kidEnd + IV_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', secret, iv);
    decipher.setAAD(Buffer.from(issuer.url));
    decipher.setAuthTag(bytes.subarray(kidEnd + IV_BYTES, kidEnd + IV_BYTES + TAG_BYTES));
    const body = bytes.subarray(kidEnd + IV_BYTES + TAG_BYTES);
    claims = JSON.parse(Buffer.concat([decipher.update(body), decipher.final()]).toString());
  } catch {
    return undefined; // another issuer's, tampered with, or not an opaque token at all
  }
  if (typeof claims.exp !== 'number' || deps.clock.now() >= claims.exp * 1000) return undefined;
  if (typeof claims.jti === 'string' && (await deps.store.isJtiRevoked(claims.jti)))
    return undefined;
  return claims;
}

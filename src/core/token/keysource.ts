import { promises as fs } from 'node:fs';
import type { JWK } from 'jose';
import { environmentError, usageError } from '../errors.js';
import type { Keystore } from '../keys/keystore.js';
import { parseKeyMaterial } from '../keys/material.js';

/** Keys a token may be verified with, and where they came from (for messages). */
export interface VerificationKeys {
  jwks: JWK[];
  secrets: { kid?: string; secret: Uint8Array }[];
  source: string;
  /** Issuer announced by OIDC discovery, used when --iss is not given. */
  discoveredIssuer?: string;
}

/** Verification keys from authctl's keystore: its published JWKS, and the HMAC secrets of keys that still verify. */
export async function keysFromKeystore(keystore: Keystore): Promise<VerificationKeys> {
  const { keys } = await keystore.jwks();
  const secrets = (await keystore.list())
    .filter(
      (key) =>
        key.privateJwk.kty === 'oct' && ['active', 'published', 'grace'].includes(key.status),
    )
    .map((key) => ({
      kid: key.kid,
      secret: new Uint8Array(Buffer.from(String(key.privateJwk.k), 'base64url')),
    }));
  return { jwks: keys, secrets, source: `the local keystore (${keystore.file})` };
}

/** Verification keys from a file: a JWKS, one JWK, or a PEM public key or certificate. */
export async function keysFromFile(file: string): Promise<VerificationKeys> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw usageError(
      'ERR_KEY_FILE',
      `cannot read key file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      { where: file, hint: 'check the path' },
    );
  }
  const parsed = parseKeyMaterial(text, file);
  const secrets = parsed
    .filter((k) => k.publicJwk.kty === 'oct')
    .map((k) => ({
      kid: k.publicJwk.kid,
      secret: new Uint8Array(Buffer.from(String(k.publicJwk.k), 'base64url')),
    }));
  return {
    jwks: parsed.filter((k) => k.publicJwk.kty !== 'oct').map((k) => k.publicJwk),
    secrets,
    source: file,
  };
}

export interface FetchOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export async function fetchJson(
  url: string,
  what: string,
  options: FetchOptions = {},
): Promise<unknown> {
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, {
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      headers: { accept: 'application/json' },
    });
  } catch (error) {
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${(options.timeoutMs ?? 5000) / 1000}s`
        : ((error as { cause?: { code?: string; message?: string } }).cause?.code ??
          (error as { cause?: { message?: string } }).cause?.message ??
          (error as Error).message);
    throw environmentError('ERR_FETCH_FAILED', `cannot fetch ${what}: ${reason}`, {
      where: url,
      hint: 'is the issuer running and reachable from here? (`authctl idp serve`, or check the URL)',
    });
  }
  if (!response.ok)
    throw environmentError(
      'ERR_FETCH_STATUS',
      `fetching ${what} answered HTTP ${response.status}`,
      { where: url, hint: 'check the URL; an issuer serves it without authentication' },
    );
  try {
    return await response.json();
  } catch {
    throw environmentError('ERR_FETCH_NOT_JSON', `${what} is not JSON`, {
      where: url,
      hint: 'the URL does not point at a JWKS / discovery document',
    });
  }
}

/** Verification keys fetched from a JWKS URL. */
export async function keysFromJwksUrl(
  url: string,
  options: FetchOptions = {},
): Promise<VerificationKeys> {
  const body = (await fetchJson(url, 'the JWKS', options)) as { keys?: JWK[] };
  if (!Array.isArray(body?.keys))
    throw environmentError('ERR_JWKS_INVALID', 'the document has no "keys" array', {
      where: url,
      hint: 'point {{jwks}} at the jwks_uri from the issuer’s discovery document',
    });
  return { jwks: body.keys, secrets: [], source: url };
}

/** OIDC discovery: accepts the issuer URL or the full .well-known URL. */
export async function keysFromDiscovery(
  url: string,
  options: FetchOptions = {},
): Promise<VerificationKeys> {
  const discoveryUrl = url.includes('/.well-known/')
    ? url
    : `${url.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const doc = (await fetchJson(discoveryUrl, 'the discovery document', options)) as {
    issuer?: string;
    jwks_uri?: string;
  };
  if (!doc?.jwks_uri)
    throw environmentError('ERR_DISCOVERY_INVALID', 'the discovery document has no jwks_uri', {
      where: discoveryUrl,
      hint: 'is this an OpenID Connect issuer?',
    });
  const keys = await keysFromJwksUrl(doc.jwks_uri, options);
  return {
    ...keys,
    source: `${doc.jwks_uri} (from ${discoveryUrl})`,
    discoveredIssuer: doc.issuer,
  };
}

import https from 'node:https';
import type { AuthctlConfig } from '../../../src/core/config/schema.js';
import { createLocalCa, issueServerCert } from '../../../src/core/idp/tls/generate.js';
import { startTestIdp } from '../helpers.js';

/**
 * The vendors' own SDKs refuse a plain-http issuer (MSAL: "authority must be https"; the Okta
 * verifier: "Your Okta URL must start with https"; aws-jwt-verify fetches JWKS with https only).
 * These tests serve the issuer over HTTPS as `idp serve --tls` does: a local CA from
 * src/core/idp/tls/generate.ts and a server certificate for 127.0.0.1, which each client trusts
 * explicitly (no NODE_TLS_REJECT_UNAUTHORIZED).
 */
export interface HttpsIdp {
  /** https://127.0.0.1:PORT */
  origin: string;
  /** The local CA (PEM) clients trust: pass it as `ca`. */
  ca: string;
  close(): Promise<void>;
}

let pki: Promise<{ ca: string; cert: string; key: string }> | undefined;

/** One CA and server certificate per test file (EC P-256: fast, but no need to repeat it). */
function localPki() {
  pki ??= (async () => {
    const now = Date.now();
    const ca = await createLocalCa(now);
    const server = await issueServerCert(ca, ['127.0.0.1'], now);
    return { ca: ca.certPem, cert: server.certPem, key: server.keyPem };
  })();
  return pki;
}

/** The mock issuer over HTTPS on a free loopback port (its issuers publish https URLs). */
export async function startHttpsIdp(
  config: AuthctlConfig,
  options: { vendor?: string; issuerUrl?: string } = {},
): Promise<HttpsIdp> {
  const { ca, cert, key } = await localPki();
  const idp = await startTestIdp(config, {
    tls: { cert, key },
    ...(options.vendor ? { vendor: options.vendor } : {}),
    ...(options.issuerUrl ? { issuerUrl: options.issuerUrl } : {}),
  });
  return { origin: idp.server.listenUrl, ca, close: () => idp.close() };
}

/** One HTTPS request trusting only `ca`: what the SDKs' network hooks are given. */
export function httpsRequest(
  url: string,
  ca: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, ca },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: Object.fromEntries(
              Object.entries(res.headers).map(([k, v]) => [
                k,
                Array.isArray(v) ? v.join(', ') : String(v),
              ]),
            ),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A client_credentials token from an HTTPS issuer's token endpoint (client_secret_post). */
export async function httpsClientCredentials(
  tokenUrl: string,
  ca: string,
  params: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown>; headers: Record<string, string> }> {
  const response = await httpsRequest(tokenUrl, ca, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...params }).toString(),
  });
  return {
    status: response.status,
    body: JSON.parse(response.body) as Record<string, unknown>,
    headers: response.headers,
  };
}

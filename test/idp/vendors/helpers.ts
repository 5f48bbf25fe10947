import { webcrypto } from 'node:crypto';
import { rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as x509 from '@peculiar/x509';
import type { AuthctlConfig } from '../../../src/core/config/schema.js';
import { createIdpHandler } from '../../../src/core/idp/handler.js';
import { createIdpDeps } from '../../../src/core/idp/server.js';
import type { IdpDeps } from '../../../src/core/idp/types.js';
import { seededHome } from '../helpers.js';

/**
 * The vendors' own SDKs refuse a plain-http issuer (MSAL: "authority must be https"; the Okta
 * verifier: "Your Okta URL must start with https"; aws-jwt-verify fetches JWKS with https only).
 * These helpers serve the real issuer handler over HTTPS with a throwaway self-signed
 * certificate for 127.0.0.1, which each client trusts explicitly (no NODE_TLS_REJECT_UNAUTHORIZED).
 * `authctl idp serve --tls` (issue #18 part 2) will make this the CLI's job.
 */
export interface HttpsIdp {
  /** https://127.0.0.1:PORT */
  origin: string;
  /** The certificate (PEM) clients trust: pass it as `ca`. */
  ca: string;
  deps: IdpDeps;
  close(): Promise<void>;
}

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

async function selfSigned(): Promise<{ cert: string; key: string }> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=authctl vendor tests',
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 24 * 3600_000),
    signingAlgorithm: alg,
    keys,
    extensions: [
      new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }]),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const key = `-----BEGIN PRIVATE KEY-----\n${pkcs8
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trim()}\n-----END PRIVATE KEY-----\n`;
  return { cert: cert.toString('pem'), key };
}

/** The mock issuer's handler over HTTPS on a free loopback port (its issuers publish https URLs). */
export async function startHttpsIdp(
  config: AuthctlConfig,
  options: { vendor?: string; issuerUrl?: (origin: string) => string } = {},
): Promise<HttpsIdp> {
  const { cert, key } = await selfSigned();
  const home = await seededHome();
  let handler: ReturnType<typeof createIdpHandler> | undefined;
  const server = https.createServer({ cert, key }, (req, res) => {
    if (handler) void handler(req, res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const deps = createIdpDeps({
    config,
    home,
    baseUrl: options.issuerUrl?.(origin) ?? origin,
    vendor: options.vendor,
  });
  deps.settings.loopbackOnly = true;
  handler = createIdpHandler(deps);
  return {
    origin,
    ca: cert,
    deps,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      rmSync(home, { recursive: true, force: true });
    },
  };
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
              Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]),
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

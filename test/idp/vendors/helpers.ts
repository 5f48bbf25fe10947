import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { AuthctlConfig } from '../../../src/core/config/schema.js';
import { createIdpHandler } from '../../../src/core/idp/handler.js';
import { createIdpDeps } from '../../../src/core/idp/server.js';
import type { IdpDeps } from '../../../src/core/idp/types.js';
import { tempDir } from '../../helpers/cli.js';
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

/**
 * A throwaway self-signed certificate for 127.0.0.1 from the openssl CLI (installed by .ci/run).
 * TODO(#18.2): once `idp serve --tls` is on main, use its generator (src/core/idp/tls/) instead.
 */
function selfSigned(): { cert: string; key: string } {
  const dir = tempDir('authctl-vendor-tls-');
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']
        .concat(['-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')])
        .concat(['-days', '1', '-subj', '/CN=authctl vendor tests'])
        .concat([
          '-addext',
          'subjectAltName=IP:127.0.0.1',
          '-addext',
          'extendedKeyUsage=serverAuth',
        ]),
      { stdio: 'pipe' },
    );
    return {
      cert: readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
      key: readFileSync(path.join(dir, 'key.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The mock issuer's handler over HTTPS on a free loopback port (its issuers publish https URLs). */
export async function startHttpsIdp(
  config: AuthctlConfig,
  options: { vendor?: string; issuerUrl?: (origin: string) => string } = {},
): Promise<HttpsIdp> {
  const { cert, key } = selfSigned();
  const home = await seededHome();
  // The port comes first (the issuer URL names it), the handler right after.
  const ready: { handler?: ReturnType<typeof createIdpHandler> } = {};
  const server = https.createServer({ cert, key }, (req, res) => {
    if (ready.handler) void ready.handler(req, res);
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
  ready.handler = createIdpHandler(deps);
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

import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { auth, requiredScopes } from 'express-oauth2-jwt-bearer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { startIdpProcess, type IdpProcess } from '../helpers/idp-process.js';

/**
 * End to end: `authctl idp serve` issues tokens, a service built on express-oauth2-jwt-bearer
 * (a widely used JWT middleware) verifies them via OIDC discovery, and `authctl probe` uses
 * "idp" credentials fetched from the issuer's token endpoint.
 */

// express ships no types (no @types/express here): the few shapes this test uses.
interface Request {
  params: Record<string, string>;
  auth?: { payload: Record<string, unknown> };
}
interface Response {
  status(code: number): Response;
  set(headers: Record<string, string>): Response;
  json(body: unknown): void;
  end(): void;
}
type NextFunction = (error?: unknown) => void;
type Handler = (req: Request, res: Response, next: NextFunction) => void;
interface App {
  get(path: string, ...handlers: Handler[]): void;
  delete(path: string, ...handlers: Handler[]): void;
  use(
    handler: (
      err: { status?: number; headers?: Record<string, string> },
      req: Request,
      res: Response,
      next: NextFunction,
    ) => void,
  ): void;
  listen(port: number, host: string, callback: () => void): Server;
}
const moduleName = 'express';
const express = ((await import(moduleName)) as { default: () => App }).default;

const AUDIENCE = 'api://orders';
let dir: string;
let idp: IdpProcess;
let issuer: string;
let tokenUrl: string;
let server: Server;
let serviceUrl: string;

const CONFIG = `
[token]
tenant_claim = "/tid"
roles_claim = "/roles"

[idp]
audience = "${AUDIENCE}"

[idp.clients.reader]
secret = "reader-secret"
grants = ["client_credentials"]
tenant = "acme"
roles = ["viewer"]

[idp.clients.admin]
secret = "admin-secret"
grants = ["client_credentials"]
tenant = "acme"
roles = ["admin"]
scopes = ["orders:delete"]
`;

function startService(): Promise<string> {
  const app = express();
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  const checkJwt: Handler = auth({
    issuerBaseURL: issuer,
    audience: AUDIENCE,
    tokenSigningAlg: 'RS256',
  });
  const tenantAndRole =
    (roles: string[]): Handler =>
    (req: Request, res: Response, next: NextFunction) => {
      const payload = req.auth!.payload as { tid?: string; roles?: string[] };
      if (payload.tid !== req.params.tenant)
        return void res.status(403).json({ error: 'forbidden' });
      if (!(payload.roles ?? []).some((r) => roles.includes(r)))
        return void res.status(403).json({ error: 'forbidden' });
      next();
    };
  app.get(
    '/v1/tenants/:tenant/orders',
    checkJwt,
    tenantAndRole(['viewer', 'admin']),
    (req, res) => {
      res.json({ tenant: req.params.tenant, items: [] });
    },
  );
  app.delete(
    '/v1/tenants/:tenant/orders/:id',
    checkJwt,
    requiredScopes('orders:delete') as Handler,
    tenantAndRole(['admin']),
    (_req, res) => {
      res.status(204).end();
    },
  );
  // Errors from the middleware carry status and WWW-Authenticate; never send a stack trace.
  app.use(
    (
      err: { status?: number; headers?: Record<string, string> },
      _req: Request,
      res: Response,
      _next: NextFunction,
    ) => {
      res
        .status(err.status ?? 500)
        .set(err.headers ?? {})
        .json({ error: err.status === 403 ? 'forbidden' : 'unauthorized' });
    },
  );
  return new Promise((resolve) => {
    server = app.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    );
  });
}

beforeAll(async () => {
  dir = tempDir('authctl-probe-e2e-');
  writeFileSync(path.join(dir, 'authctl.toml'), CONFIG);
  idp = await startIdpProcess(dir);
  ({ issuer, token: tokenUrl } = idp.info);
  serviceUrl = await startService();
});

afterAll(async () => {
  await idp?.stop();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

describe('probe against express-oauth2-jwt-bearer with tokens from authctl idp serve', () => {
  it('runs every case end to end and reports only what the middleware really does', async () => {
    writeFileSync(
      path.join(dir, 'probe.toml'),
      `
base_url = "${serviceUrl}"

[credentials.reader]
type = "idp"
token_url = "${tokenUrl}"
client_id = "reader"
client_secret = "reader-secret"
params = { audience = "${AUDIENCE}" }

[credentials.admin]
type = "idp"
token_url = "${tokenUrl}"
client_id = "admin"
client_secret = "admin-secret"
scope = "orders:delete"
params = { audience = "${AUDIENCE}" }

[[endpoints]]
path = "/healthz"
public = true

[[endpoints]]
path = "/v1/tenants/{tenant}/orders"
tenant = "acme"
allow = ["reader", "admin"]

[[endpoints]]
method = "DELETE"
path = "/v1/tenants/{tenant}/orders/42"
tenant = "acme"
scopes = ["orders:delete"]
allow = ["admin"]
deny = ["reader"]
`,
    );
    const result = await runCli(['probe', '--json'], {
      cwd: dir,
      env: { AUTHCTL_HOME: path.join(dir, '.authctl') },
      timeoutMs: 60_000,
    });
    const report = JSON.parse(result.stdout);
    // The claim defects were signed by the issuer's own key (same keystore), so they ran.
    const ran = new Set(report.cases.map((c: { case: string }) => c.case));
    for (const id of [
      'jwt:expired',
      'jwt:wrong-audience',
      'jwt:wrong-issuer',
      'tenant:other',
      'tenant:spoofed-header',
      'scope:missing',
      'jwt:jku',
      'deny:reader',
    ])
      expect(ran.has(id), id).toBe(true);
    const serious = report.findings.filter((f: { severity: string }) => f.severity !== 'warning');
    expect(serious, JSON.stringify(serious, null, 2)).toEqual([]);
    expect(result.code).toBe(0);
    // express-oauth2-jwt-bearer's default clock tolerance is 5 s.
    expect(report.skew.toleratedSeconds).toBeGreaterThanOrEqual(3);
    expect(report.skew.toleratedSeconds).toBeLessThanOrEqual(6);
  });
});

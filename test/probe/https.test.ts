import https from 'node:https';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalCa, issueServerCert } from '../../src/core/idp/tls/generate.js';
import { Keystore } from '../../src/core/keys/keystore.js';
import { HttpClient } from '../../src/core/probe/http.js';
import { runCli, tempDir } from '../helpers/cli.js';
import {
  forwardTo,
  startJwksServer,
  startOrdersService,
  type RunningService,
} from './fixtures/orders-service.js';
import { AUDIENCE, ISSUER, minimalSpec } from './fixtures/spec.js';

/**
 * A service behind https:// (node:https is loaded only for one, core/node.ts `builtin`): the CLI
 * probes it end to end, trusting the test CA through NODE_EXTRA_CA_CERTS as a user's CI would.
 */
let dir: string;
let keystore: Keystore;
let jwks: RunningService;
let orders: RunningService;
let front: https.Server;
let frontUrl: string;
let caFile: string;

beforeAll(async () => {
  dir = tempDir('authctl-probe-https-');
  keystore = new Keystore({ dir: path.join(dir, 'home') });
  await keystore.signingKey('RS256');
  jwks = await startJwksServer(() => keystore.jwks());
  orders = await startOrdersService({ jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE });
  const ca = await createLocalCa(Date.now());
  const server = await issueServerCert(ca, ['127.0.0.1'], Date.now());
  caFile = path.join(dir, 'ca.pem');
  writeFileSync(caFile, ca.certPem);
  // TLS in front of the plain service: every request forwarded as it came.
  const target = new URL(orders.url);
  front = https.createServer({ key: server.keyPem, cert: server.certPem }, (req, res) =>
    forwardTo(target, req, res),
  );
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  frontUrl = `https://127.0.0.1:${(front.address() as AddressInfo).port}`;
});

afterAll(async () => {
  front.closeAllConnections();
  await new Promise((resolve) => front.close(resolve));
  await Promise.all([orders.close(), jwks.close()]);
});

describe('probe of an https:// service', () => {
  it('runs the whole matrix over TLS when the CA is trusted', async () => {
    writeFileSync(path.join(dir, 'probe.toml'), minimalSpec(frontUrl));
    const result = await runCli(['probe', '--spec', 'probe.toml', '--json'], {
      cwd: dir,
      env: { AUTHCTL_HOME: keystore.dir, NODE_EXTRA_CA_CERTS: caFile },
      timeoutMs: 60_000,
    });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { status: string; summary: { requests: number } };
    expect(report.status).toBe('ok');
    expect(report.summary.requests).toBeGreaterThan(20);
  });

  it('speaks TLS: an untrusted certificate is a connection error, not an HTTP answer', async () => {
    const client = new HttpClient({ baseUrl: frontUrl, timeoutMs: 5000, retries: 0 });
    try {
      await expect(client.send({ method: 'GET', path: '/healthz', headers: {} })).rejects.toThrow(
        /certificate|self.signed|UNABLE_TO_VERIFY/i,
      );
    } finally {
      client.close();
    }
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import { environmentError } from '../errors.js';

/** The attacker JWKS the jku forgery points at, served by the probe itself on loopback. */
export interface JkuServer {
  url: string;
  /** How many times the service fetched the attacker keys (any fetch is itself a finding). */
  hits: () => number;
  close: () => Promise<void>;
}

export async function startJkuServer(
  jwks: { keys: JWK[] },
  host = '127.0.0.1',
): Promise<JkuServer> {
  let hits = 0;
  const body = JSON.stringify(jwks);
  const server = http.createServer((req, res) => {
    hits++;
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        environmentError(
          'ERR_PROBE_JKU_SERVER',
          `cannot serve the attacker JWKS: ${(error as Error).message}`,
          { hint: 'exclude the jku case with exclude = ["jwt:jku"]' },
        ),
      ),
    );
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/.well-known/jwks.json`,
    hits: () => hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

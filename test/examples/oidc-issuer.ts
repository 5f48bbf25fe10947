// A tiny in-test OpenID Connect issuer (node:http + jose): discovery, a JWKS that tests can rotate,
// and a fetch counter. Independent of authctl's own mock issuer on purpose.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  SignJWT,
  exportJWK,
  generateKeyPair,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';

export interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

export async function makeKey(kid: string, alg = 'RS256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

export class TestIssuer {
  server!: Server;
  url = '';
  published: SigningKey[] = [];
  jwksFetches = 0;
  discoveryFetches = 0;
  /** When set, discovery advertises this `issuer` instead of the real URL (mix-up tests). */
  advertisedIssuer: string | undefined;

  async start(keys: SigningKey[]): Promise<this> {
    this.published = keys;
    this.server = createServer((req, res) => {
      const send = (body: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.url === '/.well-known/openid-configuration') {
        this.discoveryFetches += 1;
        return send({
          issuer: this.advertisedIssuer ?? this.url,
          jwks_uri: `${this.url}/keys`,
          id_token_signing_alg_values_supported: ['RS256', 'ES256'],
        });
      }
      if (req.url === '/keys') {
        this.jwksFetches += 1;
        return send({ keys: this.published.map((k) => k.jwk) });
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** Signs claims with `key` (iss defaults to this issuer; exp to 5 minutes). */
  async mint(
    key: SigningKey,
    claims: JWTPayload,
    header: Record<string, unknown> = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: this.url, iat: now, exp: now + 300, ...claims })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header })
      .sign(key.privateKey);
  }
}

/** A port on 127.0.0.1 that nothing listens on (for "issuer unreachable"). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthctlConfig } from '../../../src/core/config/schema.js';
import type { IdpIssuerConfig, IdpVendor } from '../../../src/core/idp/config.js';
import { codeFlow, discover, REDIRECT, startTestIdp, type TestIdp } from '../helpers.js';

export const CLIENT = { id: 'orders-app', secret: 's3cret-orders' };

/** The clients and users every vendor test uses. */
export function vendorConfig(id: string, issuer: IdpIssuerConfig): AuthctlConfig {
  return {
    idp: {
      issuers: { [id]: issuer },
      clients: {
        [CLIENT.id]: {
          secret: CLIENT.secret,
          redirect_uris: [REDIRECT],
          roles: ['orders.admin'],
        },
      },
      users: { alice: { password: 'pw', roles: ['viewer'], email: 'alice@example.test' } },
    },
  };
}

export interface VendorCase {
  vendor: IdpVendor;
  /** Its `[idp.issuers.ID]` table id and fields (vendor is added). */
  id: string;
  issuer?: Omit<IdpIssuerConfig, 'vendor'>;
  /** The issuer identifier, byte for byte, for the server's origin. */
  issuerUrl(origin: string): string;
  /** Discovery fields and the URLs the vendor serves them at. */
  endpoints(origin: string): Record<string, string>;
  /** Discovery fields this vendor does not have (neither advertised nor served). */
  absent: string[];
  /** A client_credentials token's header and claims, as the vendor's. */
  accessToken(header: Record<string, unknown>, claims: JWTPayload): void;
  /** The token endpoint's answer to a wrong client secret. */
  errorBody(body: Record<string, unknown>, headers: Headers): void;
}

/**
 * What every vendor must do with a real client: its discovery document at its own path, with its
 * issuer byte for byte; client_credentials and authorization code + PKCE with openid-client (which
 * checks issuer, iss and the ID token); tokens verified with jose against the advertised JWKS;
 * its error body shape; and none of authctl's own paths under it.
 */
export function vendorBasics(c: VendorCase): { idp: () => TestIdp } {
  let idp: TestIdp;
  let origin: string;
  let issuer: string;
  beforeAll(async () => {
    idp = await startTestIdp(vendorConfig(c.id, { ...c.issuer, vendor: c.vendor }));
    origin = new URL(idp.url).origin;
    issuer = c.issuerUrl(origin);
  });
  afterAll(() => idp.close());

  describe(`vendor ${c.vendor}: paths, issuer, flows`, () => {
    it('serves its discovery document at its own path, with its endpoint paths and issuer', async () => {
      const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
      expect(response.status).toBe(200);
      const doc = (await response.json()) as Record<string, unknown>;
      expect(doc.issuer).toBe(issuer);
      expect(doc).toMatchObject(c.endpoints(origin));
      for (const field of c.absent) expect(doc[field], field).toBeUndefined();
      // Every advertised endpoint is served (a GET may be refused, never 404).
      for (const [field, url] of Object.entries(c.endpoints(origin))) {
        const served = await fetch(url, { redirect: 'manual' });
        expect(served.status, `${field} ${url}`).not.toBe(404);
      }
    });

    it('client_credentials with openid-client; the token verifies against the advertised JWKS', async () => {
      const config = await discover(issuer, CLIENT.id, CLIENT.secret);
      const tokens = await client.clientCredentialsGrant(config, { scope: 'orders.read' });
      const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!));
      const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer });
      c.accessToken(decodeProtectedHeader(tokens.access_token), payload);
    });

    it('authorization code + PKCE with openid-client, then userinfo', async () => {
      const config = await discover(issuer, CLIENT.id, CLIENT.secret);
      const { tokens } = await codeFlow(config, {
        scope: 'openid profile email',
        form: { username: 'alice' },
      });
      const claims = tokens.claims()!;
      expect(claims.iss).toBe(issuer);
      const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
      expect(info.sub).toBe(claims.sub);
    });

    it('answers a wrong client secret in its own error shape', async () => {
      const response = await fetch(c.endpoints(origin).token_endpoint!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: CLIENT.id,
          client_secret: 'wrong',
        }),
      });
      expect(response.status).toBe(401);
      c.errorBody((await response.json()) as Record<string, unknown>, response.headers);
    });

    it("does not serve authctl's own paths under it", async () => {
      const base = issuer.replace(/\/$/, '');
      for (const path of ['/token', '/jwks'])
        expect((await fetch(`${base}${path}`, { method: 'POST' })).status, path).toBe(404);
    });
  });
  return { idp: () => idp };
}

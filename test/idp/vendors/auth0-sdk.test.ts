// The Auth0 Node SDK (`auth0`, its AuthenticationClient from `auth0/legacy`: v7 keeps the v4
// authentication API there) pointed at `authctl idp serve --vendor auth0 --tls` by its `domain`
// alone, trusting the issuer's local CA through NODE_EXTRA_CA_CERTS, in a process of its own.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../../helpers/cli.js';
import { startIdpProcess, type IdpProcess } from '../../helpers/idp-process.js';

import { httpsRequest } from './helpers.js';

const SDK_CLIENT = path.join(ROOT, 'test/idp/vendors/fixtures/auth0-sdk.mjs');
const CLIENT = { id: 'orders-app', secret: 's3cret-orders' };
const CONFIG = {
  idp: {
    clients: { [CLIENT.id]: { secret: CLIENT.secret, grants: ['client_credentials', 'password'] } },
    users: { alice: { password: 'pw', email: 'alice@example.test' } },
  },
};

interface Outcome {
  ok?: Record<string, string>;
  error?: string;
}

describe('vendor auth0: the Auth0 Node SDK (AuthenticationClient) over https', () => {
  let dir: string;
  let idp: IdpProcess;
  let ca: string;
  let result: { credentials: Outcome; password: Outcome; otherName: Outcome };

  beforeAll(async () => {
    dir = tempDir('authctl-auth0-sdk-');
    idp = await startIdpProcess(dir, ['--vendor', 'auth0', '--tls'], {
      AUTHCTL_CONFIG_INLINE: JSON.stringify(CONFIG),
    });
    const caFile = String(idp.info.caCert);
    ca = readFileSync(caFile, 'utf8');
    const { port } = new URL(idp.info.issuer);
    const sdk = spawnSync(process.execPath, [SDK_CLIENT], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: caFile,
        DOMAIN: `127.0.0.1:${port}`,
        OTHER_DOMAIN: `localhost:${port}`,
        CLIENT_ID: CLIENT.id,
        CLIENT_SECRET: CLIENT.secret,
      },
    });
    expect(sdk.status, sdk.stderr).toBe(0);
    result = JSON.parse(sdk.stdout);
  }, 90_000);
  afterAll(async () => {
    await idp?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("publishes Auth0's issuer form: https://DOMAIN/ with its slash", () => {
    expect(idp.info.issuer).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('gets an access token with clientCredentialsGrant that verifies against the JWKS', async () => {
    expect(result.credentials.error).toBeUndefined();
    const token = result.credentials.ok!.access_token!;
    const jwks = JSON.parse(
      (await httpsRequest(`${idp.info.issuer}.well-known/jwks.json`, ca)).body,
    ) as JSONWebKeySet;
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
      issuer: idp.info.issuer,
      audience: 'https://orders.example/',
    });
    expect(payload).toMatchObject({ azp: CLIENT.id });
  });

  it('returns an id_token from passwordGrant that the SDK validated (iss, aud, alg, signature)', () => {
    expect(result.password.error).toBeUndefined();
    expect(result.password.ok).toHaveProperty('id_token');
    const [, body] = result.password.ok!.id_token!.split('.');
    expect(JSON.parse(Buffer.from(body!, 'base64url').toString())).toMatchObject({
      iss: idp.info.issuer,
      aud: CLIENT.id,
      sub: 'alice',
    });
  });

  it("fails the SDK's own id_token validation when the domain it was given is not the issuer's", () => {
    expect(result.otherName.error).toMatch(/Issuer \(iss\) claim mismatch/);
  });
});

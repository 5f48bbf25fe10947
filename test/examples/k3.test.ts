// k3 example: bearer JWT, SigV4 (header + presigned, signed by aws4 and @smithy/signature-v4), SigV2 query,
// tenant headers derived from the credential, public probes, suspended orgs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { SignatureV4 } from '@smithy/signature-v4';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { tempDir } from '../helpers/cli.js';
import { killAll, request, startExample, type RunningExample } from './helpers.js';

const ACME = { accessKeyId: 'AKIAK3TESTACME', secretAccessKey: 'acme-secret-0123456789abcdefghij' };
const FROZEN = {
  accessKeyId: 'AKIAK3TESTFROZEN',
  secretAccessKey: 'frozen-secret-0123456789abcdefgh',
};
const REGION = 'eu-central-1';

let k3: RunningExample;
let open: RunningExample;
let host: string;
let jwtKey: CryptoKey;

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** node:http, not fetch: the path goes on the wire exactly as signed (no dot-segment normalisation). */
function raw(opts: {
  method?: string;
  path: string;
  headers?: Record<string, string | number>;
  body?: string;
}): Promise<Raw> {
  const url = new URL(k3.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: opts.method ?? 'GET',
        path: opts.path,
        headers: opts.headers,
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

// aws4 ships no types; this is the slice of its API the tests use.
const aws4 = createRequire(import.meta.url)('aws4') as {
  sign(request: object, credentials: object): unknown;
};

type Signable = {
  method?: string;
  path: string;
  headers?: Record<string, string | number>;
  body?: string;
  signQuery?: boolean;
};
function signV4(req: Signable, creds = ACME): Signable {
  return aws4.sign(
    { host, service: 's3', region: REGION, ...req, headers: { ...req.headers } },
    creds,
  ) as Signable;
}

const code = (r: Raw) => /<Code>([^<]+)<\/Code>/.exec(r.text)?.[1];

/** The Checksum constructor @smithy/signature-v4 wants, backed by node:crypto. */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: SourceData) =>
  typeof d === 'string'
    ? d
    : ArrayBuffer.isView(d)
      ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength)
      : new Uint8Array(d);
class Sha256 {
  private h: Hash | Hmac;
  constructor(private secret?: SourceData) {
    this.h = this.make();
  }
  private make() {
    return this.secret ? createHmac('sha256', bytes(this.secret)) : createHash('sha256');
  }
  update(data: SourceData) {
    this.h.update(bytes(data));
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
  reset() {
    this.h = this.make();
  }
}

const smithy = () =>
  new SignatureV4({
    service: 's3',
    region: REGION,
    credentials: ACME,
    sha256: Sha256,
    uriEscapePath: false,
  });

async function bearer(claims: Record<string, unknown>) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: 'k3-test' })
    .setIssuer('https://sso.k3.test')
    .setAudience('k3')
    .setSubject('svc-1')
    .setExpirationTime('5m')
    .sign(jwtKey);
}

beforeAll(async () => {
  const dir = tempDir('k3-');
  const pair = await generateKeyPair('ES256', { extractable: true });
  jwtKey = pair.privateKey;
  const jwks = path.join(dir, 'jwks.json');
  writeFileSync(
    jwks,
    JSON.stringify({
      keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k3-test', alg: 'ES256' }],
    }),
  );
  const ids = path.join(dir, 'identities.json');
  writeFileSync(
    ids,
    JSON.stringify({
      orgs: {
        'org-acme': { name: 'Acme', status: 'active' },
        'org-beta': { name: 'Beta', status: 'active' },
        'org-frozen': { name: 'Frozen', status: 'suspended' },
      },
      access_keys: {
        [ACME.accessKeyId]: { secret: ACME.secretAccessKey, org: 'org-acme' },
        [FROZEN.accessKeyId]: { secret: FROZEN.secretAccessKey, org: 'org-frozen' },
      },
    }),
  );
  [k3, open] = await Promise.all([
    startExample('k3', {
      env: {
        K3_IDENTITIES_FILE: ids,
        K3_JWKS_FILE: jwks,
        K3_JWT_ISSUER: 'https://sso.k3.test',
        K3_JWT_AUDIENCE: 'k3',
        K3_REGION: REGION,
      },
    }),
    startExample('k3', { env: { K3_AUTH_ENABLED: 'false', K3_IDENTITIES_FILE: ids } }),
  ]);
  host = new URL(k3.url).host;
  const seeded = await raw(signV4({ method: 'PUT', path: '/photos/t.txt', body: 'seeded' }));
  if (seeded.status !== 200)
    throw new Error(`seeding /photos/t.txt failed: ${seeded.status} ${seeded.text}`);
});

afterAll(async () => {
  const codes = await Promise.all([k3?.stop(), open?.stop()]);
  expect(
    codes.every((c) => c === 0),
    'graceful SIGTERM exit codes',
  ).toBe(true);
  killAll();
});

describe('k3: public endpoints and missing credentials', () => {
  it('probes and /metrics need no auth; everything else is 401', async () => {
    for (const p of ['/health', '/healthz', '/ready', '/readyz', '/metrics'])
      expect((await raw({ path: p })).status).toBe(200);
    const r = await raw({ path: '/bucket/key' });
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toBe('Bearer realm="k3"');
  });
});

describe('k3: bearer JWT', () => {
  it('200 and tenant headers from the org claim, ignoring what the client sent', async () => {
    const token = await bearer({ org_id: 'org-acme' });
    const r = await raw({
      path: '/_whoami',
      headers: {
        authorization: `Bearer ${token}`,
        'x-organization-id': 'org-beta',
        'x-organization-status': 'active',
      },
    });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text).organization).toEqual({
      id: 'org-acme',
      name: 'Acme',
      status: 'active',
    });
  });

  it('401 invalid_token for a bad token; 403 for a suspended, unknown or missing org', async () => {
    const bad = await raw({ path: '/b/k', headers: { authorization: 'Bearer e30.e30.sig' } });
    expect(bad.status).toBe(401);
    expect(bad.headers['www-authenticate']).toContain('error="invalid_token"');
    for (const claims of [{ org_id: 'org-frozen' }, { org_id: 'org-nowhere' }, {}]) {
      expect(
        (await raw({ path: '/b/k', headers: { authorization: `Bearer ${await bearer(claims)}` } }))
          .status,
      ).toBe(403);
    }
  });

  it('400, not 500, for a malformed percent-encoding in the key', async () => {
    const r = await raw({
      path: '/b/%E0%A4%A',
      headers: { authorization: `Bearer ${await bearer({ org_id: 'org-acme' })}` },
    });
    expect(r.status).toBe(400);
  });

  it('objects are isolated per organization', async () => {
    const acme = { authorization: `Bearer ${await bearer({ org_id: 'org-acme' })}` };
    const beta = { authorization: `Bearer ${await bearer({ org_id: 'org-beta' })}` };
    expect(
      (await raw({ method: 'PUT', path: '/shared/secret.txt', headers: acme, body: 'acme data' }))
        .status,
    ).toBe(200);
    expect((await raw({ path: '/shared/secret.txt', headers: acme })).text).toBe('acme data');
    expect((await raw({ path: '/shared/secret.txt', headers: beta })).status).toBe(404);
  });
});

describe('k3: SigV4 header auth', () => {
  it('accepts aws4-signed PUT and GET, including encoded and dot-segment paths (no normalisation)', async () => {
    const put = await raw(
      signV4({
        method: 'PUT',
        path: '/photos/a%20b/caf%C3%A9%20(1).txt',
        body: 'hello',
        headers: { 'content-type': 'text/plain' },
      }),
    );
    expect(put.status).toBe(200);
    const get = await raw(
      signV4({ path: '/photos/a%20b/caf%C3%A9%20(1).txt?x-id=GetObject&a=b%2Fc' }),
    );
    expect(get.status).toBe(200);
    expect(get.text).toBe('hello');
    const dots = await raw(signV4({ path: '/photos/x/../y//z' }));
    expect(code(dots)).toBe('NoSuchKey'); // authenticated (404), not SignatureDoesNotMatch
  });

  it('accepts a request signed by @smithy/signature-v4', async () => {
    const url = new URL(k3.url);
    const signed = await smithy().sign({
      // The path as the AWS SDK's S3 serializer hands it to the signer: already RFC 3986-encoded.
      method: 'GET',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/photos/a%20b/caf%C3%A9%20%281%29.txt',
      query: { 'list-type': '2', prefix: 'a b' },
      headers: { host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    });
    const r = await raw({
      path: `${signed.path}?list-type=2&prefix=a%20b`,
      headers: signed.headers,
    });
    expect(r.status).toBe(200);
    expect(r.text).toBe('hello');
  });

  it('rejects tampering: path, body, unsigned x-amz header, wrong secret, unknown key', async () => {
    const signed = signV4({ method: 'PUT', path: '/photos/t.txt', body: 'original' });
    expect(code(await raw({ ...signed, path: '/photos/u.txt' }))).toBe('SignatureDoesNotMatch');
    const body = await raw({ ...signed, body: 'tampered' });
    expect([body.status, code(body)]).toEqual([400, 'XAmzContentSHA256Mismatch']);
    const extra = await raw({ ...signed, headers: { ...signed.headers, 'x-amz-meta-evil': '1' } });
    expect([extra.status, code(extra)]).toEqual([403, 'AccessDenied']);
    const wrongSecret = await raw(
      signV4({ path: '/photos/t.txt' }, { ...ACME, secretAccessKey: 'nope' }),
    );
    expect([wrongSecret.status, code(wrongSecret)]).toEqual([403, 'SignatureDoesNotMatch']);
    const unknown = await raw(
      signV4({ path: '/photos/t.txt' }, { accessKeyId: 'AKIANOBODY', secretAccessKey: 'x' }),
    );
    expect([unknown.status, code(unknown)]).toEqual([403, 'InvalidAccessKeyId']);
  });

  it('rejects a 20-minute-old x-amz-date, a wrong region, and a missing x-amz-content-sha256', async () => {
    const old = new Date(Date.now() - 20 * 60_000).toISOString().replace(/[:-]|\.\d{3}/g, '');
    const skewed = await raw(signV4({ path: '/photos/t.txt', headers: { 'X-Amz-Date': old } }));
    expect([skewed.status, code(skewed)]).toEqual([403, 'RequestTimeTooSkewed']);
    const region = await raw(
      aws4.sign(
        { host, service: 's3', region: 'us-west-2', path: '/photos/t.txt' },
        ACME,
      ) as Signable,
    );
    expect([region.status, code(region)]).toEqual([400, 'AuthorizationHeaderMalformed']);
    const signed = signV4({ path: '/photos/t.txt' });
    const headers = Object.fromEntries(
      Object.entries(signed.headers!).filter(([k]) => k.toLowerCase() !== 'x-amz-content-sha256'),
    );
    const r = await raw({ path: '/photos/t.txt', headers });
    expect([r.status, code(r)]).toEqual([400, 'InvalidRequest']);
  });

  it('rejects a suspended organization with 403 even with a valid signature', async () => {
    const r = await raw(signV4({ path: '/photos/t.txt' }, FROZEN));
    expect([r.status, code(r)]).toEqual([403, 'AccountSuspended']);
  });
});

describe('k3: presigned URLs', () => {
  it('accepts an aws4 presigned GET and rejects a tampered one', async () => {
    const signed = signV4({ path: '/photos/a%20b/caf%C3%A9%20(1).txt', signQuery: true });
    const ok = await raw({ path: signed.path });
    expect([ok.status, ok.text]).toEqual([200, 'hello']);
    const tampered = await raw({ path: signed.path.replace('caf%C3%A9', 'cafe') });
    expect(code(tampered)).toBe('SignatureDoesNotMatch');
    const badSig = await raw({
      path: signed.path.replace(
        /X-Amz-Signature=[0-9a-f]/,
        (m) => `${m.slice(0, -1)}${m.endsWith('0') ? '1' : '0'}`,
      ),
    });
    expect(code(badSig)).toBe('SignatureDoesNotMatch');
  });

  it('rejects an expired presign (smithy, signed an hour ago for 60 s)', async () => {
    const url = new URL(k3.url);
    // As @aws-sdk/s3-request-presigner does: the payload is UNSIGNED-PAYLOAD.
    const req = {
      method: 'GET',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/photos/t.txt',
      query: {},
      headers: { host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    };
    const qs = (q: Record<string, unknown> = {}) =>
      Object.entries(q)
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
        .join('&');
    const fresh = await smithy().presign(req, { expiresIn: 60 });
    expect(
      (await raw({ path: `/photos/a%20b/caf%C3%A9%20(1).txt?${qs(fresh.query)}` })).status,
    ).toBe(403); // signed for another path
    const freshOk = await raw({ path: `/photos/t.txt?${qs(fresh.query)}` });
    expect(freshOk.status).toBe(200);
    const expired = await smithy().presign(req, {
      expiresIn: 60,
      signingDate: new Date(Date.now() - 3600_000),
    });
    const r = await raw({ path: `/photos/t.txt?${qs(expired.query)}` });
    expect([r.status, code(r)]).toEqual([403, 'AccessDenied']);
    expect(r.text).toContain('Request has expired');
  });
});

describe('k3: SigV2 query auth', () => {
  // An independent SigV2 signer, straight from the S3 spec (HMAC-SHA1 over the string to sign).
  const v2 = (resource: string, expires: number, secret = ACME.secretAccessKey) => {
    const sig = createHmac('sha1', secret)
      .update(`GET\n\n\n${expires}\n${resource}`)
      .digest('base64');
    return `${resource}?AWSAccessKeyId=${ACME.accessKeyId}&Expires=${expires}&Signature=${encodeURIComponent(sig)}`;
  };

  it('accepts a valid signature; rejects expired, wrong-secret and tampered ones', async () => {
    const future = Math.floor(Date.now() / 1000) + 120;
    const ok = await raw({ path: v2('/photos/t.txt', future) });
    expect(ok.status).toBe(200);
    const expired = await raw({ path: v2('/photos/t.txt', Math.floor(Date.now() / 1000) - 10) });
    expect([expired.status, code(expired)]).toEqual([403, 'AccessDenied']);
    expect(code(await raw({ path: v2('/photos/t.txt', future, 'wrong') }))).toBe(
      'SignatureDoesNotMatch',
    );
    expect(
      code(
        await raw({
          path: v2('/photos/t.txt', future).replace(`Expires=${future}`, `Expires=${future + 1}`),
        }),
      ),
    ).toBe('SignatureDoesNotMatch');
  });
});

describe('k3: K3_AUTH_ENABLED=false (pass-through)', () => {
  it('requires caller-supplied tenant headers and still rejects suspended orgs', async () => {
    expect((await request(`${open.url}/b/k`)).status).toBe(400);
    expect(
      (await request(`${open.url}/b/k`, { headers: { 'x-organization-id': 'org-acme' } })).status,
    ).toBe(404);
    expect(
      (await request(`${open.url}/b/k`, { headers: { 'x-organization-id': 'org-frozen' } })).status,
    ).toBe(403);
  });
});

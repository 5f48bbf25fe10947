// k3 end to end: requests signed by `authctl sign` (SigV4 header, presigned, SigV2 query) are
// accepted by k3's own node:crypto verifier, tampered ones are refused with S3's error codes, bearer
// tokens come from `authctl token mint` against the mock issuer's JWKS, and the probe runs with
// SigV4 and JWT credentials.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authctl,
  bearer,
  call,
  copyWith,
  EXAMPLES,
  mint,
  parseJson,
  show,
  startIdp,
  startService,
  stopStarted,
  tempDir,
  type Idp,
  type Proc,
} from './helpers.js';

const ACME = {
  AWS_ACCESS_KEY_ID: 'AKIAK3EXAMPLEACME',
  AWS_SECRET_ACCESS_KEY: 'k3-example-secret-acme-do-not-use-in-prod',
};
const FROZEN = {
  AWS_ACCESS_KEY_ID: 'AKIAK3EXAMPLEFROZEN',
  AWS_SECRET_ACCESS_KEY: 'k3-example-secret-frozen-do-not-use-in-prod',
};
let dir: string;
let idp: Idp;
let k3: Proc & { url: string };

/** `authctl sign` with credentials from the environment, as a CI job would have them. */
const sign = (args: string[], creds: Record<string, string> = ACME) =>
  authctl(['sign', ...args, '--region', 'us-east-1', '--service', 's3'], {
    home: dir,
    env: { ...creds, AWS_SESSION_TOKEN: undefined, AWS_PROFILE: undefined, AWS_REGION: undefined },
  });
const s3Code = (xml: string) => /<Code>([^<]+)<\/Code>/.exec(xml)?.[1];

beforeAll(async () => {
  dir = tempDir('authctl-e2e-k3-');
  idp = await startIdp(dir);
  k3 = await startService('k3', {
    env: {
      K3_IDENTITIES_FILE: path.join(EXAMPLES, 'k3', 'identities.example.json'),
      K3_JWKS_URL: idp.jwks,
      K3_JWT_ISSUER: idp.issuer,
      K3_JWT_AUDIENCE: 'k3',
    },
  });
});

afterAll(async () => {
  await stopStarted();
});

describe.concurrent('k3', () => {
  it('accepts a PUT and GET signed by `authctl sign --send`, and the derived tenant header', async () => {
    const put = await sign(['PUT', `${k3.url}/e2e-sign/hello.txt`, '-d', 'hello k3', '--send']);
    expect(put.code, show(put)).toBe(0);
    expect(put.stdout).toMatch(/^HTTP 200/);
    expect(put.stdout).toMatch(/x-organization-id: org-acme/i);
    const get = await sign(['GET', `${k3.url}/e2e-sign/hello.txt`, '--send', '-i']);
    expect(get.code, show(get)).toBe(0);
    expect(get.stdout).toContain('hello k3');
  });

  it('accepts headers from `authctl sign --json`, and refuses them once tampered', async () => {
    const url = `${k3.url}/e2e-headers/doc.txt`;
    const r = await sign(['PUT', url, '-d', 'signed body', '--json']);
    expect(r.code, show(r)).toBe(0);
    const signed = parseJson(r) as { method: string; url: string; headers: Record<string, string> };
    const { host: _host, ...headers } = signed.headers;
    const ok = await call(url, { method: 'PUT', headers, body: 'signed body' });
    expect(ok.status, ok.text).toBe(200);

    const otherBody = await call(url, { method: 'PUT', headers, body: 'tampered body' });
    expect(otherBody.status).toBe(400);
    expect(s3Code(otherBody.text)).toBe('XAmzContentSHA256Mismatch');
    const otherPath = await call(`${k3.url}/e2e-headers/other.txt`, {
      method: 'PUT',
      headers,
      body: 'signed body',
    });
    expect(otherPath.status).toBe(403);
    expect(s3Code(otherPath.text)).toBe('SignatureDoesNotMatch');
    const otherSignature = headers.authorization!.replace(
      /Signature=([0-9a-f])/,
      (_m, c: string) => `Signature=${c === '0' ? '1' : '0'}`,
    );
    const forged = await call(url, {
      method: 'PUT',
      headers: { ...headers, authorization: otherSignature },
      body: 'signed body',
    });
    expect(s3Code(forged.text)).toBe('SignatureDoesNotMatch');
    // Tenant headers from the client are discarded: the credential decides.
    const { host: _h, ...whoami } = parseJson(await sign(['GET', `${k3.url}/_whoami`, '--json']))
      .headers as Record<string, string>;
    const spoof = await call(`${k3.url}/_whoami`, {
      headers: { ...whoami, 'x-organization-id': 'org-frozen' },
    });
    expect(spoof.status, spoof.text).toBe(200);
    expect(spoof.text).toContain('org-acme');
    expect(spoof.text).not.toContain('org-frozen');
  });

  it('accepts a presigned URL from `authctl sign --presign`; a tampered or expired one is refused', async () => {
    expect(
      (await sign(['PUT', `${k3.url}/e2e-presign/a.txt`, '-d', 'presigned', '--send'])).code,
    ).toBe(0);
    const r = await sign(['GET', `${k3.url}/e2e-presign/a.txt`, '--presign', '--expires', '5m']);
    expect(r.code, show(r)).toBe(0);
    const url = r.stdout.trim();
    expect(url).toContain('X-Amz-Signature=');
    const ok = await call(url);
    expect(ok.status, ok.text).toBe(200);
    expect(ok.text).toBe('presigned');

    const longer = await call(url.replace('X-Amz-Expires=300', 'X-Amz-Expires=604800'));
    expect(longer.status).toBe(403);
    expect(s3Code(longer.text)).toBe('SignatureDoesNotMatch');
    const otherKey = await call(url.replace('/a.txt?', '/b.txt?'));
    expect(s3Code(otherKey.text)).toBe('SignatureDoesNotMatch');
    // Signed an hour ago for 60 s: expired, whatever the signature.
    const old = new Date(Date.now() - 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const expired = await sign([
      'GET',
      `${k3.url}/e2e-presign/a.txt`,
      '--presign',
      '--expires',
      '60',
      '--date',
      old,
    ]);
    const late = await call(expired.stdout.trim());
    expect(late.status).toBe(403);
    expect(s3Code(late.text)).toBe('AccessDenied');
  });

  it('accepts SigV2 query auth from `authctl sign --sigv2`; a changed Expires is refused', async () => {
    expect((await sign(['PUT', `${k3.url}/e2e-v2/legacy.txt`, '-d', 'v2', '--send'])).code).toBe(0);
    const r = await sign(['GET', `${k3.url}/e2e-v2/legacy.txt`, '--sigv2', '--expires', '5m']);
    expect(r.code, show(r)).toBe(0);
    const url = r.stdout.trim();
    expect(url).toContain('AWSAccessKeyId=AKIAK3EXAMPLEACME');
    const ok = await call(url);
    expect(ok.status, ok.text).toBe(200);
    expect(ok.text).toBe('v2');
    const extended = await call(
      url.replace(/Expires=(\d+)/, (_m, n: string) => `Expires=${Number(n) + 3600}`),
    );
    expect(extended.status).toBe(403);
    expect(s3Code(extended.text)).toBe('SignatureDoesNotMatch');
  });

  it('refuses a wrong secret, an unknown access key and a suspended organization (and `sign --send` exits 1)', async () => {
    const wrong = await sign(['GET', `${k3.url}/_whoami`, '--send', '-i'], {
      ...ACME,
      AWS_SECRET_ACCESS_KEY: 'not-the-secret',
    });
    expect(wrong.code).toBe(1);
    expect(s3Code(wrong.stdout)).toBe('SignatureDoesNotMatch');
    expect(wrong.stdout + wrong.stderr).not.toContain('not-the-secret');
    const unknown = await sign(['GET', `${k3.url}/_whoami`, '--send', '-i'], {
      ...ACME,
      AWS_ACCESS_KEY_ID: 'AKIAUNKNOWN0000000',
    });
    expect(s3Code(unknown.stdout)).toBe('InvalidAccessKeyId');
    const frozen = await sign(['GET', `${k3.url}/_whoami`, '--send', '-i'], FROZEN);
    expect(frozen.code).toBe(1);
    expect(s3Code(frozen.stdout)).toBe('AccountSuspended');
  });

  it('accepts a bearer token from `authctl token mint` with the org claim; refuses it without', async () => {
    const [good, orgless, stranger] = await Promise.all([
      mint(dir, [
        '--iss',
        idp.issuer,
        '--aud',
        'k3',
        '--sub',
        'alice',
        '--claim',
        'org_id=org-acme',
      ]),
      mint(dir, ['--iss', idp.issuer, '--aud', 'k3', '--sub', 'alice']),
      mint(dir, [
        '--iss',
        idp.issuer,
        '--aud',
        'k3',
        '--sub',
        'eve',
        '--claim',
        'org_id=org-unknown',
      ]),
    ]);
    const who = await call(`${k3.url}/_whoami`, { headers: bearer(good) });
    expect(who.status, who.text).toBe(200);
    expect(who.text).toContain('Acme Corp');
    expect((await call(`${k3.url}/_whoami`, { headers: bearer(orgless) })).status).toBe(403);
    expect((await call(`${k3.url}/_whoami`, { headers: bearer(stranger) })).status).toBe(403);
    const none = await call(`${k3.url}/_whoami`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer realm="k3"/);
    for (const p of ['/health', '/healthz', '/ready', '/readyz', '/metrics'])
      expect((await call(`${k3.url}${p}`)).status, p).toBe(200);
  });

  it('probe with SigV4 (header and presigned) and JWT credentials passes, with a JUnit report', async () => {
    const spec = copyWith(path.join(EXAMPLES, 'k3', 'probe.toml'), path.join(dir, 'probe.toml'), {
      'http://127.0.0.1:9400': idp.issuer,
    });
    const r = await authctl(
      ['probe', '--spec', spec, '--base-url', k3.url, '--junit', 'k3-probe.xml', '--json'],
      {
        home: dir,
        env: {
          K3_ACME_AKID: ACME.AWS_ACCESS_KEY_ID,
          K3_ACME_SECRET: ACME.AWS_SECRET_ACCESS_KEY,
          K3_FROZEN_AKID: FROZEN.AWS_ACCESS_KEY_ID,
          K3_FROZEN_SECRET: FROZEN.AWS_SECRET_ACCESS_KEY,
        },
      },
    );
    expect(r.code, show(r)).toBe(0);
    const report = parseJson(r);
    expect(report.summary.failed).toBe(0);
    const checks = new Set((report.cases as Array<{ check: string }>).map((c) => c.check));
    // SigV4 tampering, JWT forgeries and the suspended org all ran, not just the controls.
    for (const check of [
      'sigv4:wrong-secret',
      'sigv4:expired-presign',
      'jwt:alg-none',
      'jwt:expired',
      'deny',
    ])
      expect(
        [...checks].some((c) => c.startsWith(check)),
        check,
      ).toBe(true);
    expect(r.stdout).not.toContain(ACME.AWS_SECRET_ACCESS_KEY);
  });

  it('probe of SigV4 and SigV2 presigned URLs from `authctl sign` (type = "presigned"): every tampered part is refused', async () => {
    for (const [key, body] of [
      ['v4.txt', 'v4'],
      ['v2.txt', 'v2'],
    ] as const)
      expect(
        (await sign(['PUT', `${k3.url}/e2e-probe-presign/${key}`, '-d', body, '--send'])).code,
      ).toBe(0);
    const v4 = await sign([
      'GET',
      `${k3.url}/e2e-probe-presign/v4.txt`,
      '--presign',
      '--expires',
      '5m',
    ]);
    const v2 = await sign([
      'GET',
      `${k3.url}/e2e-probe-presign/v2.txt`,
      '--sigv2',
      '--expires',
      '5m',
    ]);
    const spec = path.join(dir, 'probe-s3-presigned.toml');
    writeFileSync(
      spec,
      `base_url = "${k3.url}"\n\n` +
        ['sigv4', 'sigv2']
          .map(
            (scheme) =>
              `[credentials.${scheme}]\ntype = "presigned"\nscheme = "${scheme}"\nurl_env = "${scheme.toUpperCase()}_URL"\n`,
          )
          .join('\n') +
        ['v4', 'v2']
          .map(
            (v) => `\n[[endpoints]]\npath = "/e2e-probe-presign/${v}.txt"\nallow = ["sig${v}"]\n`,
          )
          .join(''),
    );
    const r = await authctl(
      ['probe', '--spec', spec, '--base-url', k3.url, '--no-skew', '--strict', '--json'],
      {
        home: dir,
        env: { SIGV4_URL: v4.stdout.trim(), SIGV2_URL: v2.stdout.trim() },
      },
    );
    expect(r.code, show(r)).toBe(0);
    const cases = (
      parseJson(r).cases as Array<{ case: string; passed?: boolean; endpoint: string }>
    ).filter((c) => c.case.startsWith('presign:'));
    const of = (v: string) =>
      cases
        .filter((c) => c.endpoint === `GET /e2e-probe-presign/${v}.txt`)
        .map((c) => c.case)
        .sort();
    // Each X-Amz-* parameter changed and removed (S3 answers a malformed one 400, a refusal too).
    expect(of('v4')).toEqual(
      expect.arrayContaining([
        'presign:param-added',
        'presign:param-removed:X-Amz-Date',
        'presign:param:X-Amz-Credential',
        'presign:signature-truncated',
        'presign:expires-later',
      ]),
    );
    expect(of('v4')).toHaveLength(16);
    // SigV2's base64 signature is truncated decoded (a cut %2F would be a broken URL, not a shorter
    // signature); the added parameter is a signed response-* override, as SigV2 signs no other.
    expect(of('v2')).toEqual([
      'presign:expires-later',
      'presign:method',
      'presign:param-added',
      'presign:param-removed:AWSAccessKeyId',
      'presign:param-removed:Expires',
      'presign:param:AWSAccessKeyId',
      'presign:param:Expires',
      'presign:path',
      'presign:signature-recased',
      'presign:signature-truncated',
    ]);
    expect(cases.every((c) => c.passed)).toBe(true);
    expect(r.stdout).not.toContain(ACME.AWS_SECRET_ACCESS_KEY);
  });

  it('probe of K3 presigned tokens (probe-presigned.toml, URL from k3token.mjs): every tampered part is refused', async () => {
    // Run in place: the spec's command (node k3token.mjs ...) runs in the spec's directory.
    const spec = path.join(EXAMPLES, 'k3', 'probe-presigned.toml');
    const r = await authctl(['probe', '--spec', spec, '--base-url', k3.url, '--json'], {
      home: dir,
      env: {
        K3_PRESIGN_AKID: ACME.AWS_ACCESS_KEY_ID,
        K3_PRESIGN_SECRET: ACME.AWS_SECRET_ACCESS_KEY,
        K3_PRESIGN_ORG: 'org-acme',
      },
    });
    expect(r.code, show(r)).toBe(0);
    const report = parseJson(r);
    // K3 presigned tokens: every tampered part was sent and refused.
    const k3token = (
      report.cases as Array<{ case: string; passed?: boolean; endpoint: string }>
    ).filter((c) => c.endpoint === 'GET /k3-token-bucket' && c.case.startsWith('presign:'));
    expect(k3token.map((c) => c.case).sort()).toEqual([
      'presign:expires-later',
      'presign:method',
      'presign:param-added',
      'presign:param-removed:X-K3-Expires',
      'presign:param-removed:X-K3-Org',
      'presign:param:X-K3-Expires',
      'presign:param:X-K3-Org',
      'presign:path',
      'presign:signature-recased',
      'presign:signature-truncated',
      'presign:tenant-swapped',
    ]);
    expect(k3token.every((c) => c.passed)).toBe(true);
    expect(r.stdout).not.toContain(ACME.AWS_SECRET_ACCESS_KEY);
  });
});

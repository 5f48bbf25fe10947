// CLI tests: spawn the built binary (npm run build first).
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHttpRequest, verifySignedRequest } from '../../src/core/sigv4/index.js';
import { runCli, tempDir } from '../helpers/cli.js';

const vectors = JSON.parse(
  readFileSync(path.join(import.meta.dirname, '../fixtures/sigv4/extra-vectors.json'), 'utf8'),
);
const S3_KEY = 'AKIAIOSFODNN7EXAMPLE';
const S3_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const home = tempDir('authctl-sigv4-home-');
// A clean environment: no real AWS credentials or profiles leak into the tests.
const env = {
  HOME: home,
  AWS_ACCESS_KEY_ID: S3_KEY,
  AWS_SECRET_ACCESS_KEY: S3_SECRET,
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_REGION: undefined,
  AWS_DEFAULT_REGION: undefined,
  AWS_SHARED_CREDENTIALS_FILE: undefined,
};
const cwd = tempDir('authctl-sigv4-cwd-');
const run = (
  args: string[],
  extra: { env?: Record<string, string | undefined>; input?: string; cwd?: string } = {},
) => runCli(args, { cwd: extra.cwd ?? cwd, env: { ...env, ...extra.env }, input: extra.input });

const range = vectors.s3_sigv4_header[0];
const S3_ARGS = [
  'https://examplebucket.s3.amazonaws.com/test.txt',
  '-H',
  'Range: bytes=0-9',
  '--region',
  'us-east-1',
  '--service',
  's3',
  '--date',
  '2013-05-24T00:00:00Z',
];

describe('authctl sign / sigv4 sign', () => {
  it('prints the headers to add, identical for the alias and the full command', async () => {
    const alias = await run(['sign', 'GET', ...S3_ARGS]);
    const full = await run(['sigv4', 'sign', 'GET', ...S3_ARGS]);
    expect(alias.code).toBe(0);
    expect(alias.stdout).toBe(full.stdout);
    expect(alias.stdout).toContain(
      `Authorization: AWS4-HMAC-SHA256 Credential=${S3_KEY}/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=${range.signature}\n`,
    );
    expect(alias.stdout).toContain('X-Amz-Date: 20130524T000000Z\n');
    expect(alias.stdout).not.toContain('Range:');
  });
  it('--output json has the canonical request, string to sign, signature and every header', async () => {
    for (const flag of [['--output', 'json'], ['--json']]) {
      const r = await run(['sign', ...S3_ARGS, ...flag]);
      expect(r.code).toBe(0);
      const json = JSON.parse(r.stdout);
      expect(json.canonicalRequest).toBe(range.canonicalRequest);
      expect(json.stringToSign).toBe(range.stringToSign);
      expect(json.signature).toBe(range.signature);
      expect(json.headers).toMatchObject({
        host: 'examplebucket.s3.amazonaws.com',
        range: 'bytes=0-9',
        'x-amz-date': '20130524T000000Z',
      });
      expect(json.headers.authorization).toContain(range.signature);
    }
  });
  it('--output curl is a complete command line; X-Amz-Date form of --date works too', async () => {
    const r = await run(['sign', ...S3_ARGS.slice(0, -1), '20130524T000000Z', '--output', 'curl']);
    expect(r.stdout.trim()).toMatch(
      /^curl -H 'Range: bytes=0-9' -H 'X-Amz-Date: 20130524T000000Z' .* 'https:\/\/examplebucket\.s3\.amazonaws\.com\/test\.txt'$|^curl .* https:\/\/examplebucket\.s3\.amazonaws\.com\/test\.txt$/,
    );
    expect(r.stdout).toContain(`Signature=${range.signature}`);
  });
  it('signs a body from a file (POST by default) and from stdin', async () => {
    writeFileSync(path.join(cwd, 'body.txt'), 'Welcome to Amazon S3.');
    const put = vectors.s3_sigv4_header[1];
    const args = [
      'https://examplebucket.s3.amazonaws.com/test%24file.text',
      '-X',
      'PUT',
      '-H',
      'Date: Fri, 24 May 2013 00:00:00 GMT',
      '-H',
      'x-amz-storage-class: REDUCED_REDUNDANCY',
      '--region',
      'us-east-1',
      '--service',
      's3',
      '--date',
      '20130524T000000Z',
      '--json',
    ];
    const fromFile = await run(['sign', ...args, '--data', '@body.txt']);
    expect(JSON.parse(fromFile.stdout).signature).toBe(put.signature);
    const fromStdin = await run(['sign', ...args, '--data', '-'], {
      input: 'Welcome to Amazon S3.',
    });
    expect(JSON.parse(fromStdin.stdout).signature).toBe(put.signature);
    const post = await run([
      'sign',
      'https://h.example.com/',
      '--data',
      'x=1',
      '--region',
      'us-east-1',
      '--service',
      'execute-api',
      '--json',
    ]);
    expect(JSON.parse(post.stdout).canonicalRequest.startsWith('POST\n')).toBe(true);
  });
  it('reads credentials from ~/.aws/credentials and from an authctl [sigv4.NAME] profile', async () => {
    mkdirSync(path.join(home, '.aws'), { recursive: true });
    writeFileSync(
      path.join(home, '.aws', 'credentials'),
      `[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = nope\n\n[docs]\naws_access_key_id = ${S3_KEY}\naws_secret_access_key = ${S3_SECRET}\n`,
    );
    const fromFile = await run(['sign', ...S3_ARGS, '--profile', 'docs', '--json'], {
      env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
    });
    expect(JSON.parse(fromFile.stdout).signature).toBe(range.signature);
    const project = tempDir('authctl-sigv4-project-');
    writeFileSync(
      path.join(project, 'authctl.toml'),
      `[sigv4.k3]\naccess_key_id = "${S3_KEY}"\nsecret_access_key_env = "K3_SECRET"\nregion = "us-east-1"\nservice = "s3"\n`,
    );
    const fromConfig = await run(
      [
        'sign',
        'https://examplebucket.s3.amazonaws.com/test.txt',
        '-H',
        'Range: bytes=0-9',
        '--date',
        '20130524T000000Z',
        '--profile',
        'k3',
        '--json',
      ],
      {
        cwd: project,
        env: {
          AWS_ACCESS_KEY_ID: undefined,
          AWS_SECRET_ACCESS_KEY: undefined,
          K3_SECRET: S3_SECRET,
        },
      },
    );
    expect(fromConfig.code).toBe(0);
    expect(JSON.parse(fromConfig.stdout).signature).toBe(range.signature);
    // endpoint: a path-only URL is resolved against the profile's endpoint
    writeFileSync(
      path.join(project, 'authctl.toml'),
      `[sigv4.k3]\naccess_key_id = "${S3_KEY}"\nsecret_access_key = "${S3_SECRET}"\nregion = "us-east-1"\nservice = "s3"\nendpoint = "https://examplebucket.s3.amazonaws.com/"\n`,
    );
    const relative = await run(
      [
        'sign',
        '/test.txt',
        '-H',
        'Range: bytes=0-9',
        '--date',
        '20130524T000000Z',
        '--profile',
        'k3',
        '--json',
      ],
      { cwd: project },
    );
    expect(JSON.parse(relative.stdout)).toMatchObject({
      signature: range.signature,
      url: 'https://examplebucket.s3.amazonaws.com/test.txt',
    });
    const unknown = await run(['sign', ...S3_ARGS, '--profile', 'nope'], { cwd: project });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no SigV4 profile "nope".*\n.*hint:.*k3/);
  });
  it('never prints the secret, and masks it in --verbose', async () => {
    const r = await run([
      'sign',
      ...S3_ARGS,
      '--verbose',
      '--session-token',
      'SESSIONTOKEN1234567890',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('canonical request:');
    expect(r.stderr).not.toContain(S3_SECRET);
    expect(r.stderr).not.toContain('SESSIONTOKEN1234567890');
    expect(r.stdout).not.toContain(S3_SECRET);
  });
  it('bad URL, header, date, expiry, missing region or credentials: exit 2 with a hint', async () => {
    const cases: Array<[string[], RegExp, Record<string, string | undefined>?]> = [
      [
        ['sign', 'example.com/x', '--region', 'us-east-1', '--service', 's3'],
        /not an absolute http\(s\) URL.*\(URL\)/,
      ],
      [['sign', ...S3_ARGS, '-H', 'no-colon'], /invalid header "no-colon" \(-H\)/],
      [['sign', ...S3_ARGS.slice(0, -1), '2013-05-24 00:00'], /invalid signing date .*\(--date\)/],
      [['sigv4', 'presign', ...S3_ARGS, '--expires', '604801'], /604800.*\(--expires\)/],
      [['sigv4', 'presign', ...S3_ARGS, '--expires', 'soon'], /invalid --expires/],
      [['sign', 'https://h/', '--service', 's3'], /no signing region \(--region\)/],
      [
        ['sign', ...S3_ARGS],
        /no AWS credentials/,
        { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, HOME: tempDir() },
      ],
      [['sign', ...S3_ARGS, '--as', 'xml'], /unknown output form "xml" \(--as\)/],
    ];
    for (const [args, message, extraEnv] of cases) {
      const r = await run(args, { env: extraEnv });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/hint:/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('authctl sigv4 presign', () => {
  const p = vectors.s3_sigv4_presign[0];
  it('prints the presigned URL alone on stdout (also sign --presign)', async () => {
    const args = [
      'https://examplebucket.s3.amazonaws.com/test.txt',
      '--region',
      'us-east-1',
      '--service',
      's3',
      '--date',
      '20130524T000000Z',
      '--expires',
      '86400',
    ];
    const r = await run(['sigv4', 'presign', ...args]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${p.url}\n`);
    const viaSign = await run(['sign', ...args, '--presign']);
    expect(viaSign.stdout).toBe(`${p.url}\n`);
    const json = JSON.parse(
      (await run(['sigv4', 'presign', ...args, '--expires', '1d', '--json'])).stdout,
    );
    expect(json).toMatchObject({
      url: p.url,
      signature: p.signature,
      expiresAt: '2013-05-25T00:00:00.000Z',
    });
  });
  it('--sigv2 gives the S3 SigV2 query URL of the docs', async () => {
    const v = vectors.s3_sigv2_query[0];
    const date = new Date((v.expires - 900) * 1000).toISOString();
    const r = await run([
      'sigv4',
      'presign',
      `https://${v.host}${v.path}`,
      '--sigv2',
      '--date',
      date,
      '--expires',
      '900',
    ]);
    expect(r.stdout).toBe(`${v.url}\n`);
    // A lifetime of 0 would give a URL expired before it is used.
    const zero = await run([
      'sigv4',
      'presign',
      `https://${v.host}${v.path}`,
      '--sigv2',
      '--expires',
      '0',
    ]);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(
      /SigV2 lifetime must be a whole number of seconds, at least 1, got 0 \(--expires\)/,
    );
  });
});

describe('authctl sigv4 verify', () => {
  async function signedFile(extra: string[] = []): Promise<string> {
    const r = await run([
      'sign',
      'PUT',
      'https://k3.example.com:9000/bucket/key.txt?tagging',
      '-H',
      'Content-Type: text/plain',
      '--data',
      'hello',
      '--region',
      'us-east-1',
      '--service',
      's3',
      '--date',
      '2015-08-30T12:36:00Z',
      '--json',
      ...extra,
    ]);
    const json = JSON.parse(r.stdout);
    const file = path.join(cwd, `req-${Math.random().toString(36).slice(2)}.http`);
    writeFileSync(
      file,
      `PUT /bucket/key.txt?tagging HTTP/1.1\n${Object.entries(json.headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n')}\n\nhello`,
    );
    return file;
  }
  it('exit 0 when the signature matches, 1 with the reason when it does not', async () => {
    const file = await signedFile();
    const ok = await run(['sigv4', 'verify', file, '--now', '2015-08-30T12:40:00Z']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/signature: matches/);
    const wrong = await run([
      'sigv4',
      'verify',
      file,
      '--now',
      '2015-08-30T12:40:00Z',
      '--secret-key',
      'not-the-secret',
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/DOES NOT MATCH/);
    expect(wrong.stdout).toMatch(/SIGNATURE_MISMATCH/);
    const skewed = await run(['sigv4', 'verify', file, '--now', '2015-08-30T13:00:00Z']);
    expect(skewed.code).toBe(1);
    expect(skewed.stdout).toMatch(/beyond the 15-minute window/);
  });
  it('shows signatures shortened, never the secret', async () => {
    const file = await signedFile();
    const json = JSON.parse(
      (await run(['sigv4', 'verify', file, '--no-check-time', '--json'])).stdout,
    );
    const human = await run(['sigv4', 'verify', file, '--no-check-time']);
    expect(human.stdout).toContain(json.expectedSignature.slice(0, 8));
    expect(human.stdout).not.toContain(json.expectedSignature);
    expect(human.stdout + human.stderr).not.toContain(S3_SECRET);
  });
  it('reads a curl command, stdin, and a presigned URL argument', async () => {
    const curl = (
      await run([
        'sign',
        'https://k3.example.com/b/k',
        '--region',
        'us-east-1',
        '--service',
        's3',
        '--date',
        '2015-08-30T12:36:00Z',
        '--output',
        'curl',
      ])
    ).stdout;
    writeFileSync(path.join(cwd, 'curl.txt'), curl);
    expect((await run(['sigv4', 'verify', 'curl.txt', '--now', '2015-08-30T12:36:00Z'])).code).toBe(
      0,
    );
    expect(
      (await run(['sigv4', 'verify', '-', '--now', '2015-08-30T12:36:00Z'], { input: curl })).code,
    ).toBe(0);
    const url = (
      await run([
        'sigv4',
        'presign',
        'https://k3.example.com/b/k',
        '--region',
        'us-east-1',
        '--service',
        's3',
        '--date',
        '2015-08-30T12:36:00Z',
        '--expires',
        '60',
      ])
    ).stdout.trim();
    expect((await run(['sigv4', 'verify', url, '--now', '2015-08-30T12:36:30Z'])).code).toBe(0);
    const expired = await run(['sigv4', 'verify', url, '--now', '2015-08-30T12:40:00Z']);
    expect(expired.code).toBe(1);
    expect(expired.stdout).toMatch(/presigned URL expired 3 min ago/);
    const tampered = await run([
      'sigv4',
      'verify',
      url.replace('/b/k', '/b/other'),
      '--now',
      '2015-08-30T12:36:30Z',
    ]);
    expect(tampered.code).toBe(1);
  });
  it("diffs the canonical request against the service's SignatureDoesNotMatch body", async () => {
    const file = await signedFile();
    const json = JSON.parse(
      (await run(['sigv4', 'verify', file, '--no-check-time', '--json'])).stdout,
    );
    const theirs = json.canonicalRequest.replace('host:k3.example.com:9000', 'host:k3.example.com');
    writeFileSync(
      path.join(cwd, 'error.xml'),
      `<Error><Code>SignatureDoesNotMatch</Code><CanonicalRequest>${theirs}</CanonicalRequest></Error>`,
    );
    const r = await run([
      'sigv4',
      'verify',
      file,
      '--no-check-time',
      '--server-error',
      'error.xml',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^- header host +host:k3\.example\.com:9000$/m);
    expect(r.stdout).toMatch(/^\+ header host +host:k3\.example\.com$/m);
    expect(r.stdout).toMatch(/CANONICAL_REQUEST_DIFFERS/);
  });
  it('bad input: exit 2', async () => {
    expect((await run(['sigv4', 'verify', 'missing.http'])).code).toBe(2);
    writeFileSync(path.join(cwd, 'unsigned.http'), 'GET / HTTP/1.1\nHost: h\n');
    const r = await run(['sigv4', 'verify', 'unsigned.http']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no AWS signature/);
  });
});

describe('authctl sign --send', () => {
  let server: Server;
  let base = '';
  let lastPath = '';
  beforeAll(async () => {
    // A tiny S3-like endpoint: checks the signature and answers like S3 does.
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        lastPath = req.url!;
        const raw = `${req.method} ${req.url} HTTP/1.1\n${Object.entries(req.headers)
          .map(([k, v]) => `${k}: ${v}`)
          .join('\n')}\n\n${Buffer.concat(chunks).toString()}`;
        // "behind a proxy": the service sees another Host than the client signed.
        let seen = req.url!.includes('proxied')
          ? raw.replace(/^host: .*$/m, 'host: internal.local')
          : raw;
        // "a proxy swapped the session token": the service saw (and echoes) another token.
        if (req.url!.includes('token-swap'))
          seen = seen.replace(
            /^x-amz-security-token: .*$/m,
            'x-amz-security-token: TheServiceSawThisOtherToken0123',
          );
        const result = verifySignedRequest(parseHttpRequest(seen), {
          secretAccessKey: S3_SECRET,
          checkTime: false,
        });
        if (result.valid) {
          res.writeHead(200, { 'content-type': 'text/plain', 'x-served-by': 'test' });
          res.end('object body');
        } else {
          res.writeHead(403, { 'content-type': 'application/xml' });
          res.end(
            `<Error><Code>SignatureDoesNotMatch</Code><CanonicalRequest>${result.canonicalRequest}</CanonicalRequest></Error>`,
          );
        }
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  it('sends the request exactly as signed and prints status and headers (body with -i, -o)', async () => {
    const r = await run([
      'sign',
      `${base}/bucket/a/../key`,
      '--region',
      'us-east-1',
      '--service',
      's3',
      '--send',
    ]);
    expect(r.code).toBe(0);
    expect(lastPath).toBe('/bucket/a/../key');
    expect(r.stdout).toMatch(/^HTTP 200 OK\n/);
    expect(r.stdout).toMatch(/x-served-by: test/i);
    expect(r.stdout).not.toContain('object body');
    const withBody = await run([
      'sign',
      `${base}/bucket/key`,
      '--region',
      'us-east-1',
      '--service',
      's3',
      '--send',
      '-i',
    ]);
    expect(withBody.stdout).toContain('object body');
    const toFile = await run([
      'sign',
      `${base}/bucket/key`,
      '--region',
      'us-east-1',
      '--service',
      's3',
      '--send',
      '-o',
      'out.bin',
    ]);
    expect(toFile.code).toBe(0);
    expect(readFileSync(path.join(cwd, 'out.bin'), 'utf8')).toBe('object body');
  });
  it('sends SigV2 query-signed and SigV4 presigned requests too', async () => {
    const v2 = await run(['sign', `${base}/bucket/key`, '--sigv2', '--send']);
    expect(v2.stdout).toMatch(/^HTTP 200 OK\n/);
    expect(lastPath).toMatch(
      /^\/bucket\/key\?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=\d+&Signature=/,
    );
    const presigned = await run([
      'sigv4',
      'presign',
      `${base}/bucket/key`,
      '--region',
      'us-east-1',
      '--service',
      's3',
      '--send',
    ]);
    expect(presigned.stdout).toMatch(/^HTTP 200 OK\n/);
    expect(lastPath).toMatch(/X-Amz-Signature=[0-9a-f]{64}$/);
  });
  it('exit 1 on SignatureDoesNotMatch, with the line that differs', async () => {
    const r = await run([
      'sign',
      'PUT',
      `${base}/proxied/key`,
      '--data',
      'x',
      '--region',
      'us-east-1',
      '--service',
      's3',
      '--send',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^HTTP 403/);
    expect(r.stderr).toMatch(/SignatureDoesNotMatch/);
    expect(r.stderr).toMatch(
      /header host: signed "host:127\.0\.0\.1:\d+", service used "host:internal\.local"/,
    );
  });
  it('never prints a session token in the SignatureDoesNotMatch explanation', async () => {
    const token = 'FQoGZXIvYXdzEXAMPLESESSIONTOKEN0123456789abcdef';
    const r = await run([
      'sign',
      `${base}/token-swap/key`,
      '--region',
      'us-east-1',
      '--service',
      's3',
      '--session-token',
      token,
      '--send',
      '-v',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /header x-amz-security-token: signed "x-amz-security-token:FQoG…cdef", service used "x-amz-security-token:TheS…0123"/,
    );
    expect(r.stdout + r.stderr).not.toContain(token);
    expect(r.stdout + r.stderr).not.toContain('TheServiceSawThisOtherToken0123');
  });
  it('exit 3 when nothing listens', async () => {
    const r = await run([
      'sign',
      'http://127.0.0.1:9/x',
      '--region',
      'us-east-1',
      '--service',
      's3',
      '--send',
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/request to 127\.0\.0\.1:9 failed/);
  });
});

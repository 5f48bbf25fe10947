/**
 * Attack suite for `sigv4 verify`: a genuine request (signed by authctl, checked against the AWS
 * vectors elsewhere) is tampered with the ways a service would reject, and verify must reject it
 * too; secrets planted in the input never reach any output; hostile input is a verdict or a
 * usage error, never an internal error or a hang.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { isAuthctlError } from '../../src/core/errors.js';
import {
  parseHttpRequest,
  parseSignedRequestText,
  presignUrl,
  signRequest,
  verifySignedRequest,
  type ParsedHttpRequest,
  type SignRequestResult,
} from '../../src/core/sigv4/index.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { pick, rng } from '../helpers/rng.js';

const AKID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const creds = { accessKeyId: AKID, secretAccessKey: SECRET };
const DATE = '20250101T000000Z';
const NOW = '2025-01-01T00:01:00Z';
const opts = (service: string) => ({ region: 'us-east-1', service, date: DATE });
const verify = (request: ParsedHttpRequest, extra = {}) =>
  verifySignedRequest(request, { secretAccessKey: SECRET, now: NOW, ...extra });
const codes = (r: { findings: Array<{ code: string; severity: string }> }) =>
  r.findings.map((f) => `${f.severity}:${f.code}`);

/** The signed request as HTTP/1.1 text, with its path, extra headers and body as given. */
function asHttp(
  r: SignRequestResult,
  {
    pathOverride,
    extra = [],
    before = [],
  }: { pathOverride?: string; extra?: string[]; before?: string[] } = {},
): string {
  const target = pathOverride ?? r.url.replace(/^https?:\/\/[^/]+/, '');
  return `${r.method} ${target} HTTP/1.1\n${[...before, ...r.headerList.map(([n, v]) => `${n}: ${v}`), ...extra].join('\n')}\n\n`;
}

const dirs: string[] = [];
const dir = () => {
  const d = tempDir('authctl-sigv4-tamper-');
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const cleanEnv = (home: string) => ({
  HOME: home,
  AWS_ACCESS_KEY_ID: AKID,
  AWS_SECRET_ACCESS_KEY: SECRET,
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_REGION: undefined,
  AWS_DEFAULT_REGION: undefined,
  AWS_SHARED_CREDENTIALS_FILE: undefined,
  AWS_CONFIG_FILE: undefined,
});

describe('S3 does not normalise paths: an added dot segment is another key', () => {
  const signed = (service: string) =>
    signRequest(
      { method: 'GET', url: 'https://bucket.s3.amazonaws.com/a/b' },
      creds,
      opts(service),
    );
  it('raw HTTP and presigned URL forms are a mismatch for s3, and verify for a normalising service', () => {
    expect(verify(parseHttpRequest(asHttp(signed('s3'), { pathOverride: '/a/./b' }))).valid).toBe(
      false,
    );
    expect(
      verify(parseHttpRequest(asHttp(signed('execute-api'), { pathOverride: '/a/./b' }))).valid,
    ).toBe(true);
    const url = presignUrl({ method: 'GET', url: 'https://bucket.s3.amazonaws.com/a/b' }, creds, {
      ...opts('s3'),
      expires: 900,
    }).url.replace('/a/b', '/a/./b');
    expect(verify(parseSignedRequestText(url)).valid).toBe(false);
  });
  it('a curl command whose URL has a dot segment is refused for s3 (curl sends /a/b, the URL names a/./b)', () => {
    for (const service of ['s3', 'execute-api']) {
      const r = signed(service);
      const curl = `curl ${r.headerList
        .filter(([n]) => n !== 'host')
        .map(([n, v]) => `-H '${n}: ${v}'`)
        .join(' ')} https://bucket.s3.amazonaws.com/a/./b`;
      const result = verify(parseSignedRequestText(curl));
      expect(result.signatureMatches).toBe(true); // curl itself sends /a/b
      if (service === 's3') {
        expect(result.valid).toBe(false);
        expect(codes(result)).toContain('error:PATH_DOT_SEGMENTS');
      } else expect(result.valid).toBe(true);
    }
  });
});

describe('headers added after signing', () => {
  const s3 = signRequest(
    { method: 'GET', url: 'https://bucket.s3.amazonaws.com/k' },
    creds,
    opts('s3'),
  );
  const api = signRequest(
    { method: 'GET', url: 'https://api.example.com/k' },
    creds,
    opts('execute-api'),
  );
  it('an unsigned x-amz-* header: an error for S3 (AccessDenied), a warning elsewhere', () => {
    const bad = verify(parseHttpRequest(asHttp(s3, { extra: ['x-amz-meta-role: admin'] })));
    expect(bad.valid).toBe(false);
    expect(codes(bad)).toEqual(['error:UNSIGNED_AMZ_HEADER']);
    const other = verify(parseHttpRequest(asHttp(api, { extra: ['x-amz-meta-role: admin'] })));
    expect(other.valid).toBe(true);
    expect(codes(other)).toEqual(['warning:UNSIGNED_AMZ_HEADER']);
  });
  it('an unsigned x-amz-security-token: an error for S3, a warning elsewhere, nothing with --session-token-after-signing', () => {
    const bad = verify(
      parseHttpRequest(asHttp(s3, { extra: ['x-amz-security-token: FQoGZXIvYXdzEBEaDPLANTED'] })),
    );
    expect(bad.valid).toBe(false);
    expect(codes(bad)).toEqual(['error:UNSIGNED_SECURITY_TOKEN']);
    expect(
      codes(
        verify(
          parseHttpRequest(
            asHttp(api, { extra: ['x-amz-security-token: FQoGZXIvYXdzEBEaDPLANTED'] }),
          ),
        ),
      ),
    ).toEqual(['warning:UNSIGNED_SECURITY_TOKEN']);
    expect(
      codes(
        verify(parseHttpRequest(asHttp(api, { extra: ['x-amz-security-token: T0KEN'] })), {
          sessionTokenAfterSigning: true,
        }),
      ),
    ).toEqual([]);
  });
  it('a duplicate Authorization header, bogus one first or last, is refused as ambiguous', () => {
    const bogus = `Authorization: AWS4-HMAC-SHA256 Credential=${AKID}/20250101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}`;
    for (const text of [asHttp(s3, { before: [bogus] }), asHttp(s3, { extra: [bogus] })]) {
      const result = verify(parseHttpRequest(text));
      expect(result.valid).toBe(false);
      expect(codes(result)).toContain('error:AUTHORIZATION_DUPLICATE');
    }
  });
  it('a field repeated inside one Authorization header is refused as ambiguous', () => {
    const auth = s3.headers.authorization!;
    const text = asHttp(s3).replace(auth, `${auth}, Signature=${'1'.repeat(64)}`);
    expect(codes(verify(parseHttpRequest(text)))).toContain('error:AUTHORIZATION_FIELD_REPEATED');
  });
});

describe('a tampered access key id in Credential', () => {
  const r = signRequest(
    { method: 'GET', url: 'https://bucket.s3.amazonaws.com/k' },
    creds,
    opts('s3'),
  );
  const tampered = asHttp(r).replace(`Credential=${AKID}/`, 'Credential=AKIAEVILEVILEVILEVIL/');
  it('still "matches" (the id is not signed), so it must be compared with the given key', () => {
    const result = verify(parseHttpRequest(tampered), { accessKeyId: AKID });
    expect(result.signatureMatches).toBe(true);
    expect(result.valid).toBe(false);
    expect(result.findings[0]!.message).toMatch(
      /names access key "AKIAEVILEVILEVILEVIL", which does not match the given access key AKIAIOSFODNN7EXAMPLE/,
    );
  });
  it('the CLI compares with the key id that goes with the secret (AWS_ACCESS_KEY_ID here)', async () => {
    const d = dir();
    writeFileSync(path.join(d, 'req.http'), tampered);
    const res = await runCli(['sigv4', 'verify', 'req.http', '--now', NOW], {
      cwd: d,
      env: cleanEnv(d),
    });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/ACCESS_KEY_MISMATCH/);
  });
});

/** A PNG signature, an IHDR chunk and bytes that are not UTF-8 (0xff, 0xfe, lone continuation bytes). */
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  Buffer.from('IHDR'),
  Buffer.from([
    0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 0xff, 0xfe, 0x80, 0xbf, 0xc3,
    0x28, 0x0a, 0x0d, 0x0a, 0x00,
  ]),
]);

describe('binary bodies are bytes end to end', () => {
  it('a PNG body signed by `authctl sign -d @file` verifies, and one changed byte is CONTENT_SHA256_MISMATCH', async () => {
    const d = dir();
    writeFileSync(path.join(d, 'img.png'), PNG);
    const signed = await runCli(
      [
        'sign',
        'PUT',
        'https://bucket.s3.amazonaws.com/img.png',
        '-d',
        '@img.png',
        '--service',
        's3',
        '--region',
        'us-east-1',
        '--date',
        DATE,
        '--output',
        'json',
      ],
      { cwd: d, env: cleanEnv(d) },
    );
    expect(signed.code, signed.stderr).toBe(0);
    const { headerList } = JSON.parse(signed.stdout) as {
      headerList?: Array<[string, string]>;
      headers: Record<string, string>;
    };
    const headers =
      headerList ?? Object.entries(JSON.parse(signed.stdout).headers as Record<string, string>);
    const head = Buffer.from(
      `PUT /img.png HTTP/1.1\r\n${headers.map(([n, v]) => `${n}: ${v}`).join('\r\n')}\r\n\r\n`,
    );
    writeFileSync(path.join(d, 'good.http'), Buffer.concat([head, PNG]));
    const changed = Buffer.from(PNG);
    changed[changed.indexOf(0xff)] = 0xfe; // both invalid UTF-8: a decoder would turn each into U+FFFD
    writeFileSync(path.join(d, 'bad.http'), Buffer.concat([head, changed]));

    const good = await runCli(['sigv4', 'verify', 'good.http', '--now', NOW, '--json'], {
      cwd: d,
      env: cleanEnv(d),
    });
    expect(good.code, good.stdout).toBe(0);
    const bad = await runCli(['sigv4', 'verify', 'bad.http', '--now', NOW, '--json'], {
      cwd: d,
      env: cleanEnv(d),
    });
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).findings.map((f: { code: string }) => f.code)).toContain(
      'CONTENT_SHA256_MISMATCH',
    );
    // The same bytes on stdin.
    const piped = await runCli(['sigv4', 'verify', '-', '--now', NOW], {
      cwd: d,
      env: cleanEnv(d),
      input: Buffer.concat([head, PNG]),
    });
    expect(piped.code, piped.stdout).toBe(0);
  });

  it('sign -d - hashes the stdin bytes (curl output pipes them again), and --send sends them unchanged', async () => {
    const d = dir();
    const json = await runCli(
      [
        'sign',
        'PUT',
        'https://bucket.s3.amazonaws.com/img.png',
        '-d',
        '-',
        '--service',
        's3',
        '--region',
        'us-east-1',
        '--json',
      ],
      { cwd: d, env: cleanEnv(d), input: PNG },
    );
    expect(JSON.parse(json.stdout).payloadHash).toBe(
      createHash('sha256').update(PNG).digest('hex'),
    );
    const curl = await runCli(
      [
        'sign',
        'PUT',
        'https://bucket.s3.amazonaws.com/img.png',
        '-d',
        '-',
        '--service',
        's3',
        '--region',
        'us-east-1',
        '--output',
        'curl',
      ],
      { cwd: d, env: cleanEnv(d), input: PNG },
    );
    expect(curl.stdout).toContain('--data-binary @-');
    // A real server receives the request: its bytes, read back as bytes, verify.
    const received: Buffer[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const head = `${req.method} ${req.url} HTTP/1.1\r\n${req.rawHeaders.reduce((acc, v, i) => (i % 2 ? `${acc}${v}\r\n` : `${acc}${v}: `), '')}\r\n`;
        received.push(Buffer.concat([Buffer.from(head), ...chunks]));
        res.end('ok');
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      writeFileSync(path.join(d, 'img.png'), PNG);
      const port = (server.address() as AddressInfo).port;
      const sent = await runCli(
        [
          'sign',
          'PUT',
          `http://127.0.0.1:${port}/img.png`,
          '-d',
          '@img.png',
          '--service',
          's3',
          '--region',
          'us-east-1',
          '--send',
        ],
        { cwd: d, env: cleanEnv(d) },
      );
      expect(sent.code, sent.stderr).toBe(0);
    } finally {
      server.close();
    }
    const request = parseHttpRequest(received[0]!);
    expect(Buffer.from(request.body as Uint8Array)).toEqual(PNG);
    expect(verifySignedRequest(request, { secretAccessKey: SECRET }).valid).toBe(true);
  });

  it('in-process: a request read as bytes keeps its body bytes; curl --data-binary @file too', () => {
    const r = signRequest(
      { method: 'PUT', url: 'https://bucket.s3.amazonaws.com/img.png', body: PNG },
      creds,
      opts('s3'),
    );
    const request = parseHttpRequest(Buffer.concat([Buffer.from(asHttp(r)), PNG]));
    expect(Buffer.from(request.body as Uint8Array)).toEqual(PNG);
    expect(verify(request).valid).toBe(true);
    const curl = `curl -X PUT ${r.headerList
      .filter(([n]) => n !== 'host')
      .map(([n, v]) => `-H '${n}: ${v}'`)
      .join(' ')} --data-binary @img.png https://bucket.s3.amazonaws.com/img.png`;
    expect(verify(parseSignedRequestText(curl, { readFile: () => PNG })).valid).toBe(true);
  });
});

describe('Authorization parsing is linear, header sizes are bounded', () => {
  it('2 MB runs of spaces inside Authorization still parse to the right fields', () => {
    const r = signRequest(
      { method: 'GET', url: 'https://api.example.com/k' },
      creds,
      opts('execute-api'),
    );
    const spaces = ' '.repeat(2 * 1024 * 1024);
    const request = parseHttpRequest(asHttp(r));
    // A run of spaces between two other characters is where a `\s*,\s*` split backtracks at every
    // position (quadratic: 100 KB took 26 s); here inside a field-less segment, which parsing skips.
    request.headers = request.headers.map(([n, v]): [string, string] => [
      n,
      n.toLowerCase() === 'authorization' ? v.replace(', ', `,${spaces}junk${spaces}x, `) : v,
    ]);
    const result = verify(request);
    expect(result.signatureMatches).toBe(true);
    expect(result.signedHeaders).toEqual(['host', 'x-amz-date']);
  });
  it('a 2 MB header line or request line in a file is a usage error naming it', async () => {
    const r = signRequest(
      { method: 'GET', url: 'https://api.example.com/k' },
      creds,
      opts('execute-api'),
    );
    const spaces = ' '.repeat(2 * 1024 * 1024);
    expect(() => parseHttpRequest(asHttp(r).replace(', ', `,${spaces}`))).toThrow(
      /header line \d+ is \d+ characters long, over the 65536-character limit/,
    );
    expect(() => parseHttpRequest(`GET${spaces}/k${spaces}x HTTP/1.1\nHost: h\n\n`)).toThrow(
      /the request line is \d+ characters long/,
    );
    const d = dir();
    writeFileSync(path.join(d, 'big.http'), asHttp(r).replace(', ', `,${spaces}`));
    const res = await runCli(['sigv4', 'verify', 'big.http', '--now', NOW], {
      cwd: d,
      env: cleanEnv(d),
    });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/over the 65536-character limit/);
  });
  it('a request line of many spaces below the bound parses without backtracking', () => {
    const spaces = ' '.repeat(30_000);
    expect(parseHttpRequest(`GET${spaces}/k${spaces}HTTP/1.1\nHost: h\n\n`).path).toBe('/k');
  });
});

describe('secrets planted in the input never reach any output format', () => {
  const TOKEN = 'FwoGZXIvYXdzEPLANTEDSESSIONTOKEN0123456789abcdefXYZ';
  const PLANTED_SECRET = 'PLANTEDsecretKEY/0123456789abcdefghijklmn';
  const withToken = { accessKeyId: AKID, secretAccessKey: PLANTED_SECRET, sessionToken: TOKEN };
  it(
    'text, --json and --verbose, on the ok, mismatch and --server-error paths, header and presigned',
    { timeout: 120_000 },
    async () => {
      const d = dir();
      const header = signRequest(
        { method: 'GET', url: 'https://bucket.s3.amazonaws.com/k' },
        withToken,
        opts('s3'),
      );
      const presigned = presignUrl(
        { method: 'GET', url: 'https://bucket.s3.amazonaws.com/k' },
        withToken,
        { ...opts('s3'), expires: 900 },
      );
      writeFileSync(path.join(d, 'ok.http'), asHttp(header));
      writeFileSync(path.join(d, 'bad.http'), asHttp(header, { pathOverride: '/other' }));
      // A service's error body echoing the canonical request with the token (and the planted secret in a header).
      writeFileSync(
        path.join(d, 'error.xml'),
        `<Error><Code>SignatureDoesNotMatch</Code><CanonicalRequest>${header.canonicalRequest.replace('/k', '/x')}\nx-leak:${PLANTED_SECRET}</CanonicalRequest></Error>`,
      );
      writeFileSync(path.join(d, 'url.txt'), presigned.url.replace('/k', '/other'));
      const env = {
        ...cleanEnv(d),
        AWS_SECRET_ACCESS_KEY: PLANTED_SECRET,
        AWS_SESSION_TOKEN: TOKEN,
      };
      const runs = [];
      for (const file of ['ok.http', 'bad.http', 'url.txt']) {
        for (const format of [[], ['--json'], ['--json', '--verbose']]) {
          runs.push(runCli(['sigv4', 'verify', file, '--now', NOW, ...format], { cwd: d, env }));
          runs.push(
            runCli(
              ['sigv4', 'verify', file, '--now', NOW, '--server-error', 'error.xml', ...format],
              { cwd: d, env },
            ),
          );
        }
      }
      const results = await Promise.all(runs);
      expect(results.map((r) => r.code)).toContain(0);
      expect(results.map((r) => r.code)).toContain(1);
      for (const r of results) {
        expect(r.stderr).not.toMatch(/\n\s+at /);
        const all = r.stdout + r.stderr;
        for (const secret of [
          TOKEN,
          encodeURIComponent(TOKEN),
          PLANTED_SECRET,
          encodeURIComponent(PLANTED_SECRET),
          TOKEN.slice(8, 40),
        ])
          expect(all).not.toContain(secret);
      }
    },
  );
});

describe('control characters from input files never reach the terminal', () => {
  it('in findings and in parse errors', async () => {
    const d = dir();
    const r = signRequest(
      { method: 'GET', url: 'https://api.example.com/k' },
      creds,
      opts('execute-api'),
    );
    writeFileSync(
      path.join(d, 'esc.http'),
      asHttp(r)
        .replace('us-east-1', 'us-east-1\u001b[2J\u0007')
        .replace('SignedHeaders=host;', 'SignedHeaders=host;x-\u001b]0;pwned\u0007;'),
    );
    writeFileSync(path.join(d, 'curl.txt'), "curl -d @'no\u001b[31mfile' https://api.example.com/");
    writeFileSync(
      path.join(d, 'line.http'),
      'GET /\u001b[2J HTTP/1.1\nHost: h\n\u001b[31m no colon here\n\n',
    );
    // A URL that does not parse: its host (with an escape) and its session token are quoted in the error.
    writeFileSync(
      path.join(d, 'badurl.txt'),
      'curl https://ho\u001b[2Jst:99999/x?X-Amz-Security-Token=PLANTEDTOKENVALUE1234567890abcdef',
    );
    const runs = await Promise.all([
      runCli(['sigv4', 'verify', 'esc.http', '--now', NOW], { cwd: d, env: cleanEnv(d) }),
      runCli(['sigv4', 'verify', 'esc.http', '--now', NOW, '--region', 'eu-west-1'], {
        cwd: d,
        env: cleanEnv(d),
      }),
      runCli(['sigv4', 'verify', 'curl.txt'], { cwd: d, env: cleanEnv(d) }),
      runCli(['sigv4', 'verify', 'line.http'], { cwd: d, env: cleanEnv(d) }),
      runCli(['sigv4', 'verify', 'no\u001b[2Jsuch'], { cwd: d, env: cleanEnv(d) }),
      runCli(['sigv4', 'verify', 'badurl.txt'], { cwd: d, env: cleanEnv(d) }),
    ]);
    expect(runs.map((x) => x.code)).toEqual([1, 1, 2, 2, 2, 2]);
    for (const x of runs)
      expect(x.stdout + x.stderr).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/);
    expect(runs[5]!.stderr).toMatch(/invalid host "ho\?\[2Jst:99999"/);
    expect(runs[5]!.stderr).not.toContain('PLANTEDTOKENVALUE1234567890');
  });
});

describe('fixed-seed tamper fuzz', () => {
  const base = [
    asHttp(
      signRequest(
        {
          method: 'PUT',
          url: 'https://bucket.s3.amazonaws.com/a/b?x=1',
          headers: { 'Content-Type': 'text/plain' },
          body: 'hi',
        },
        creds,
        opts('s3'),
      ),
    ) + 'hi',
    asHttp(
      signRequest(
        { method: 'GET', url: 'https://api.example.com/p/q?b=2&a=1' },
        { ...creds, sessionToken: 'TOKEN1234567890' },
        opts('execute-api'),
      ),
    ),
    presignUrl({ method: 'GET', url: 'https://bucket.s3.amazonaws.com/k' }, creds, {
      ...opts('s3'),
      expires: 900,
    }).url,
  ];
  const SPLICES = [
    '\n',
    '\r\n',
    ' ',
    ',',
    ';',
    '=',
    '/./',
    '/../',
    '%',
    '%2F',
    '\u0000',
    '\u001b[2J',
    'x-amz-meta-a: 1\n',
    'Authorization: AWS4-HMAC-SHA256 \n',
    'é',
    '&',
    '?',
    ':',
    '\t',
  ];
  function mutate(text: string, random: () => number): string {
    let out = text;
    for (let e = 1 + Math.floor(random() * 3); e > 0; e--) {
      const at = Math.floor(random() * (out.length + 1));
      const op = random();
      if (op < 0.35) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(random() * 6));
      else if (op < 0.8) out = out.slice(0, at) + pick(random, SPLICES) + out.slice(at);
      else
        out =
          out.slice(0, at) +
          String.fromCharCode(32 + Math.floor(random() * 95)) +
          out.slice(at + 1);
    }
    return out;
  }

  it(
    '2,000 mutated requests in-process: a verdict or a usage error, never an internal error',
    { timeout: 120_000 },
    () => {
      const random = rng(0x51a4);
      const tally = { valid: 0, invalid: 0, usage: 0 };
      for (let i = 0; i < 2000; i++) {
        const text = mutate(pick(random, base), random);
        try {
          const result = verify(parseSignedRequestText(text));
          for (const f of result.findings) expect(f.code).toMatch(/^[A-Z0-9_]+$/);
          if (result.valid) tally.valid++;
          else tally.invalid++;
        } catch (error) {
          if (!(isAuthctlError(error) && error.kind === 'usage'))
            throw new Error(
              `internal error for ${JSON.stringify(text)}: ${(error as Error).stack}`,
            );
          tally.usage++;
        }
      }
      expect(tally.invalid).toBeGreaterThan(1000);
      expect(tally.usage).toBeGreaterThan(10);
    },
  );

  it(
    '20 mutated requests through the binary: exit 0, 1 or 2, no stack trace',
    { timeout: 120_000 },
    async () => {
      const random = rng(0xf00d);
      const d = dir();
      for (let i = 0; i < 20; i += 4) {
        await Promise.all(
          Array.from({ length: 4 }, async () => {
            const text = mutate(pick(random, base), random);
            const res = await runCli(['sigv4', 'verify', '-', '--now', NOW], {
              cwd: d,
              env: cleanEnv(d),
              input: text,
            });
            expect([0, 1, 2], `${JSON.stringify(text)}: ${res.stderr}`).toContain(res.code);
            expect(res.stderr).not.toMatch(/\n\s+at |--verbose/);
          }),
        );
      }
    },
  );
});

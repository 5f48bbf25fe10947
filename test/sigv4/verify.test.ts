// verifySignedRequest: every published signed request verifies, and each classic mistake is named.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseCurlCommand,
  parseHttpRequest,
  parsePresignedUrl,
  parseSignedRequestText,
  presignUrl,
  signRequest,
  verifySignedRequest,
  type SignRequestResult,
} from '../../src/core/sigv4/index.js';
import { toCurl } from '../../src/core/sigv4/curl.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/sigv4');
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET };
const opts = { region: 'us-east-1', service: 'service', date: '20150830T123600Z' };
const at = '2015-08-30T12:40:00Z';
const codes = (r: { findings: Array<{ code: string }> }) => r.findings.map((f) => f.code);

/** The request as sent: the signed headers in HTTP/1.1 text form. */
function asHttp(r: SignRequestResult, headers = r.headerList, body = ''): string {
  const target = r.url.replace(/^https?:\/\/[^/]+/, '');
  return `${r.method} ${target} HTTP/1.1\n${headers.map(([n, v]) => `${n}: ${v}`).join('\n')}\n\n${body}`;
}

describe('published signed requests verify', () => {
  const suite = path.join(FIXTURES, 'aws-sig-v4-test-suite');
  const sreqs: string[] = [];
  const walk = (dir: string) =>
    readdirSync(dir).forEach((e) => {
      const full = path.join(dir, e);
      if (statSync(full).isDirectory()) walk(full);
      else if (e.endsWith('.sreq')) sreqs.push(full);
    });
  walk(suite);
  it('finds all 31 .sreq files', () => expect(sreqs).toHaveLength(31));
  for (const file of sreqs) {
    it(`2015 ${path.basename(file)}`, () => {
      const r = verifySignedRequest(parseHttpRequest(readFileSync(file, 'utf8')), {
        secretAccessKey: SECRET,
        now: at,
        foldedHeaders: 'comma',
      });
      expect(r.signatureMatches).toBe(true);
      expect(r.valid).toBe(true);
    });
  }
  const crt = path.join(FIXTURES, 'crt-suite-v4');
  for (const name of readdirSync(crt).filter((d) =>
    existsSync(path.join(crt, d, 'context.json')),
  )) {
    for (const variant of ['header', 'query']) {
      it(`CRT ${name} (${variant})`, () => {
        const text = readFileSync(path.join(crt, name, `${variant}-signed-request.txt`), 'utf8');
        const context = JSON.parse(readFileSync(path.join(crt, name, 'context.json'), 'utf8'));
        const r = verifySignedRequest(parseHttpRequest(text), {
          secretAccessKey: SECRET,
          now: at,
          normalizePath: context.normalize,
          sessionTokenAfterSigning: context.omit_session_token,
        });
        expect(r.scheme).toBe(variant === 'header' ? 'sigv4-header' : 'sigv4-query');
        expect(r.signatureMatches).toBe(true);
        expect(r.expectedSignature).toBe(
          readFileSync(path.join(crt, name, `${variant}-signature.txt`), 'utf8').trim(),
        );
      });
    }
  }
  it('explains an unnormalised CRT case verified with the default (normalising) rules', () => {
    const text = readFileSync(
      path.join(crt, 'get-relative-relative-unnormalized', 'header-signed-request.txt'),
      'utf8',
    );
    const r = verifySignedRequest(parseHttpRequest(text), { secretAccessKey: SECRET, now: at });
    expect(r.signatureMatches).toBe(false);
    expect(r.explanation?.variant).toBe('path-not-normalized');
  });
});

describe('round trips through every input form', () => {
  it('signed headers -> raw HTTP, curl command; presigned URL', () => {
    const r = signRequest(
      {
        method: 'PUT',
        url: 'https://b.s3.amazonaws.com/a b/ሴ?x=1&y',
        headers: { 'Content-Type': 'text/plain' },
        body: 'hi',
      },
      creds,
      { ...opts, service: 's3' },
    );
    expect(
      verifySignedRequest(parseHttpRequest(asHttp(r, r.headerList, 'hi')), {
        secretAccessKey: SECRET,
        now: at,
      }).valid,
    ).toBe(true);
    const curl = toCurl({
      method: 'PUT',
      url: r.url,
      headers: r.headerList,
      body: { kind: 'text', text: 'hi' },
    });
    expect(
      verifySignedRequest(parseCurlCommand(curl), { secretAccessKey: SECRET, now: at }).valid,
    ).toBe(true);
    const p = presignUrl({ url: 'https://b.s3.amazonaws.com/k?list-type=2' }, creds, {
      ...opts,
      service: 's3',
      expires: 900,
    });
    const v = verifySignedRequest(parsePresignedUrl(p.url), { secretAccessKey: SECRET, now: at });
    expect(v.valid).toBe(true);
    expect(parseSignedRequestText(` ${p.url}\n`).source).toBe('url');
  });
});

describe('mismatch explanations', () => {
  it('wrong secret', () => {
    const r = signRequest({ url: 'https://h/' }, { ...creds, secretAccessKey: 'other' }, opts);
    const v = verifySignedRequest(parseHttpRequest(asHttp(r)), {
      secretAccessKey: SECRET,
      now: at,
    });
    expect(v.signatureMatches).toBe(false);
    expect(codes(v)).toEqual(['SIGNATURE_MISMATCH']);
  });
  it('expired presign (signature fine) and too-long expiry', () => {
    const p = presignUrl({ url: 'https://h/k' }, creds, { ...opts, expires: 60 });
    const late = verifySignedRequest(parsePresignedUrl(p.url), {
      secretAccessKey: SECRET,
      now: '2015-08-30T12:38:00Z',
    });
    expect(late.signatureMatches).toBe(true);
    expect(codes(late)).toEqual(['PRESIGN_EXPIRED']);
    const tampered = verifySignedRequest(
      parsePresignedUrl(p.url.replace('X-Amz-Expires=60', 'X-Amz-Expires=999999')),
      { secretAccessKey: SECRET, now: at },
    );
    expect(codes(tampered)).toEqual(['EXPIRES_TOO_LONG', 'SIGNATURE_MISMATCH']);
  });
  it('tampered query', () => {
    const p = presignUrl({ url: 'https://h/k?user=alice' }, creds, { ...opts, expires: 60 });
    const v = verifySignedRequest(parsePresignedUrl(p.url.replace('user=alice', 'user=admin')), {
      secretAccessKey: SECRET,
      now: at,
    });
    expect(v.signatureMatches).toBe(false);
  });
  it('clock skew beyond 15 minutes', () => {
    const r = signRequest({ url: 'https://h/' }, creds, opts);
    const v = verifySignedRequest(parseHttpRequest(asHttp(r)), {
      secretAccessKey: SECRET,
      now: '2015-08-30T12:52:00Z',
    });
    expect(v.signatureMatches).toBe(true);
    expect(codes(v)).toEqual(['CLOCK_SKEW']);
    expect(
      verifySignedRequest(parseHttpRequest(asHttp(r)), {
        secretAccessKey: SECRET,
        now: '2015-08-30T12:50:00Z',
      }).valid,
    ).toBe(true);
  });
  it('path encoded once for a non-S3 service (S3 rules applied to API Gateway)', () => {
    const r = signRequest({ url: 'https://api.example.com/%40connections/abc%3D' }, creds, {
      ...opts,
      service: 'execute-api',
      doubleEncodePath: false,
      normalizePath: false,
    });
    const v = verifySignedRequest(parseHttpRequest(asHttp(r)), {
      secretAccessKey: SECRET,
      now: at,
    });
    expect(v.explanation?.variant).toBe('path-single-encoded');
    expect(codes(v)).toContain('SIGNATURE_VARIANT');
  });
  it('S3 path double-encoded or normalised by the signer', () => {
    const r = signRequest({ url: 'https://b.s3.amazonaws.com/a%24b' }, creds, {
      ...opts,
      service: 's3',
      doubleEncodePath: true,
    });
    expect(
      verifySignedRequest(parseHttpRequest(asHttp(r)), { secretAccessKey: SECRET, now: at })
        .explanation?.variant,
    ).toBe('path-double-encoded');
    const n = signRequest({ url: 'https://b.s3.amazonaws.com/a//b' }, creds, {
      ...opts,
      service: 's3',
      normalizePath: true,
    });
    expect(
      verifySignedRequest(parseHttpRequest(asHttp(n)), { secretAccessKey: SECRET, now: at })
        .explanation?.variant,
    ).toBe('path-normalized');
  });
  it('Host signed with :443 but sent without it, and a port dropped after signing', () => {
    const r = signRequest(
      { url: 'https://h.example.com/', headers: { Host: 'h.example.com:443' } },
      creds,
      opts,
    );
    const sent = r.headerList.map(([n, v]): [string, string] =>
      n === 'Host' ? [n, 'h.example.com'] : [n, v],
    );
    expect(
      verifySignedRequest(parseHttpRequest(asHttp(r, sent)), { secretAccessKey: SECRET, now: at })
        .explanation?.variant,
    ).toBe('host-with-port-443');
    const p = signRequest({ url: 'http://localhost/' }, creds, opts);
    const viaProxy = p.headerList.map(([n, v]): [string, string] =>
      n === 'host' ? [n, 'localhost:9000'] : [n, v],
    );
    expect(
      verifySignedRequest(parseHttpRequest(asHttp(p, viaProxy)), {
        secretAccessKey: SECRET,
        now: at,
      }).explanation?.variant,
    ).toBe('host-without-port');
  });
  it("'+' read as a space by the signer, and the session token added after signing", () => {
    const r = signRequest({ url: 'https://h/?q=a%20b' }, creds, opts);
    const sent = asHttp(r).replace('q=a%20b', 'q=a+b');
    expect(
      verifySignedRequest(parseHttpRequest(sent), { secretAccessKey: SECRET, now: at }).explanation
        ?.variant,
    ).toBe('query-plus-as-space');
    const p = presignUrl(
      { url: 'https://h/' },
      { ...creds, sessionToken: 'tok' },
      { ...opts, expires: 60, sessionTokenAfterSigning: true },
    );
    expect(
      verifySignedRequest(parsePresignedUrl(p.url), { secretAccessKey: SECRET, now: at })
        .explanation?.variant,
    ).toBe('session-token-after-signing');
  });
  it('signed headers missing, unsigned x-amz headers, host not signed', () => {
    const r = signRequest({ url: 'https://h/', headers: { 'X-Amz-Meta-A': '1' } }, creds, opts);
    const dropped = r.headerList
      .filter(([n]) => n !== 'X-Amz-Meta-A')
      .concat([['x-amz-acl', 'private']]);
    const v = verifySignedRequest(parseHttpRequest(asHttp(r, dropped)), {
      secretAccessKey: SECRET,
      now: at,
    });
    expect(codes(v)).toEqual(
      expect.arrayContaining(['SIGNED_HEADER_MISSING', 'UNSIGNED_AMZ_HEADER']),
    );
    const noHost = signRequest({ url: 'https://h/' }, creds, {
      ...opts,
      unsignedHeaders: ['host'],
    });
    expect(
      codes(
        verifySignedRequest(parseHttpRequest(asHttp(noHost)), { secretAccessKey: SECRET, now: at }),
      ),
    ).toContain('HOST_NOT_SIGNED');
  });
  it('wrong region or service in the scope, scope date not the X-Amz-Date day', () => {
    const r = signRequest({ url: 'https://h/' }, creds, opts);
    const v = verifySignedRequest(parseHttpRequest(asHttp(r)), {
      secretAccessKey: SECRET,
      now: at,
      region: 'eu-west-1',
      service: 's3',
    });
    expect(codes(v)).toEqual(['REGION_MISMATCH', 'SERVICE_MISMATCH']);
    expect(v.signatureMatches).toBe(true);
    expect(v.valid).toBe(false);
    const shifted = asHttp(r).replace(
      'X-Amz-Date: 20150830T123600Z',
      'X-Amz-Date: 20150831T123600Z',
    );
    expect(
      codes(
        verifySignedRequest(parseHttpRequest(shifted), {
          secretAccessKey: SECRET,
          checkTime: false,
        }),
      ),
    ).toContain('SCOPE_DATE_MISMATCH');
  });
  it('x-amz-content-sha256 that does not match the body, and a missing one on S3', () => {
    const r = signRequest(
      { method: 'PUT', url: 'https://b.s3.amazonaws.com/k', body: 'one' },
      creds,
      { ...opts, service: 's3' },
    );
    expect(
      codes(
        verifySignedRequest(parseHttpRequest(asHttp(r, r.headerList, 'two')), {
          secretAccessKey: SECRET,
          now: at,
        }),
      ),
    ).toEqual(['CONTENT_SHA256_MISMATCH']);
    const bare = signRequest({ url: 'https://b.s3.amazonaws.com/k' }, creds, {
      ...opts,
      service: 's3',
      contentSha256Header: false,
    });
    expect(
      codes(
        verifySignedRequest(parseHttpRequest(asHttp(bare)), { secretAccessKey: SECRET, now: at }),
      ),
    ).toContain('CONTENT_SHA256_MISSING');
  });
  it("diffs against the service's canonical request from an S3 error body", () => {
    const r = signRequest({ url: 'http://localhost:9000/b/k' }, creds, { ...opts, service: 's3' });
    const theirs = r.canonicalRequest.replace('host:localhost:9000', 'host:localhost');
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code><CanonicalRequest>${theirs.replace(/&/g, '&amp;')}</CanonicalRequest><StringToSign>AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/s3/aws4_request\n${'0'.repeat(64)}</StringToSign></Error>`;
    const v = verifySignedRequest(parseHttpRequest(asHttp(r)), {
      secretAccessKey: SECRET,
      now: at,
      serverDetails: xml,
    });
    const changed = v.diff!.filter((d) => !d.same);
    expect(changed).toEqual([
      {
        line: 4,
        label: 'header host',
        ours: 'host:localhost:9000',
        theirs: 'host:localhost',
        same: false,
      },
    ]);
    expect(codes(v)).toEqual(['CANONICAL_REQUEST_DIFFERS', 'STRING_TO_SIGN_DIFFERS']);
    expect(v.findings[0]!.hint).toMatch(/port/);
  });
  it('same string to sign on both sides: the secrets differ', () => {
    const r = signRequest({ url: 'https://h/' }, creds, opts);
    const v = verifySignedRequest(parseHttpRequest(asHttp(r)), {
      secretAccessKey: SECRET,
      now: at,
      serverDetails: r.stringToSign,
    });
    expect(codes(v)).toEqual(['SERVER_SECRET_DIFFERS']);
    const w = verifySignedRequest(parseHttpRequest(asHttp(r)), {
      secretAccessKey: 'not-it',
      now: at,
      serverDetails: r.stringToSign,
    });
    expect(codes(w)).toContain('SECRET_MISMATCH');
  });
  it('refuses an unsigned request with a usage error', () => {
    expect(() =>
      verifySignedRequest(parseHttpRequest('GET / HTTP/1.1\nHost: h\n'), {
        secretAccessKey: SECRET,
      }),
    ).toThrow(/no AWS signature/);
  });
});

describe('parsers', () => {
  it('reads curl quoting, -X/-H/-d forms and curl dot-segment removal', () => {
    const req = parseCurlCommand(
      `curl -sS -XPOST 'https://h:8443/a/./b/../c?x=1' -H"X-A: 1" --header 'X-B:  two' --data-raw '@literal' \\\n  -d $'line\\n2'`,
    );
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/a/c');
    expect(req.notes[0]).toMatch(/path-as-is/);
    expect(req.headers).toEqual([
      ['Host', 'h:8443'],
      ['X-A', '1'],
      ['X-B', 'two'],
    ]);
    expect(req.body).toBe('@literal&line2');
  });
  it('keeps CRLFs in a body, cuts an editor-added trailing newline to Content-Length', () => {
    expect(parseHttpRequest('POST / HTTP/1.1\r\nHost: h\r\n\r\na\r\nb').body).toBe('a\r\nb');
    const cut = parseHttpRequest('PUT /k HTTP/1.1\nHost: h\nContent-Length: 5\n\nhello\n');
    expect(cut.body).toBe('hello');
    expect(cut.notes[0]).toMatch(/Content-Length of 5/);
    expect(parseHttpRequest('GET / HTTP/1.1\nHost: h\n\n\n\n').body).toBe('');
  });
  it('rejects malformed input with a usage error naming the line', () => {
    expect(() => parseHttpRequest('GET / HTTP/1.1\nno colon here\n')).toThrow(
      /line 2 is not a header/,
    );
    expect(() => parseCurlCommand("curl 'https://h/")).toThrow(/unterminated/);
    expect(() => parseCurlCommand('curl -s')).toThrow(/no URL/);
  });
});

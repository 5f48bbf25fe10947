// The canonicalisation rules implementations get wrong (test/fixtures/sigv4/NOTES.md), one by one.
import { describe, expect, it } from 'vitest';
import { AuthctlError } from '../../src/core/errors.js';
import {
  canonicalQuery,
  canonicalUri,
  deriveSigningKey,
  parseQuery,
  parseSigningDate,
  presignUrl,
  signRequest,
  toAmzDate,
  uriEncode,
} from '../../src/core/sigv4/index.js';
import { parseWireUrl } from '../../src/core/sigv4/url.js';
import { toCurl } from '../../src/core/sigv4/curl.js';

const creds = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const opts = { region: 'us-east-1', service: 'service', date: '20150830T123600Z' };
const lines = (creq: string) => creq.split('\n');

describe('URI encoding', () => {
  it("encodes everything outside A-Za-z0-9-._~, including !'()*, with upper-case hex", () => {
    expect(uriEncode("a b!'()*~-._/")).toBe('a%20b%21%27%28%29%2A~-._%2F');
    expect(uriEncode('ሴ')).toBe('%E1%88%B4');
  });
  it('double-encodes the wire path for non-S3 services and encodes S3 keys once', () => {
    expect(canonicalUri('/%40connections/abc%3D', { normalize: true, doubleEncode: true })).toBe(
      '/%2540connections/abc%253D',
    );
    expect(canonicalUri('/test%24file.text', { normalize: false, doubleEncode: false })).toBe(
      '/test%24file.text',
    );
    expect(canonicalUri("/a*b/it's", { normalize: false, doubleEncode: false })).toBe(
      '/a%2Ab/it%27s',
    );
  });
  it('keeps normalisation and encoding as separate switches (CRT get-space-unnormalized)', () => {
    expect(canonicalUri('//example space/../x', { normalize: false, doubleEncode: true })).toBe(
      '//example%20space/../x',
    );
    expect(canonicalUri('//example space/../x', { normalize: true, doubleEncode: true })).toBe(
      '/x',
    );
    expect(canonicalUri('/example1/example2/../..', { normalize: true, doubleEncode: true })).toBe(
      '/',
    );
    expect(canonicalUri('//example//', { normalize: true, doubleEncode: true })).toBe('/example/');
  });
  it('never normalises an S3 key', () => {
    const r = signRequest(
      { url: 'https://b.s3.amazonaws.com/my-object//example//photo.user' },
      creds,
      { ...opts, service: 's3' },
    );
    expect(lines(r.canonicalRequest)[1]).toBe('/my-object//example//photo.user');
    const dots = signRequest({ url: 'https://b.s3.amazonaws.com/a/./b/../c' }, creds, {
      ...opts,
      service: 's3',
    });
    expect(lines(dots.canonicalRequest)[1]).toBe('/a/./b/../c');
    expect(dots.url).toBe('https://b.s3.amazonaws.com/a/./b/../c');
  });
  it('encodes a UTF-8 path for the wire once and, for non-S3, again for the canonical URI', () => {
    const r = signRequest({ url: 'https://example.amazonaws.com/ሴ/a b' }, creds, opts);
    expect(r.url).toBe('https://example.amazonaws.com/%E1%88%B4/a%20b');
    expect(lines(r.canonicalRequest)[1]).toBe('/%25E1%2588%25B4/a%2520b');
    const s3 = signRequest({ url: 'https://b.s3.amazonaws.com/ሴ/a b' }, creds, {
      ...opts,
      service: 's3',
    });
    expect(lines(s3.canonicalRequest)[1]).toBe('/%E1%88%B4/a%20b');
  });
});

describe('encoding S3 keys and raw query parts exactly once', () => {
  it('normalises escapes without double-encoding them', () => {
    const s3 = (path: string) => canonicalUri(path, { normalize: false, doubleEncode: false });
    expect(s3('/a%2fb/%e1%88%b4')).toBe('/a%2Fb/%E1%88%B4');
    expect(s3('/%41%7E')).toBe('/A~');
    expect(s3('/bad%FFbyte/lone%/100%25')).toBe('/bad%FFbyte/lone%25/100%25');
    const r = signRequest({ url: 'https://h/?k=%zz&v=%e1%88%b4&x=%FF' }, creds, opts);
    expect(lines(r.canonicalRequest)[2]).toBe('k=%25zz&v=%E1%88%B4&x=%FF');
  });
});

describe('canonical query', () => {
  it('sorts by encoded name, then value -- never by whole k=v strings', () => {
    expect(canonicalQuery(parseQuery('select-type=2&select='))).toBe('select=&select-type=2');
    expect(canonicalQuery(parseQuery('b=2&a=z&a=y&A=1'))).toBe('A=1&a=y&a=z&b=2');
  });
  it('keeps repeated keys, turns ?acl into acl=, encodes reserved characters in values', () => {
    expect(canonicalQuery(parseQuery('acl'))).toBe('acl=');
    expect(canonicalQuery(parseQuery('k=a%20b&k=a%2Bb&x=%2F%26%3D&e='))).toBe(
      'e=&k=a%20b&k=a%2Bb&x=%2F%26%3D',
    );
    expect(canonicalQuery([['q', "it's (ok)*!"]])).toBe('q=it%27s%20%28ok%29%2A%21');
  });
  it("reads '+' as a literal plus (RFC 3986) and sorts UTF-8 names by their encoding", () => {
    expect(canonicalQuery(parseQuery('a=1+2'))).toBe('a=1%2B2');
    expect(canonicalQuery(parseQuery('Param-3=Value3&Param=Value2&%E1%88%B4=Value1'))).toBe(
      '%E1%88%B4=Value1&Param=Value2&Param-3=Value3',
    );
  });
});

describe('host and ports', () => {
  it('signs exactly the Host sent: default ports dropped, others kept, userinfo stripped', () => {
    expect(parseWireUrl('https://h.example.com:443/x').host).toBe('h.example.com');
    expect(parseWireUrl('http://h.example.com:80/x').host).toBe('h.example.com');
    expect(parseWireUrl('http://h.example.com:443/x').host).toBe('h.example.com:443');
    expect(parseWireUrl('https://user:pw@H.Example.com:9000/x').host).toBe('h.example.com:9000');
    expect(parseWireUrl('http://[::1]:9000/b').host).toBe('[::1]:9000');
    expect(parseWireUrl('https://[::1]:443/b').host).toBe('[::1]');
    expect(parseWireUrl('ws://h:80/mqtt').host).toBe('h');
    expect(parseWireUrl('HTTPS://H.Example.COM:8443/x').host).toBe('h.example.com:8443');
    const r = signRequest({ url: 'http://localhost:9000/bucket/key' }, creds, {
      ...opts,
      service: 's3',
    });
    expect(r.canonicalRequest).toContain('\nhost:localhost:9000\n');
  });
  it('prefers an explicit Host header (what curl would send)', () => {
    const r = signRequest(
      { url: 'http://127.0.0.1:9000/b', headers: { Host: 'k3.local' } },
      creds,
      opts,
    );
    expect(r.canonicalRequest).toContain('\nhost:k3.local\n');
  });
  it('rejects a URL that is not absolute http(s) with a usage error', () => {
    for (const bad of ['example.com/x', 'ftp://h/x', 'https://', 'https://exa mple.com/']) {
      expect(() => signRequest({ url: bad }, creds, opts)).toThrow(AuthctlError);
    }
  });
});

describe('headers', () => {
  it('trims and collapses whitespace, inside quotes too, and joins repeats in request order', () => {
    const r = signRequest(
      {
        url: 'https://h/',
        headers: [
          ['My-Header1', '  b   c  '],
          ['x-q', '"a   b"'],
          ['my-header1', 'a'],
          ['MY-HEADER1', 'z'],
        ],
      },
      creds,
      opts,
    );
    expect(r.canonicalRequest).toContain('\nmy-header1:b c,a,z\n');
    expect(r.canonicalRequest).toContain('\nx-q:"a b"\n');
  });
  it('does not sign hop-by-hop or volatile headers, but still sends them', () => {
    const r = signRequest(
      {
        url: 'https://h/',
        headers: {
          'User-Agent': 'x',
          Connection: 'close',
          'Proxy-Foo': '1',
          Expect: '100-continue',
          'Content-Type': 'text/plain',
        },
      },
      creds,
      opts,
    );
    expect(r.signedHeaders).toBe('content-type;host;x-amz-date');
    expect(r.headers['user-agent']).toBe('x');
  });
  it('honours an explicit unsigned header list', () => {
    const r = signRequest(
      { url: 'https://h/', headers: { 'X-Trace': '1', 'Content-Type': 'a/b' } },
      creds,
      { ...opts, unsignedHeaders: ['x-trace'] },
    );
    expect(r.signedHeaders).toBe('content-type;host;x-amz-date');
  });
  it('warns about folded values, and the 2015 and CRT suites canonicalise them differently', () => {
    const headers: Array<[string, string]> = [['My-Header1', 'value1\n  value2\n     value3']];
    const space = signRequest({ url: 'https://h/', headers }, creds, opts);
    const comma = signRequest({ url: 'https://h/', headers }, creds, {
      ...opts,
      foldedHeaders: 'comma',
    });
    expect(space.canonicalRequest).toContain('my-header1:value1 value2 value3\n');
    expect(comma.canonicalRequest).toContain('my-header1:value1,value2,value3\n');
    expect(space.warnings[0]).toMatch(/folded/);
  });
  it('rejects an invalid header name', () => {
    expect(() =>
      signRequest({ url: 'https://h/', headers: [['bad name', 'x']] }, creds, opts),
    ).toThrow(/invalid header name/);
  });
});

describe('payload and x-amz-content-sha256', () => {
  it('adds x-amz-content-sha256 for s3, signs UNSIGNED-PAYLOAD on request, and hashes the body otherwise', () => {
    const s3 = signRequest(
      { method: 'PUT', url: 'https://b.s3.amazonaws.com/k', body: 'hello' },
      creds,
      { ...opts, service: 's3' },
    );
    expect(s3.headers['x-amz-content-sha256']).toBe(
      '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
    );
    expect(s3.signedHeaders).toContain('x-amz-content-sha256');
    const unsigned = signRequest(
      { method: 'PUT', url: 'https://b.s3.amazonaws.com/k', body: 'hello' },
      creds,
      { ...opts, service: 's3', unsignedPayload: true },
    );
    expect(unsigned.headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
    expect(lines(unsigned.canonicalRequest).at(-1)).toBe('UNSIGNED-PAYLOAD');
    const api = signRequest({ method: 'POST', url: 'https://h/', body: 'hello' }, creds, opts);
    expect(api.headers['x-amz-content-sha256']).toBeUndefined();
    expect(lines(api.canonicalRequest).at(-1)).toBe(
      '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
    );
  });
  it('presigns S3 with UNSIGNED-PAYLOAD and never hoists x-amz-content-sha256 into the query', () => {
    const r = presignUrl({ url: 'https://b.s3.amazonaws.com/k' }, creds, {
      ...opts,
      service: 's3',
      expires: 60,
    });
    expect(lines(r.canonicalRequest).at(-1)).toBe('UNSIGNED-PAYLOAD');
    expect(r.url).not.toMatch(/content-sha256/i);
  });
});

describe('session tokens', () => {
  const token = 'FQoGZXIvYXdzE+/token==';
  it('signs X-Amz-Security-Token by default and adds it unsigned with sessionTokenAfterSigning', () => {
    const before = signRequest({ url: 'https://h/' }, { ...creds, sessionToken: token }, opts);
    expect(before.signedHeaders).toBe('host;x-amz-date;x-amz-security-token');
    const after = signRequest(
      { url: 'https://h/' },
      { ...creds, sessionToken: token },
      { ...opts, sessionTokenAfterSigning: true },
    );
    expect(after.signedHeaders).toBe('host;x-amz-date');
    expect(after.headers['x-amz-security-token']).toBe(token);
  });
  it('puts the token in the signed query of a presign, or after the signature for IoT', () => {
    const signed = presignUrl(
      { url: 'https://h/' },
      { ...creds, sessionToken: token },
      { ...opts, expires: 60 },
    );
    expect(signed.canonicalRequest).toContain(`X-Amz-Security-Token=${uriEncode(token)}`);
    const iot = presignUrl(
      { url: 'wss://a1b2.iot.us-east-1.amazonaws.com:443/mqtt' },
      { ...creds, sessionToken: token },
      { ...opts, service: 'iotdevicegateway', expires: 60, sessionTokenAfterSigning: true },
    );
    expect(iot.canonicalRequest).not.toContain('X-Amz-Security-Token');
    expect(iot.canonicalRequest).toContain('\nhost:a1b2.iot.us-east-1.amazonaws.com\n');
    expect(iot.url.startsWith('wss://a1b2.iot.us-east-1.amazonaws.com/mqtt?X-Amz-Algorithm=')).toBe(
      true,
    );
    expect(iot.url).toMatch(/X-Amz-Signature=[0-9a-f]{64}&X-Amz-Security-Token=/);
  });
});

describe('presign expiry and dates', () => {
  it('enforces 1 s .. 7 days', () => {
    for (const bad of [0, -1, 1.5, 604_801])
      expect(() => presignUrl({ url: 'https://h/' }, creds, { ...opts, expires: bad })).toThrow(
        /604800/,
      );
    expect(presignUrl({ url: 'https://h/' }, creds, { ...opts, expires: 604_800 }).url).toContain(
      'X-Amz-Expires=604800',
    );
    expect(presignUrl({ url: 'https://h/' }, creds, { ...opts, expires: 1 }).expiresAt).toBe(
      '2015-08-30T12:36:01.000Z',
    );
  });
  it('replaces X-Amz-* parameters already in the URL and keeps the others byte for byte', () => {
    const r = presignUrl({ url: 'https://h/?b=1+2&X-Amz-Signature=old&X-Amz-Date=x' }, creds, {
      ...opts,
      expires: 60,
    });
    expect(r.url.startsWith('https://h/?b=1+2&X-Amz-Algorithm=')).toBe(true);
    expect(r.canonicalRequest).toContain(
      '\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&b=1%2B2\n',
    );
    expect(r.url.match(/X-Amz-Signature/g)).toHaveLength(1);
  });
  it('parses ISO 8601 and X-Amz-Date forms, drops milliseconds, rejects zone-less or bad dates', () => {
    expect(toAmzDate(parseSigningDate('2015-08-30T12:36:00Z'))).toBe('20150830T123600Z');
    expect(toAmzDate(parseSigningDate('2015-08-30T14:36:00.789+02:00'))).toBe('20150830T123600Z');
    expect(toAmzDate(parseSigningDate('20150830T123600Z'))).toBe('20150830T123600Z');
    for (const bad of ['2015-08-30T12:36:00', '20150230T123600Z', 'yesterday', ''])
      expect(() => parseSigningDate(bad)).toThrow(/invalid signing date/);
    // ISO dates that JavaScript would roll over (Feb 30 → Mar 2) are errors, not another day.
    for (const bad of [
      '2015-02-30T12:36:00Z',
      '2015-04-31T00:00:00Z',
      '2015-08-30T24:00:00Z',
      '2015-08-30T12:60:00Z',
      '2015-13-01T00:00:00Z',
      '2015-08-30T12:36:00+25:00',
    ]) {
      expect(() => parseSigningDate(bad), bad).toThrow(/invalid signing date/);
    }
    expect(toAmzDate(parseSigningDate('2016-02-29T23:59:59-01:00'))).toBe('20160301T005959Z');
  });
});

describe('signing keys', () => {
  it('caches the derived key per day/region/service', () => {
    const a = deriveSigningKey('secret-a', '20150830', 'us-east-1', 'iam');
    expect(deriveSigningKey('secret-a', '20150830', 'us-east-1', 'iam')).toBe(a);
    expect(deriveSigningKey('secret-a', '20150831', 'us-east-1', 'iam').equals(a)).toBe(false);
    expect(deriveSigningKey('secret-b', '20150830', 'us-east-1', 'iam').equals(a)).toBe(false);
  });
});

describe('curl rendering', () => {
  it('keeps dot segments (--path-as-is), quotes headers, and sends the body as signed', () => {
    const r = signRequest(
      { method: 'PUT', url: "https://b.s3.amazonaws.com/a/../it's", body: 'x' },
      creds,
      { ...opts, service: 's3' },
    );
    const curl = toCurl({
      method: 'PUT',
      url: r.url,
      headers: r.headerList,
      body: { kind: 'text', text: "it's" },
    });
    expect(curl).toContain('--path-as-is');
    expect(curl).toContain("--data-raw 'it'\\''s'");
    expect(curl).toMatch(/^curl -X PUT /);
  });
});

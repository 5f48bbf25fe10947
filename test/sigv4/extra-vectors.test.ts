// extra-vectors.json: S3 header/presign/chunked examples, the IAM example, signing keys and SigV2,
// each copied from the AWS docs and recomputed independently (see its _about).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  deriveSigningKey,
  parseHttpRequest,
  presignUrl,
  signChunk,
  signRequest,
  signV2Header,
  signV2Query,
  signV2QueryApi,
  verifySignedRequest,
} from '../../src/core/sigv4/index.js';

const vectors = JSON.parse(
  readFileSync(path.join(import.meta.dirname, '../fixtures/sigv4/extra-vectors.json'), 'utf8'),
);
const creds = (name: string) => ({
  accessKeyId: vectors.credentials[name].accessKeyId,
  secretAccessKey: vectors.credentials[name].secretAccessKey,
});

describe('S3 SigV4 header auth (AWS docs)', () => {
  for (const v of vectors.s3_sigv4_header) {
    it(v.id, () => {
      const result = signRequest(
        {
          method: v.method,
          host: v.host,
          path: v.path,
          query: v.query,
          headers: v.headers,
          body: v.body,
        },
        creds(v.credentials),
        { region: v.region, service: v.service, date: v.amzDate },
      );
      expect(result.canonicalRequest).toBe(v.canonicalRequest);
      expect(result.stringToSign).toBe(v.stringToSign);
      expect(result.signature).toBe(v.signature);
      // The doc prints the Authorization header without spaces after commas; both forms are valid.
      expect(result.authorization.replace(/, /g, ',')).toBe(v.authorization);
    });
  }
  it('adds x-amz-content-sha256 for s3 when the caller did not', () => {
    const v = vectors.s3_sigv4_header[0];
    const { 'x-amz-content-sha256': _, ...headers } = v.headers;
    const result = signRequest(
      { method: v.method, host: v.host, path: v.path, headers },
      creds(v.credentials),
      { region: v.region, service: 's3', date: v.amzDate },
    );
    expect(result.signature).toBe(v.signature);
    expect(result.headers['x-amz-content-sha256']).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });
});

describe('S3 presigned URL (AWS docs)', () => {
  for (const v of vectors.s3_sigv4_presign) {
    it(v.id, () => {
      const result = presignUrl(
        { method: v.method, url: `https://${v.host}${v.path}` },
        creds(v.credentials),
        {
          region: v.region,
          service: v.service,
          date: v.amzDate,
          expires: v.expires,
        },
      );
      expect(result.canonicalRequest).toBe(v.canonicalRequest);
      expect(result.stringToSign).toBe(v.stringToSign);
      expect(result.signature).toBe(v.signature);
      expect(result.url).toBe(v.url);
    });
  }
});

describe('S3 chunked upload (AWS docs)', () => {
  for (const v of vectors.s3_sigv4_chunked) {
    it(v.id, () => {
      const result = signRequest(
        {
          method: 'PUT',
          host: 's3.amazonaws.com',
          path: '/examplebucket/chunkObject.txt',
          headers: {
            'content-encoding': 'aws-chunked',
            'content-length': '66824',
            'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
            'x-amz-decoded-content-length': '66560',
            'x-amz-storage-class': 'REDUCED_REDUNDANCY',
          },
        },
        creds(v.credentials),
        { region: v.region, service: 's3', date: '20130524T000000Z' },
      );
      expect(result.canonicalRequest).toBe(v.canonicalRequest);
      expect(result.stringToSign).toBe(v.stringToSign);
      expect(result.signature).toBe(v.seedSignature);
      let previous = result.signature;
      for (const chunk of v.chunks) {
        const signed = signChunk(
          {
            secretAccessKey: creds(v.credentials).secretAccessKey,
            amzDate: '20130524T000000Z',
            region: v.region,
            service: 's3',
            previousSignature: previous,
          },
          'a'.repeat(chunk.size),
        );
        expect(signed.stringToSign).toBe(chunk.stringToSign);
        expect(signed.signature).toBe(chunk.signature);
        previous = signed.signature;
      }
    });
  }
});

describe('general SigV4 and signing keys', () => {
  for (const v of vectors.general_sigv4) {
    it(v.id, () => {
      const result = signRequest(
        { method: v.method, host: v.host, path: v.path, query: v.query, headers: v.headers },
        creds(v.credentials),
        {
          region: v.region,
          service: v.service,
          date: v.amzDate,
        },
      );
      expect(result.canonicalRequest).toBe(v.canonicalRequest);
      expect(result.stringToSign).toBe(v.stringToSign);
      expect(result.signature).toBe(v.signature);
    });
  }
  for (const k of vectors.signing_keys) {
    it(`signing key ${k.date}/${k.region}/${k.service}`, () => {
      expect(deriveSigningKey(k.secret, k.date, k.region, k.service).toString('hex')).toBe(
        k.kSigningHex,
      );
    });
  }
});

describe('S3 SigV2 header auth (AWS docs)', () => {
  for (const v of vectors.s3_sigv2_header) {
    // The CNAME example names its bucket by host; everything else is an amazonaws.com host.
    const bucket = v.id === 'upload-amz-headers' ? { bucket: 'static.awsexamplebucket1.net' } : {};
    it(v.id, () => {
      const req = parseHttpRequest(v.request);
      const result = signV2Header(
        {
          method: req.method,
          host: req.host,
          path: req.path,
          query: req.query,
          headers: req.headers,
        },
        creds(v.credentials),
        bucket,
      );
      expect(result.stringToSign).toBe(v.stringToSign);
      expect(result.signature).toBe(v.signature);
      expect(result.authorization).toBe(v.authorization);
    });
    it(`${v.id} verifies`, () => {
      const req = parseHttpRequest(`${v.request}\nAuthorization: ${v.authorization}`);
      const result = verifySignedRequest(req, {
        secretAccessKey: creds(v.credentials).secretAccessKey,
        checkTime: false,
        ...bucket,
      });
      expect(result.scheme).toBe('sigv2-header');
      expect(result.signatureMatches).toBe(true);
      expect(result.valid).toBe(true);
    });
  }
});

describe('S3 SigV2 query auth (AWS docs)', () => {
  const [good, erratum] = vectors.s3_sigv2_query;
  it(good.id, () => {
    const result = signV2Query(
      { method: good.method, url: `https://${good.host}${good.path}` },
      creds(good.credentials),
      { expiresAt: good.expires },
    );
    expect(result.stringToSign).toBe(good.stringToSign);
    expect(result.signature).toBe(good.signature);
    expect(result.url).toBe(good.url);
    const verified = verifySignedRequest(parseHttpRequest(`GET ${good.url} HTTP/1.1`), {
      secretAccessKey: creds(good.credentials).secretAccessKey,
      now: '2007-03-29T00:00:00Z',
    });
    expect(verified.valid).toBe(true);
  });
  it(`${erratum.id}: the doc's signature is wrong for its own bucket, and verify says so`, () => {
    const result = signV2Query(
      { method: 'GET', url: `https://${erratum.host}${erratum.path}` },
      creds(erratum.credentials),
      { expiresAt: erratum.expires },
    );
    expect(result.stringToSign).toBe(erratum.stringToSign);
    expect(result.signature).toBe(erratum.correctSignature);
    const docUrl = `https://${erratum.host}${erratum.path}?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=${erratum.expires}&Signature=${encodeURIComponent(erratum.docSignature)}`;
    const verified = verifySignedRequest(parseHttpRequest(`GET ${docUrl} HTTP/1.1`), {
      secretAccessKey: creds(erratum.credentials).secretAccessKey,
      checkTime: false,
    });
    expect(verified.signatureMatches).toBe(false);
    expect(verified.expectedSignature).toBe(erratum.correctSignature);
    expect(verified.findings.map((f) => f.code)).toContain('SIGNATURE_MISMATCH');
  });
  it('reports an expired SigV2 URL', () => {
    const verified = verifySignedRequest(parseHttpRequest(`GET ${good.url} HTTP/1.1`), {
      secretAccessKey: creds(good.credentials).secretAccessKey,
      now: '2026-01-01T00:00:00Z',
    });
    expect(verified.signatureMatches).toBe(true);
    expect(verified.valid).toBe(false);
    expect(verified.findings.map((f) => f.code)).toEqual(['PRESIGN_EXPIRED']);
  });
});

describe('generic SigV2 query API (AWS docs)', () => {
  for (const v of vectors.sigv2_query_api) {
    it(v.id, () => {
      const query = Object.entries(v.params as Record<string, string>)
        .map(([k, val]) => `${k}=${encodeURIComponent(val)}`)
        .join('&');
      const result = signV2QueryApi(
        { method: v.method, url: `https://${v.host}${v.path}?${query}` },
        creds(v.credentials),
      );
      expect(result.stringToSign).toBe(v.stringToSign);
      expect(result.signature).toBe(v.signature);
      expect(result.url.replace('.com/?', '.com?')).toBe(v.url);
    });
  }
});

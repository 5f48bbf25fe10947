// The official AWS SigV4 test suite (2015, 31 cases) and the aws-c-auth CRT suite (header and
// query variants): canonical request, string to sign and signature must match byte for byte.
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHttpRequest, presignUrl, signRequest } from '../../src/core/sigv4/index.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/sigv4');
const SUITE = path.join(FIXTURES, 'aws-sig-v4-test-suite');
const CRT = path.join(FIXTURES, 'crt-suite-v4');
const CREDS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const STS_TOKEN = readFileSync(path.join(SUITE, 'post-sts-token/readme.txt'), 'utf8').match(
  /AQoDYXdzEPT\S+/,
)![0];

/** Every directory holding a `<name>.req`. */
function suiteCases(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (!statSync(full).isDirectory()) continue;
    if (existsSync(path.join(full, `${entry}.req`))) out.push(full);
    out.push(...suiteCases(full));
  }
  return out.sort();
}

const read = (file: string) => readFileSync(file, 'utf8');

describe('aws-sig-v4-test-suite (2015)', () => {
  const cases = suiteCases(SUITE);
  it('has the 31 published cases', () => expect(cases).toHaveLength(31));
  for (const dir of cases) {
    const name = path.basename(dir);
    it(name, () => {
      const req = parseHttpRequest(read(path.join(dir, `${name}.req`)));
      const amzDate = req.headers.find(([n]) => n.toLowerCase() === 'x-amz-date')![1];
      const hasToken = req.headers.some(([n]) => n.toLowerCase() === 'x-amz-security-token');
      const after = name === 'post-sts-header-after';
      const result = signRequest(
        {
          method: req.method,
          host: req.host,
          path: req.path,
          query: req.query,
          headers: req.headers,
          body: req.body,
        },
        { ...CREDS, sessionToken: hasToken || after ? STS_TOKEN : undefined },
        // The 2015 suite joins folded header lines with commas (the CRT suite uses spaces).
        {
          region: 'us-east-1',
          service: 'service',
          date: amzDate,
          foldedHeaders: 'comma',
          sessionTokenAfterSigning: after,
        },
      );
      expect(result.canonicalRequest).toBe(read(path.join(dir, `${name}.creq`)));
      expect(result.stringToSign).toBe(read(path.join(dir, `${name}.sts`)));
      expect(result.authorization).toBe(read(path.join(dir, `${name}.authz`)));
      if (after) expect(result.headers['x-amz-security-token']).toBe(STS_TOKEN);
    });
  }
});

interface CrtContext {
  credentials: { access_key_id: string; secret_access_key: string; token?: string };
  expiration_in_seconds: number;
  normalize: boolean;
  region: string;
  service: string;
  sign_body: boolean;
  timestamp: string;
  omit_session_token?: boolean;
}

function crtCase(dir: string) {
  const context = JSON.parse(read(path.join(dir, 'context.json'))) as CrtContext;
  const req = parseHttpRequest(read(path.join(dir, 'request.txt')));
  const request = {
    method: req.method,
    host: req.host,
    path: req.path,
    query: req.query,
    headers: req.headers,
    body: req.body,
  };
  const credentials = {
    accessKeyId: context.credentials.access_key_id,
    secretAccessKey: context.credentials.secret_access_key,
    sessionToken: context.credentials.token,
  };
  const options = {
    region: context.region,
    service: context.service,
    date: context.timestamp,
    normalizePath: context.normalize,
    contentSha256Header: context.sign_body,
    sessionTokenAfterSigning: context.omit_session_token ?? false,
  };
  return { context, request, credentials, options };
}

/** Query parameters of a request line or URL, decoded, as a sorted list. */
function queryParams(target: string): string[] {
  const query = target.includes('?') ? target.slice(target.indexOf('?') + 1) : '';
  return query
    .split('&')
    .filter(Boolean)
    .map((p) => decodeURIComponent(p))
    .sort();
}

describe('aws-c-auth CRT suite', () => {
  const cases = readdirSync(CRT)
    .filter((d) => statSync(path.join(CRT, d)).isDirectory())
    .sort();
  it('has the 38 published cases', () => expect(cases).toHaveLength(38));
  for (const name of cases) {
    const dir = path.join(CRT, name);
    it(`${name} (header)`, () => {
      const { request, credentials, options } = crtCase(dir);
      const result = signRequest(request, credentials, options);
      expect(result.canonicalRequest).toBe(read(path.join(dir, 'header-canonical-request.txt')));
      expect(result.stringToSign).toBe(read(path.join(dir, 'header-string-to-sign.txt')));
      expect(result.signature).toBe(read(path.join(dir, 'header-signature.txt')).trim());
      const signed = read(path.join(dir, 'header-signed-request.txt'));
      expect(signed).toContain(`Authorization:${result.authorization}\n`);
      if (credentials.sessionToken)
        expect(result.headers['x-amz-security-token']).toBe(credentials.sessionToken);
    });
    it(`${name} (query)`, () => {
      const { context, request, credentials, options } = crtCase(dir);
      const result = presignUrl(request, credentials, {
        ...options,
        expires: context.expiration_in_seconds,
      });
      expect(result.canonicalRequest).toBe(read(path.join(dir, 'query-canonical-request.txt')));
      expect(result.stringToSign).toBe(read(path.join(dir, 'query-string-to-sign.txt')));
      expect(result.signature).toBe(read(path.join(dir, 'query-signature.txt')).trim());
      const requestLine = read(path.join(dir, 'query-signed-request.txt'))
        .split('\n')[0]!
        .replace(/ HTTP\/1\.1$/, '');
      expect(queryParams(result.url)).toEqual(queryParams(requestLine));
    });
  }
});

// sigv4 verify names the cause a user can act on: the method of a presigned URL, the line of a SigV2
// string to sign the service disagrees with, the region of the --profile given (issue #11).
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  parseHttpRequest,
  parsePresignedUrl,
  presignUrl,
  signV2Header,
  verifySignedRequest,
} from '../../src/core/sigv4/index.js';
import { resolveCredentials } from '../../src/core/sigv4/credentials.js';
import { runCli, tempDir } from '../helpers/cli.js';

const AKID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const creds = { accessKeyId: AKID, secretAccessKey: SECRET };
const NOW = '2025-01-01T00:01:00Z';
const dirs: string[] = [];
const dir = () => {
  const d = tempDir('authctl-sigv4-hints-');
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const cleanEnv = (home: string, extra: Record<string, string | undefined> = {}) => ({
  HOME: home,
  AWS_ACCESS_KEY_ID: AKID,
  AWS_SECRET_ACCESS_KEY: SECRET,
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_REGION: undefined,
  AWS_DEFAULT_REGION: undefined,
  AWS_SHARED_CREDENTIALS_FILE: undefined,
  AWS_CONFIG_FILE: undefined,
  ...extra,
});

describe('a presigned URL verified with the wrong method', () => {
  const url = presignUrl(
    { method: 'PUT', url: 'https://bucket.s3.amazonaws.com/upload.bin' },
    creds,
    { region: 'us-east-1', service: 's3', date: '20250101T000000Z', expires: 900 },
  ).url;
  it('says which method it was signed for, not that the secret is wrong', () => {
    const result = verifySignedRequest(parsePresignedUrl(url), {
      secretAccessKey: SECRET,
      now: NOW,
    });
    expect(result.valid).toBe(false);
    expect(result.explanation).toEqual({
      variant: 'method-differs',
      message: 'signed for PUT, verified as GET: pass --method PUT',
    });
    expect(result.findings.map((f) => f.code)).not.toContain('SIGNATURE_MISMATCH');
    expect(
      verifySignedRequest(parsePresignedUrl(url, 'PUT'), { secretAccessKey: SECRET, now: NOW })
        .valid,
    ).toBe(true);
  });
  it('the CLI prints the flag to pass', async () => {
    const d = dir();
    const wrong = await runCli(['sigv4', 'verify', url, '--now', NOW], {
      cwd: d,
      env: cleanEnv(d),
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('signed for PUT, verified as GET: pass --method PUT');
    expect(
      (
        await runCli(['sigv4', 'verify', url, '--now', NOW, '--method', 'PUT'], {
          cwd: d,
          env: cleanEnv(d),
        })
      ).code,
    ).toBe(0);
  });
});

describe('--server-error with a SigV2 error body uses its StringToSign', () => {
  const date = 'Wed, 01 Jan 2025 00:00:00 GMT';
  const request = {
    method: 'PUT',
    url: 'https://s3.example.com/bucket/key',
    headers: { Date: date, 'Content-Type': 'image/png' },
  };
  const signed = signV2Header(request, creds);
  const http = (contentType: string) =>
    `PUT /bucket/key HTTP/1.1\nHost: s3.example.com\nDate: ${date}\nContent-Type: ${contentType}\nAuthorization: ${signed.authorization}\n\n`;
  const errorXml = (sts: string, hex = false) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code><AWSAccessKeyId>${AKID}</AWSAccessKeyId>${hex ? `<StringToSignBytes>${Buffer.from(sts).toString('hex').replace(/(..)/g, '$1 ')}</StringToSignBytes>` : `<StringToSign>${sts}</StringToSign>`}<SignatureProvided>${signed.signature}</SignatureProvided></Error>`;

  it('names the line the service computed differently (a proxy changed Content-Type)', () => {
    // The service received image/jpeg and says so in its string to sign; we are shown the request as signed.
    const serverSts = signed.stringToSign.replace('image/png', 'image/jpeg');
    for (const hex of [false, true]) {
      const result = verifySignedRequest(parseHttpRequest(http('image/png')), {
        secretAccessKey: SECRET,
        checkTime: false,
        serverDetails: errorXml(serverSts, hex),
      });
      expect(result.signatureMatches).toBe(true);
      expect(result.valid).toBe(false);
      expect(result.findings.map((f) => f.message)).toContain(
        "the service's SigV2 string to sign differs in: content-type",
      );
      expect(result.diff?.find((d) => !d.same)).toMatchObject({
        label: 'content-type',
        ours: 'image/png',
        theirs: 'image/jpeg',
      });
    }
  });
  it('the same string to sign and a mismatching signature: the secret, said with certainty', () => {
    const result = verifySignedRequest(parseHttpRequest(http('image/png')), {
      secretAccessKey: 'another-secret-0123456789',
      checkTime: false,
      serverDetails: errorXml(signed.stringToSign),
    });
    expect(result.findings.map((f) => f.code)).toEqual(['SECRET_MISMATCH']);
  });
  it('the CLI shows the string-to-sign diff', async () => {
    const d = dir();
    writeFileSync(path.join(d, 'req.http'), http('image/png'));
    writeFileSync(
      path.join(d, 'error.xml'),
      errorXml(signed.stringToSign.replace('/bucket/key', '/key')),
    );
    const r = await runCli(
      ['sigv4', 'verify', 'req.http', '--no-check-time', '--server-error', 'error.xml'],
      { cwd: d, env: cleanEnv(d) },
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('string to sign, ours (-) vs the service (+):');
    expect(r.stdout).toMatch(/- resource +\/bucket\/key\n\+ resource +\/key/);
  });
});

describe('--profile NAME takes its region from ~/.aws/config', () => {
  const CREDENTIALS = '[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = devsecret\n';
  const CONFIG =
    '[default]\nregion = us-east-1\n\n[profile dev]\nregion = eu-west-3\n\n[ops]\nregion = ap-south-1\n';
  const files: Record<string, string> = {
    '/h/.aws/credentials': `${CREDENTIALS}[ops]\naws_access_key_id = AKIDOPS\naws_secret_access_key = opssecret\n`,
    '/h/.aws/config': CONFIG,
  };
  const sources = (flags: { profile?: string }, env: Record<string, string> = {}) => ({
    flags,
    env,
    homeDir: '/h',
    readFile: (f: string) => files[f],
  });

  it('reads [profile NAME] in config (not [NAME], which the AWS CLI does not read there), and [default] otherwise', () => {
    expect(resolveCredentials(sources({ profile: 'dev' })).region).toBe('eu-west-3');
    expect(resolveCredentials(sources({ profile: 'ops' })).region).toBeUndefined();
    expect(resolveCredentials(sources({})).region).toBe('us-east-1');
    // An explicit profile's region wins over the environment; without one, the environment wins.
    expect(
      resolveCredentials(sources({ profile: 'dev' }, { AWS_REGION: 'sa-east-1' })).region,
    ).toBe('eu-west-3');
    expect(resolveCredentials(sources({}, { AWS_REGION: 'sa-east-1' })).region).toBe('sa-east-1');
  });

  it('sign and verify honour AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE', async () => {
    const d = dir();
    writeFileSync(path.join(d, 'credentials'), CREDENTIALS);
    writeFileSync(path.join(d, 'config'), CONFIG);
    const env = cleanEnv(d, {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_CONFIG_FILE: path.join(d, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(d, 'credentials'),
    });
    const signed = await runCli(
      [
        'sign',
        'https://api.example.com/x',
        '--service',
        'execute-api',
        '--profile',
        'dev',
        '--date',
        '20250101T000000Z',
        '--output',
        'curl',
      ],
      { cwd: d, env },
    );
    expect(signed.code, signed.stderr).toBe(0);
    expect(signed.stdout).toContain(
      'Credential=AKIDDEV/20250101/eu-west-3/execute-api/aws4_request',
    );
    // A request signed for another region is flagged against the profile's region.
    const other = await runCli(
      [
        'sign',
        'https://api.example.com/x',
        '--service',
        'execute-api',
        '--profile',
        'dev',
        '--region',
        'us-west-2',
        '--date',
        '20250101T000000Z',
        '--output',
        'curl',
      ],
      { cwd: d, env },
    );
    writeFileSync(path.join(d, 'other.txt'), other.stdout);
    const verified = await runCli(
      ['sigv4', 'verify', 'other.txt', '--profile', 'dev', '--now', NOW],
      { cwd: d, env },
    );
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain(
      'scope names region "us-west-2", the service expects "eu-west-3"',
    );
  });
});

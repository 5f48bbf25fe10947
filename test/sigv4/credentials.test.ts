import { describe, expect, it } from 'vitest';
import {
  parseIni,
  resolveCredentials,
  type CredentialSources,
} from '../../src/core/sigv4/credentials.js';

const FILE = `# shared credentials
; another comment style
[default]
aws_access_key_id=AKIDDEFAULT
aws_secret_access_key=default/secret+KEY

[dev] # the dev account
  aws_access_key_id = AKIDDEV   ; inline comment
\taws_secret_access_key = dev/secret#not-a-comment
aws_session_token = devtoken

[broken
aws_access_key_id = AKIDBROKEN
aws_secret_access_key = broken
`;

describe('parseIni (~/.aws/credentials)', () => {
  it('handles comments, indentation, CRLF and a comment after a section header', () => {
    const sections = parseIni(FILE.replace(/\n/g, '\r\n'));
    expect(sections.default).toEqual({
      aws_access_key_id: 'AKIDDEFAULT',
      aws_secret_access_key: 'default/secret+KEY',
    });
    expect(sections.dev).toEqual({
      aws_access_key_id: 'AKIDDEV',
      aws_secret_access_key: 'dev/secret#not-a-comment',
      aws_session_token: 'devtoken',
    });
  });
  it('never attributes the keys under a malformed header to the previous profile', () => {
    const sections = parseIni(FILE);
    expect(Object.keys(sections)).toEqual(['default', 'dev']);
    expect(sections.dev!.aws_access_key_id).toBe('AKIDDEV');
  });
});

describe('resolveCredentials precedence', () => {
  const sources = (over: Partial<CredentialSources> = {}): CredentialSources => ({
    flags: {},
    env: {},
    homeDir: '/home/u',
    readFile: (file) => (file === '/home/u/.aws/credentials' ? FILE : undefined),
    ...over,
  });
  const ENV = {
    AWS_ACCESS_KEY_ID: 'AKIDENV',
    AWS_SECRET_ACCESS_KEY: 'envsecret',
    AWS_SESSION_TOKEN: 'envtoken',
  };

  it('flags beat the environment, which beats the default profile', () => {
    expect(resolveCredentials(sources()).credentials.accessKeyId).toBe('AKIDDEFAULT');
    const env = resolveCredentials(sources({ env: ENV }));
    expect(env.credentials).toEqual({
      accessKeyId: 'AKIDENV',
      secretAccessKey: 'envsecret',
      sessionToken: 'envtoken',
    });
    expect(env.source).toBe('AWS_* environment variables');
    const flags = resolveCredentials(
      sources({
        env: ENV,
        flags: {
          accessKeyId: 'AKIDFLAG',
          secretAccessKey: 'flagsecret',
          sessionToken: 'flagtoken',
        },
      }),
    );
    expect(flags.credentials).toEqual({
      accessKeyId: 'AKIDFLAG',
      secretAccessKey: 'flagsecret',
      sessionToken: 'flagtoken',
    });
  });
  it("a key pair given as flags never picks up the environment's session token (it belongs to other credentials)", () => {
    const r = resolveCredentials(
      sources({ env: ENV, flags: { accessKeyId: 'AKIDFLAG', secretAccessKey: 'flagsecret' } }),
    );
    expect(r.credentials).toEqual({
      accessKeyId: 'AKIDFLAG',
      secretAccessKey: 'flagsecret',
      sessionToken: undefined,
    });
    // Only one half as a flag: the rest, token included, still comes from the environment.
    expect(
      resolveCredentials(sources({ env: ENV, flags: { secretAccessKey: 'flagsecret' } }))
        .credentials,
    ).toEqual({ accessKeyId: 'AKIDENV', secretAccessKey: 'flagsecret', sessionToken: 'envtoken' });
  });
  it('--profile names a profile explicitly (over the environment); AWS_PROFILE only picks the fallback', () => {
    expect(
      resolveCredentials(sources({ env: ENV, flags: { profile: 'dev' } })).credentials.accessKeyId,
    ).toBe('AKIDDEV');
    expect(
      resolveCredentials(sources({ env: { AWS_PROFILE: 'dev' } })).credentials.accessKeyId,
    ).toBe('AKIDDEV');
    expect(
      resolveCredentials(sources({ env: { ...ENV, AWS_PROFILE: 'dev' } })).credentials.accessKeyId,
    ).toBe('AKIDENV');
  });
  it('an authctl [sigv4.NAME] profile wins over an AWS profile of the same name', () => {
    const r = resolveCredentials(
      sources({
        flags: { profile: 'dev' },
        profiles: { dev: { access_key_id: 'AKIDOWN', secret_access_key: 'own' } },
      }),
    );
    expect(r.credentials.accessKeyId).toBe('AKIDOWN');
    expect(r.source).toBe('authctl config [sigv4.dev]');
  });
  it('an unknown --profile is a usage error naming the flag', () => {
    expect(() => resolveCredentials(sources({ flags: { profile: 'broken' } }))).toThrow(
      /no SigV4 profile "broken"/,
    );
  });
});

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

/**
 * Issue #11 / #19: a syntax error in any file authctl reads must never print a secret from it, in
 * text or --json, on stdout or stderr. Each case plants recognisable secrets on the error line
 * (behind a secret-named key, and behind a non-secret key where the broken structure hides whose
 * value it is) and on the line before it, then greps everything the command printed.
 */
const SECRET = 'hunter2-super-secret-PLANTED-0001';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYPLANTED002';
const JWK_D = 'PLANTEDdPrivateMemberOfAnEcKey003xyzABCDEF';
const PLANTED = [SECRET, AWS_SECRET, JWK_D];

interface Case {
  name: string;
  files: Record<string, string>;
  /** Commands to run in the directory (the first as text, the last with --json). */
  commands: string[][];
}

const CASES: Case[] = [
  {
    name: 'authctl.toml (config loader)',
    files: { 'authctl.toml': `[idp.clients.ci]\nsecret = "${SECRET}" x\n` },
    commands: [
      ['token', 'mint', '--sub', 'a'],
      ['verify-config', 'authctl.toml'],
    ],
  },
  {
    name: 'authctl.toml, secret behind a non-secret key on the error line',
    files: {
      'authctl.toml': `[sigv4.profiles.ci]\nsecret_access_key = "${AWS_SECRET}"\nregion = "us-east-1" "${SECRET}"\n`,
    },
    commands: [
      ['token', 'mint', '--sub', 'a'],
      ['verify-config', 'authctl.toml'],
    ],
  },
  {
    name: '.authctlrc.json (config loader)',
    files: { '.authctlrc.json': `{"idp": {"clients": {"ci": {"secret": "${SECRET}" x}}}}` },
    commands: [
      ['token', 'mint', '--sub', 'a'],
      ['verify-config', '.authctlrc.json'],
    ],
  },
  {
    name: '.authctlrc.json, multi-line',
    files: {
      '.authctlrc.json': `{\n  "sigv4": {"ci": {"secret_access_key": "${AWS_SECRET}",\n  "region": "${SECRET}" "x"}}\n}`,
    },
    commands: [
      ['token', 'mint', '--sub', 'a'],
      ['verify-config', '.authctlrc.json'],
    ],
  },
  {
    name: 'dotenv (verify-config)',
    files: {
      'prod.env': `JWT_SIGNING_KEY=${SECRET}\nAPI KEY=${AWS_SECRET}\nX="${SECRET}" !\n1TOKEN=${SECRET}\n`,
    },
    commands: [
      ['verify-config', 'prod.env'],
      ['verify-config', '--env-file', 'prod.env', '--from-env'],
    ],
  },
  {
    name: 'probe spec TOML',
    files: {
      'probe.toml': `base_url = "http://127.0.0.1:9"\n[credentials.s3]\ntype = "sigv4"\nsecret_access_key = "${AWS_SECRET}"\nkey = "${SECRET}" x\n`,
    },
    commands: [['probe', '--spec', 'probe.toml']],
  },
  {
    name: 'probe spec JSON',
    files: {
      'probe.json': `{"base_url": "http://127.0.0.1:9", "credentials": {"k": {"type": "apikey", "key": "${SECRET}",, "secret_access_key": "${AWS_SECRET}"}}}`,
    },
    commands: [['probe', '--spec', 'probe.json']],
  },
  {
    name: 'keystore keys.json',
    files: {
      'home/keys.json': `{"version":1,"keys":[{"kid":"k1","alg":"ES256","privateJwk":{"kty":"EC","d":"${JWK_D}" "x":"${SECRET}"}}]}`,
    },
    commands: [['token', 'mint', '--sub', 'a']],
  },
  {
    name: 'key file (keys import)',
    files: { 'key.json': `{\n  "kty": "EC",\n  "d": "${JWK_D}",\n  "x": "${SECRET}" "y"\n}` },
    commands: [['keys', 'import', 'key.json']],
  },
  {
    name: 'API key store',
    files: {
      'home/apikeys.json': `{"version":1,"keys":[{"id":"key_1","hash":"${SECRET}","name":"${AWS_SECRET}" x}]}`,
    },
    commands: [['apikey', 'list']],
  },
];

function expectClean(output: string, where: string) {
  for (const secret of PLANTED) {
    expect(output.includes(secret), `${where} printed ${secret}`).toBe(false);
    // Not a recognisable half of it either.
    expect(output.includes(secret.slice(4, 20)), `${where} printed part of ${secret}`).toBe(false);
  }
}

describe('secrets planted in a syntax error never reach any output', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const dir = tempDir('authctl-sec-snippet-');
      mkdirSync(path.join(dir, 'home'));
      for (const [name, text] of Object.entries(c.files)) writeFileSync(path.join(dir, name), text);
      const env = { AUTHCTL_HOME: path.join(dir, 'home') };
      // Text and --json of every reader: the first command as text, the last with --json.
      const runs =
        c.commands.length === 1
          ? [c.commands[0]!, ['--json', ...c.commands[0]!]]
          : [c.commands[0]!, ['--json', ...c.commands.at(-1)!]];
      await Promise.all(
        runs.map(async (args) => {
          const r = await runCli(args, { cwd: dir, env });
          const where = `${c.name}: authctl ${args.join(' ')}`;
          // A syntax error is bad input: exit 2, one-line error or a finding, never a stack trace.
          expect(r.code, `${where}\n${r.stdout}${r.stderr}`).toBe(2);
          expect(r.stderr, where).not.toMatch(/\n\s+at .*:\d+:\d+/);
          expectClean(r.stdout + r.stderr, where);
        }),
      );
    });
  }

  it('verify-config in every format', async () => {
    const dir = tempDir('authctl-sec-snippet-');
    writeFileSync(path.join(dir, 'authctl.toml'), `[idp.clients.ci]\nsecret = "${SECRET}" x\n`);
    writeFileSync(
      path.join(dir, 'prod.env'),
      `JWT_SIGNING_KEY="${SECRET}\nAPI KEY=${AWS_SECRET}\n`,
    );
    await Promise.all(
      ['text', 'json', 'github', 'sarif', 'junit'].map(async (format) => {
        const r = await runCli(['verify-config', 'authctl.toml', 'prod.env', '--format', format], {
          cwd: dir,
        });
        expect(r.code).toBe(2);
        expectClean(r.stdout + r.stderr, `--format ${format}`);
      }),
    );
  });
});

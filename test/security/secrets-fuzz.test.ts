import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { render, renderText, verifyDocument } from '../../src/core/report/index.js';
import { parseStore } from '../../src/core/apikey/store.js';
import { loadConfig } from '../../src/core/config/load.js';
import { AuthctlError } from '../../src/core/errors.js';
import { parseKeyring } from '../../src/core/keys/keyring.js';
import { parseKeyMaterial } from '../../src/core/keys/material.js';
import { loadProbeSpecFile } from '../../src/core/probe/spec.js';
import { verifyText } from '../../src/core/verify/verify.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { rng } from '../helpers/rng.js';

/**
 * Issue #19, fixed-seed bounded fuzz of every reader: mutated config (TOML, JSON), .env, probe spec,
 * keystore, key file and API key store, each seeded with recognisable secrets. For bad input a reader
 * may only fail with a usage error (exit 2): never an internal error (exit 3) or a stack trace, and no
 * planted secret that is still intact in the input may appear in anything it reports.
 */
const SECRET = 'hunter2-super-secret-PLANTED-0001';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYPLANTED002';
const API_KEY = `ak_live_PLANTED${'x'.repeat(31)}3`;
const JWK_D = 'PLANTEDdPrivateMemberOfAnEcKey004xyzABCDEF';
const SECRETS = [SECRET, AWS_SECRET, API_KEY, JWK_D];

const SEEDS: Record<string, string> = {
  'authctl.toml': `[token]\nissuer = "http://127.0.0.1:9400"\n\n[idp.clients.ci]\nsecret = "${SECRET}"\n\n[sigv4.profiles.ci]\naccess_key_id = "AKIDEXAMPLE"\nsecret_access_key = "${AWS_SECRET}"\n`,
  '.authctlrc.json': `{\n  "idp": {"clients": {"ci": {"secret": "${SECRET}"}}},\n  "sigv4": {"profiles": {"ci": {"access_key_id": "AKIDEXAMPLE", "secret_access_key": "${AWS_SECRET}"}}}\n}\n`,
  'prod.env': `JWT_AUDIENCE=api://relay\nJWT_SIGNING_KEY="${SECRET}"\nAWS_SECRET_ACCESS_KEY=${AWS_SECRET}\nexport RELAY_API_KEY='${API_KEY}'\n`,
  'probe.toml': `base_url = "http://127.0.0.1:9"\n\n[credentials.s3]\ntype = "sigv4"\naccess_key_id = "AKIDEXAMPLE"\nsecret_access_key = "${AWS_SECRET}"\n\n[credentials.key]\ntype = "apikey"\nkey = "${API_KEY}"\n\n[[endpoints]]\npath = "/x"\nallow = ["s3", "key"]\n`,
  'probe.json': `{"base_url": "http://127.0.0.1:9", "credentials": {"idp": {"type": "idp", "token_url": "http://127.0.0.1:9/token", "client_secret": "${SECRET}"}}, "endpoints": [{"path": "/x", "allow": ["idp"]}]}`,
  'keys.json': `{"version":1,"keys":[{"kid":"k1","alg":"ES256","status":"active","privateJwk":{"kty":"EC","crv":"P-256","d":"${JWK_D}","x":"${SECRET}"}}]}`,
  'key.json': `{\n  "kty": "EC",\n  "crv": "P-256",\n  "d": "${JWK_D}",\n  "x": "${SECRET}"\n}\n`,
  'apikeys.json': `{\n  "version": 1,\n  "keys": [{"id": "key_1", "name": "ci", "hash": "${SECRET}", "masked": "${API_KEY}"}]\n}\n`,
};

const TOKENS = [
  '[',
  ']',
  '{',
  '}',
  '"',
  "'",
  '"""',
  '=',
  ':',
  '.',
  ',',
  '\n',
  '#',
  '\\',
  'true',
  '1e999',
  '\u0000',
  '\u001b[2J',
  '\u202e',
  '\ufeff',
  'export ',
  ' ',
  '\r\n',
  '!',
];

function mutate(text: string, random: () => number): string {
  let out = text;
  for (let e = 1 + Math.floor(random() * 3); e > 0; e--) {
    const at = Math.floor(random() * (out.length + 1));
    const op = random();
    if (op < 0.3) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(random() * 8));
    else if (op < 0.75)
      out = out.slice(0, at) + TOKENS[Math.floor(random() * TOKENS.length)] + out.slice(at);
    else {
      const from = Math.floor(random() * out.length);
      out = out.slice(0, at) + out.slice(from, from + Math.floor(random() * 40)) + out.slice(at);
    }
  }
  return out;
}

/** The error a reader threw, as everything a user could see of it (text and --json). */
function shown(error: unknown): string {
  const e = error as AuthctlError;
  return [e.message, e.where, e.hint, JSON.stringify(e.details ?? {})].join('\n');
}

function expectSafe(input: string, output: string, where: string) {
  for (const secret of SECRETS) {
    if (input.includes(secret))
      expect(
        output.includes(secret),
        `${where} printed ${secret}\n--- input:\n${input}\n--- output:\n${output}`,
      ).toBe(false);
  }
}

type Reader = (text: string, dir: string) => Promise<string>;

/** Each reader returns what it would show for a successful read ('' for most), or throws. */
const READERS: Record<string, Reader> = {
  'authctl.toml': async (text, dir) => {
    writeFileSync(path.join(dir, 'authctl.toml'), text);
    await loadConfig({ configFile: 'authctl.toml', cwd: dir });
    return '';
  },
  '.authctlrc.json': async (text, dir) => {
    writeFileSync(path.join(dir, '.authctlrc.json'), text);
    await loadConfig({ configFile: '.authctlrc.json', cwd: dir });
    return '';
  },
  'prod.env': async (text) => {
    const result = await verifyText({
      file: 'prod.env',
      text,
      kind: 'env',
      profile: 'relay',
      deps: { readFile: async () => undefined },
    });
    const c = new Chalk({ level: 0 });
    const snippets = new Map(result.findings.map((f) => [f as object, f.snippet]));
    return [
      renderText(result.findings, { color: c, snippet: (f) => snippets.get(f) }),
      ...(['github', 'sarif', 'junit', 'markdown', 'html'] as const).map((format) =>
        render(
          format,
          verifyDocument({
            ...result,
            files: [{ file: 'prod.env' }],
            counts: { error: 1, warning: 0, info: 0 },
            rules: {},
            target: 'production',
          }),
          { color: c },
        ),
      ),
    ].join('\n');
  },
  'probe.toml': async (text, dir) => {
    writeFileSync(path.join(dir, 'probe.toml'), text);
    await loadProbeSpecFile(path.join(dir, 'probe.toml'));
    return '';
  },
  'probe.json': async (text, dir) => {
    writeFileSync(path.join(dir, 'probe.json'), text);
    await loadProbeSpecFile(path.join(dir, 'probe.json'));
    return '';
  },
  'keys.json': async (text) => {
    parseKeyring(text, 'keys.json');
    return '';
  },
  'key.json': async (text) => {
    parseKeyMaterial(text, 'key.json');
    return '';
  },
  'apikeys.json': async (text) => {
    parseStore(text, 'apikeys.json');
    return '';
  },
};

describe('fuzz: every reader, fixed seed, bounded count', () => {
  it("150 mutations of each reader's input: usage errors only, no planted secret in any output", async () => {
    const random = rng(19_2026);
    const dir = tempDir('authctl-sec-fuzz-');
    let usageErrors = 0;
    for (const [name, seed] of Object.entries(SEEDS)) {
      for (let i = 0; i < 150; i++) {
        const text = mutate(seed, random);
        const where = `${name} #${i}`;
        try {
          expectSafe(text, await READERS[name]!(text, dir), where);
        } catch (error) {
          if (!(error instanceof AuthctlError)) {
            if ((error as Error).name === 'AssertionError') throw error;
            throw new Error(
              `${where}: not an authctl error (would be exit 3 with a stack trace): ${(error as Error).stack}\n--- input:\n${text}`,
            );
          }
          expect(error.kind, `${where}: ${error.message}`).toBe('usage');
          expectSafe(text, shown(error), where);
          usageErrors++;
        }
      }
    }
    // The fuzz must actually reach the error paths.
    expect(usageErrors).toBeGreaterThan(300);
  });

  it('through the binary: exit 0, 1 or 2, no stack trace, no planted secret, text and --json', async () => {
    const random = rng(19_0011);
    const runs: Array<{ name: string; args: string[] }> = [
      { name: 'authctl.toml', args: ['token', 'mint', '--sub', 'a'] },
      { name: '.authctlrc.json', args: ['verify-config', '.authctlrc.json'] },
      { name: 'prod.env', args: ['verify-config', 'prod.env', '--profile', 'relay'] },
      { name: 'probe.toml', args: ['probe', '--spec', 'probe.toml', '--dry-run'] },
      { name: 'keys.json', args: ['keys', 'list'] },
      { name: 'apikeys.json', args: ['apikey', 'list'] },
    ];
    // One run per reader, text and --json alternating: the in-process fuzz above does the volume.
    const jobs = runs.flatMap(({ name, args }, index) =>
      [index % 2].map(async (n) => {
        const dir = tempDir('authctl-sec-fuzz-cli-');
        mkdirSync(path.join(dir, 'home'));
        const text = mutate(SEEDS[name]!, random);
        writeFileSync(
          path.join(dir, ['keys.json', 'apikeys.json'].includes(name) ? `home/${name}` : name),
          text,
        );
        const full = n === 0 ? args : ['--json', ...args];
        const r = await runCli(full, { cwd: dir, env: { AUTHCTL_HOME: path.join(dir, 'home') } });
        const where = `authctl ${full.join(' ')} on mutated ${name}`;
        expect([0, 1, 2], `${where}: exit ${r.code}\n${r.stderr}\n--- input:\n${text}`).toContain(
          r.code,
        );
        expect(r.stderr, where).not.toMatch(/\n\s+at .*:\d+:\d+/);
        expectSafe(text, r.stdout + r.stderr, where);
      }),
    );
    await Promise.all(jobs);
  });
});

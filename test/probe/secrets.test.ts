import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '../../src/core/apikey/index.js';
import { Keystore } from '../../src/core/keys/keystore.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { startKeysService } from './fixtures/keys-service.js';
import {
  startJwksServer,
  startOrdersService,
  type RunningService,
} from './fixtures/orders-service.js';
import { AUDIENCE, ISSUER, keysSpec, writeSpec } from './fixtures/spec.js';

const ACCESS_KEY = 'AKIDEXAMPLEPROBE0002';
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYSECRETKEY';
const FULL_JWT = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]{10,}/;

let home: string;
let secrets: string[];
let dir: string;
let env: Record<string, string>;
const running: RunningService[] = [];

beforeAll(async () => {
  home = tempDir('authctl-probe-home-');
  const keystore = new Keystore({ dir: home });
  await keystore.signingKey('RS256');
  const jwks = await startJwksServer(() => keystore.jwks());
  const store = path.join(home, 'apikeys.json');
  const validKey = (await createApiKey({ store, name: 'ci', prefix: 'ak_live' })).key;
  const revokedKey = (await createApiKey({ store, name: 'old', prefix: 'ak_live' })).key;
  await revokeApiKey({ store, ref: 'old' });
  // Findings on every kind of credential: a revoked key accepted, a tampered query accepted, sloppy 401s echoing the token.
  const keys = await startKeysService({
    store,
    secretAccessKey: SECRET_KEY,
    accessKeyId: ACCESS_KEY,
    flaws: ['accept-revoked', 'ignore-sigv4-query'],
  });
  const orders = await startOrdersService({
    jwksUrl: jwks.url,
    issuer: ISSUER,
    audience: AUDIENCE,
    flaws: ['sloppy-responses', 'alg-none'],
  });
  running.push(jwks, keys, orders);
  const minted = await runCli(
    [
      'token',
      'mint',
      '--sub',
      'ci',
      '--aud',
      AUDIENCE,
      '--iss',
      ISSUER,
      '--tenant',
      'acme',
      '--tenant-claim',
      '/tid',
      '--role',
      'admin',
    ],
    { env: { AUTHCTL_HOME: home } },
  );
  const token = minted.stdout.trim();
  expect(token).toMatch(FULL_JWT);
  secrets = [SECRET_KEY, validKey, revokedKey, token];
  env = {
    AUTHCTL_HOME: home,
    PROBE_SECRET: SECRET_KEY,
    PROBE_API_KEY: validKey,
    PROBE_REVOKED_KEY: revokedKey,
    CI_TOKEN: token,
  };
  dir = tempDir('authctl-probe-');
  writeSpec(dir, keysSpec(keys.url, ACCESS_KEY));
  writeFileSync(
    path.join(dir, 'orders.toml'),
    `base_url = "${orders.url}"

[credentials.ci]
type = "env"
env = "CI_TOKEN"

[[endpoints]]
path = "/v1/tenants/acme/orders"
tenant = "acme"
allow = ["ci"]
`,
  );
}, 60_000);

afterAll(async () => {
  await Promise.all(running.map((s) => s.close()));
});

function expectNoSecret(text: string, where: string) {
  for (const secret of secrets)
    expect(text.includes(secret), `${where} contains a secret (${secret.slice(0, 6)}…)`).toBe(
      false,
    );
  expect(text, where).not.toMatch(FULL_JWT);
}

describe('probe output never carries a secret', () => {
  for (const spec of ['probe.toml', 'orders.toml']) {
    it(`${spec}: human, --verbose, --json, github, JUnit, SARIF, baseline and dry-run`, async () => {
      const runs: Array<[string, string[]]> = [
        ['human', ['--verbose']],
        ['json', ['--json']],
        ['github', ['--format', 'github']],
        [
          'files',
          ['--junit', 'out.xml', '--sarif', 'out.sarif', '--write-baseline', 'out-baseline.json'],
        ],
        ['dry-run', ['--dry-run']],
        ['dry-run json', ['--dry-run', '--json']],
      ];
      for (const [name, args] of runs) {
        const result = await runCli(['probe', '--spec', spec, '--no-skew', ...args], {
          cwd: dir,
          env,
          timeoutMs: 60_000,
        });
        expect([0, 1], `${name}: ${result.stderr}`).toContain(result.code);
        expectNoSecret(result.stdout, `${spec} ${name} stdout`);
        expectNoSecret(result.stderr, `${spec} ${name} stderr`);
      }
      for (const file of ['out.xml', 'out.sarif', 'out-baseline.json']) {
        expect(existsSync(path.join(dir, file)), file).toBe(true);
        expectNoSecret(readFileSync(path.join(dir, file), 'utf8'), `${spec} ${file}`);
      }
      // The findings are there (so the scan is not over empty reports).
      const json = JSON.parse(
        (
          await runCli(['probe', '--spec', spec, '--no-skew', '--json'], {
            cwd: dir,
            env,
            timeoutMs: 60_000,
          })
        ).stdout,
      ) as { findings: Array<{ severity: string; curl?: string }> };
      expect(json.findings.some((f) => f.severity === 'critical' && f.curl)).toBe(true);
    }, 120_000);
  }

  it('a failed control (exit 3) masks the credential in its curl line, human and --json', async () => {
    const wrong = {
      ...env,
      CI_TOKEN: secrets[3]!.replace(
        /\.[\w-]+$/,
        '.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      ),
    };
    secrets.push(wrong.CI_TOKEN);
    for (const args of [[], ['--json']]) {
      const result = await runCli(['probe', '--spec', 'orders.toml', '--no-skew', ...args], {
        cwd: dir,
        env: wrong,
        timeoutMs: 60_000,
      });
      expect(result.code).toBe(3);
      expectNoSecret(result.stdout + result.stderr, `control failure ${args.join(' ')}`);
    }
  }, 60_000);
});

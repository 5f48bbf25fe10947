import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '../../src/core/apikey/index.js';
import { Keystore } from '../../src/core/keys/keystore.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { startKeysService, type KeysFlaw } from './fixtures/keys-service.js';
import {
  startJwksServer,
  startOrdersService,
  type Flaw,
  type RunningService,
} from './fixtures/orders-service.js';
import { AUDIENCE, ISSUER, keysSpec, minimalSpec, writeSpec } from './fixtures/spec.js';

interface Report {
  status: string;
  findings: Array<{ check: string; rule: string; severity: string; curl?: string }>;
  cases: Array<{ case: string; passed?: boolean }>;
}

const ACCESS_KEY = 'AKIDEXAMPLEPROBE0001';
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
let home: string;
let store: string;
let validKey: string;
let revokedKey: string;
let jwks: RunningService;
const running: RunningService[] = [];

beforeAll(async () => {
  home = tempDir('authctl-probe-home-');
  const keystore = new Keystore({ dir: home });
  await keystore.signingKey('RS256');
  jwks = await startJwksServer(() => keystore.jwks());
  store = path.join(home, 'apikeys.json');
  validKey = (await createApiKey({ store, name: 'ci', prefix: 'ak_live' })).key;
  revokedKey = (await createApiKey({ store, name: 'old', prefix: 'ak_live' })).key;
  await revokeApiKey({ store, ref: 'old' });
});

afterAll(async () => {
  await Promise.all([...running, jwks].map((s) => s.close()));
});

const KEYS_SPEC = (url: string) => keysSpec(url, ACCESS_KEY);

async function probeKeys(flaws: KeysFlaw[] = [], args: string[] = []) {
  const s = await startKeysService({
    store,
    secretAccessKey: SECRET_KEY,
    accessKeyId: ACCESS_KEY,
    flaws,
  });
  running.push(s);
  const dir = tempDir('authctl-probe-');
  writeSpec(dir, KEYS_SPEC(s.url));
  const result = await runCli(['probe', '--json', ...args], {
    cwd: dir,
    env: {
      AUTHCTL_HOME: home,
      PROBE_SECRET: SECRET_KEY,
      PROBE_API_KEY: validKey,
      PROBE_REVOKED_KEY: revokedKey,
    },
  });
  return { ...result, report: JSON.parse(result.stdout) as Report };
}

async function probeOrders(flaws: Flaw[], args: string[] = []) {
  const s = await startOrdersService({
    jwksUrl: jwks.url,
    issuer: ISSUER,
    audience: AUDIENCE,
    flaws,
  });
  running.push(s);
  const dir = tempDir('authctl-probe-');
  writeSpec(dir, minimalSpec(s.url));
  const result = await runCli(['probe', '--json', '--no-skew', ...args], {
    cwd: dir,
    env: { AUTHCTL_HOME: home },
  });
  return { ...result, report: JSON.parse(result.stdout) as Report };
}

const failing = (report: Report) =>
  [...new Set(report.findings.filter((f) => f.severity !== 'warning').map((f) => f.check))].sort();

describe('API key and SigV4 credentials', () => {
  it('passes a service that checks API keys and SigV4 correctly', async () => {
    const { code, report, stderr } = await probeKeys([], ['--strict']);
    expect(report.findings, stderr).toEqual([]);
    expect(code).toBe(0);
    for (const id of [
      'apikey:unknown',
      'apikey:bad-checksum',
      'apikey:truncated',
      'apikey:revoked',
      'sigv4:wrong-secret',
      'sigv4:tampered-query',
      'sigv4:expired-presign',
    ]) {
      expect(
        report.cases.some((c) => c.case === id && c.passed === true),
        id,
      ).toBe(true);
    }
  });

  it('signs presigned URLs when the credential says presign = true', async () => {
    const s = await startKeysService({
      store,
      secretAccessKey: SECRET_KEY,
      accessKeyId: ACCESS_KEY,
    });
    running.push(s);
    const dir = tempDir('authctl-probe-');
    writeSpec(dir, KEYS_SPEC(s.url).replace('service = "s3"', 'service = "s3"\npresign = true'));
    const result = await runCli(['probe', '--json', '--strict'], {
      cwd: dir,
      env: {
        AUTHCTL_HOME: home,
        PROBE_SECRET: SECRET_KEY,
        PROBE_API_KEY: validKey,
        PROBE_REVOKED_KEY: revokedKey,
      },
    });
    const report = JSON.parse(result.stdout) as Report & {
      cases: Array<{ case: string; passed?: boolean; status?: number }>;
    };
    expect(report.findings).toEqual([]);
    expect(result.code).toBe(0);
    const dry = await runCli(['probe', '--dry-run'], {
      cwd: dir,
      env: {
        AUTHCTL_HOME: home,
        PROBE_SECRET: SECRET_KEY,
        PROBE_API_KEY: validKey,
        PROBE_REVOKED_KEY: revokedKey,
      },
    });
    expect(dry.stdout).toMatch(/allow:s3[^\n]*\n\s+curl [^\n]*X-Amz-Signature=[0-9a-f]{6}…/);
  });

  it('flags a service that accepts revoked API keys', async () => {
    const { code, report } = await probeKeys(['accept-revoked']);
    expect(code).toBe(1);
    expect(failing(report)).toEqual(['apikey:revoked']);
  });

  it('flags a SigV4 verifier that ignores the query string', async () => {
    const { code, report } = await probeKeys(['ignore-sigv4-query']);
    expect(code).toBe(1);
    expect(failing(report)).toEqual(['sigv4:tampered-query']);
  });

  it('masks API keys and SigV4 secrets in every curl command', async () => {
    const { report } = await probeKeys(['accept-revoked']);
    const text = JSON.stringify(report);
    expect(text).not.toContain(validKey);
    expect(text).not.toContain(revokedKey);
    expect(text).not.toContain(SECRET_KEY);
    expect(report.findings[0]!.curl).toContain('X-API-Key: ak_live_');
  });
});

describe('dev headers and response hygiene', () => {
  it('flags dev headers that authenticate on their own', async () => {
    const { code, report } = await probeOrders(['dev-headers']);
    expect(code).toBe(1);
    expect(failing(report)).toEqual(['dev-headers']);
  });

  it('reports sloppy 401s as warnings: exit 0, and exit 1 with --strict', async () => {
    const { code, report } = await probeOrders(['sloppy-responses']);
    expect(failing(report)).toEqual([]);
    expect(code).toBe(0);
    const rules = new Set(report.findings.map((f) => f.rule));
    expect(rules).toEqual(
      new Set([
        'probe/hygiene-www-authenticate',
        'probe/hygiene-set-cookie-on-401',
        'probe/hygiene-echoed-credential',
        'probe/hygiene-stack-trace',
        'probe/hygiene-cors',
      ]),
    );
    // One warning per endpoint and rule, not one per case.
    expect(report.findings.filter((f) => f.rule === 'probe/hygiene-cors').length).toBe(2);
    const strict = await probeOrders(['sloppy-responses'], ['--strict']);
    expect(strict.code).toBe(1);
  });
});

// DataPress end to end: `authctl idp serve` is the OIDC issuer the service discovers; verify-config
// --online checks the config against it; tokens come from `authctl token mint` and the issuer's
// /token; the probe runs with --junit, across a key rotation (`idp rotate`) and a JWKS outage (`idp fault`).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authctl,
  bearer,
  call,
  copyWith,
  EXAMPLES,
  mint,
  parseJson,
  show,
  spawnUntilLine,
  startIdp,
  startService,
  stopAll,
  stopStarted,
  tempDir,
  type Idp,
  type Proc,
} from './helpers.js';
import { BIN } from '../helpers/cli.js';

const ADMIN_TOKEN = 'e2e-admin-token-0123456789';
let dir: string;
let idp: Idp;
let service: Proc & { url: string };
let config: string;
let spec: string;

const token = (...args: string[]) =>
  mint(dir, ['--iss', idp.issuer, '--aud', 'api://datapress', ...args]);
const probe = (...args: string[]) =>
  authctl(['probe', '--spec', spec, '--no-progress', ...args], { home: dir });
const readyz = async () =>
  (await call(`${service.url}/readyz`)).json() as {
    jwks?: { kids: string[]; fetches: number; lastError: string | null };
  };

beforeAll(async () => {
  dir = tempDir('authctl-e2e-datapress-');
  idp = await startIdp(dir);
  // The shipped config and probe spec, pointed at the ports this run got.
  config = copyWith(
    path.join(EXAMPLES, 'datapress', 'datapress.toml'),
    path.join(dir, 'datapress.toml'),
    { 'http://127.0.0.1:9400': idp.issuer },
  );
  // Cooldown 0: every unknown kid may re-fetch the JWKS, so the rotation steps below need no waiting.
  service = await startService('datapress', {
    args: ['--config', config],
    env: { DATAPRESS_ADMIN_TOKEN: ADMIN_TOKEN, DATAPRESS_JWKS_COOLDOWN_SECS: '0' },
  });
  spec = copyWith(path.join(EXAMPLES, 'datapress', 'probe.toml'), path.join(dir, 'probe.toml'), {
    'http://127.0.0.1:9400': idp.issuer,
    'http://127.0.0.1:8080': service.url,
  });
});

afterAll(async () => {
  await stopStarted();
});

describe.concurrent('datapress: config, tokens and probe against a steady issuer', () => {
  it('verify-config --online accepts the config against the running issuer', async () => {
    const r = await authctl(['verify-config', config, '--online', '--json'], { home: dir });
    expect(r.code, show(r)).toBe(0);
    const report = parseJson(r);
    expect(report.ok).toBe(true);
    expect(report.files).toEqual([{ file: config, profile: 'datapress' }]);
    expect(report.counts.error).toBe(0);
    // It really went online: the scopes were compared with the issuer's scopes_supported.
    expect(report.findings.map((f: { rule: string }) => f.rule)).toContain(
      'online/scope-not-advertised',
    );
  });

  it('verify-config --online catches an issuer that differs from the discovery document by a trailing slash', async () => {
    const broken = copyWith(config, path.join(dir, 'datapress-slash.toml'), {
      [`issuer = "${idp.issuer}"`]: `issuer = "${idp.issuer}/"`,
    });
    const r = await authctl(['verify-config', broken, '--online', '--json'], { home: dir });
    expect(r.code, show(r)).toBe(1);
    const rules = parseJson(r)
      .findings.filter((f: { severity: string }) => f.severity === 'error')
      .map((f: { rule: string }) => f.rule);
    expect(rules.join(' ')).toMatch(/issuer/);
  });

  it('tokens from authctl token mint and from the issuer get in; scope and tenant are enforced', async () => {
    const [reader, otherTenant, noScope] = await Promise.all([
      token('--sub', 'alice', '--scope', 'datasets:read', '--tenant', 'tenant-a'),
      token('--sub', 'mallory', '--scope', 'datasets:read', '--tenant', 'tenant-z'),
      token('--sub', 'bob', '--tenant', 'tenant-a'),
    ]);
    const list = await call(`${service.url}/api/datasets`, { headers: bearer(reader) });
    expect(list.status, list.text).toBe(200);
    expect(list.text).toContain('sales');
    expect(list.text).not.toContain('inventory'); // tenant-b's dataset
    expect(
      (await call(`${service.url}/api/datasets`, { headers: bearer(otherTenant) })).status,
    ).toBe(403);
    const scopeless = await call(`${service.url}/api/datasets`, { headers: bearer(noScope) });
    expect(scopeless.status).toBe(403);
    expect(scopeless.headers.get('www-authenticate')).toContain('insufficient_scope');
    expect((await call(`${service.url}/api/datasets`)).status).toBe(401);

    // client_credentials at the mock issuer's token endpoint, tenant claim added per request.
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: 'ci',
      client_secret: 'ci-secret',
      audience: 'api://datapress',
      scope: 'datasets:read datasets:reload',
      authctl_claims: JSON.stringify({ tid: 'tenant-b' }),
    });
    const issued = await call(idp.token, { method: 'POST', body: form });
    expect(issued.status, issued.text).toBe(200);
    const accessToken = issued.json().access_token as string;
    const mine = await call(`${service.url}/api/datasets/inventory`, {
      headers: bearer(accessToken),
    });
    expect(mine.status, mine.text).toBe(200);
    expect(
      (
        await call(`${service.url}/api/datasets/reload`, {
          method: 'POST',
          headers: bearer(accessToken),
        })
      ).status,
    ).toBe(200);
    // The legacy fallback still works, and only with the right value.
    expect(
      (
        await call(`${service.url}/api/datasets/reload`, {
          method: 'POST',
          headers: { 'x-admin-token': ADMIN_TOKEN },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call(`${service.url}/api/datasets/reload`, {
          method: 'POST',
          headers: { 'x-admin-token': 'nope' },
        })
      ).status,
    ).toBe(401);
  });

  it('probe passes and writes a JUnit report', async () => {
    const r = await probe('--junit', 'probe.xml');
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/PASS: 6 endpoints/);
    const junit = readFileSync(path.join(dir, 'probe.xml'), 'utf8');
    expect(junit).toMatch(/<testsuites name="authctl probe" tests="\d{2,}" failures="0"/);
    expect(junit).toContain('POST /api/datasets/reload');
  });
});

describe('datapress: key rotation and JWKS outage', () => {
  it('probe keeps passing while `authctl idp rotate` runs in the middle of it; new-kid tokens are then accepted', async () => {
    const before = (await readyz()).jwks!.kids;
    // Start the probe as a CI job would, and rotate while it is sending requests.
    const running = probe('--json');
    const rotated = await authctl(['idp', 'rotate', '--url', idp.issuer, '--json'], { home: dir });
    expect(rotated.code, show(rotated)).toBe(0);
    const r = await running;
    expect(r.code, show(r)).toBe(0);
    expect(parseJson(r).summary.failed).toBe(0);

    const fresh = await token('--sub', 'alice', '--scope', 'datasets:read', '--tenant', 'tenant-a');
    const kid = JSON.parse(Buffer.from(fresh.split('.')[0]!, 'base64url').toString()).kid as string;
    expect(before).not.toContain(kid);
    expect((await call(`${service.url}/api/datasets`, { headers: bearer(fresh) })).status).toBe(
      200,
    );
    expect((await readyz()).jwks!.kids).toContain(kid);
    // And the probe still passes on the new key.
    const again = await probe();
    expect(again.code, show(again)).toBe(0);
  });

  it('a JWKS outage: cached keys keep working, a new kid is refused until the issuer recovers', async () => {
    const known = await token('--sub', 'alice', '--scope', 'datasets:read', '--tenant', 'tenant-a');
    expect((await call(`${service.url}/api/datasets`, { headers: bearer(known) })).status).toBe(
      200,
    );

    const fault = await authctl(
      ['idp', 'fault', '--jwks', '503', '--for', '60s', '--url', idp.issuer],
      { home: dir },
    );
    expect(fault.code, show(fault)).toBe(0);
    try {
      // The service verifies from its cache: the probe passes during the outage.
      const during = await probe();
      expect(during.code, show(during)).toBe(0);
      expect((await call(`${service.url}/api/datasets`, { headers: bearer(known) })).status).toBe(
        200,
      );

      // The issuer rotates while its JWKS is down: the service cannot learn the new key.
      const rotated = await authctl(['idp', 'rotate', '--url', idp.issuer], { home: dir });
      expect(rotated.code, show(rotated)).toBe(0);
      const unknown = await token(
        '--sub',
        'alice',
        '--scope',
        'datasets:read',
        '--tenant',
        'tenant-a',
      );
      const refused = await call(`${service.url}/api/datasets`, { headers: bearer(unknown) });
      expect(refused.status).toBe(401);
      expect(refused.text).not.toContain(unknown);
      expect((await readyz()).jwks!.lastError).toMatch(/503/);
      // Old-key tokens are still fine (the service did not drop its cache on a failed fetch).
      expect((await call(`${service.url}/api/datasets`, { headers: bearer(known) })).status).toBe(
        200,
      );

      const clear = await authctl(['idp', 'fault', 'clear', '--url', idp.issuer], { home: dir });
      expect(clear.code, show(clear)).toBe(0);
      const recovered = await call(`${service.url}/api/datasets`, { headers: bearer(unknown) });
      expect(recovered.status, recovered.text).toBe(200);
    } finally {
      await authctl(['idp', 'fault', 'clear', '--url', idp.issuer], { home: dir });
    }
  });

  it('the issuer started with the service down: datapress starts degraded and recovers once the issuer is up', async () => {
    // A second issuer on a fresh keystore, stopped before the service starts (CI order mistake).
    const home = tempDir('authctl-e2e-datapress-late-');
    const late = await startIdp(home);
    const port = new URL(late.issuer).port;
    await late.stop();
    const lateConfig = copyWith(config, path.join(home, 'datapress.toml'), {
      [idp.issuer]: late.issuer,
    });
    const degraded = await startService('datapress', {
      args: ['--config', lateConfig],
      env: { DATAPRESS_JWKS_COOLDOWN_SECS: '0' },
    });
    let restarted: Proc | undefined;
    try {
      expect((await call(`${degraded.url}/readyz`)).status).toBe(503);
      // `authctl idp wait` is what a pipeline runs after starting the issuer in the background.
      restarted = await spawnUntilLine(
        [BIN, 'idp', 'serve', '--port', port, '--json', '--no-log', '--home', home],
        { env: { ...process.env, NO_COLOR: '1' }, cwd: home, key: 'issuer' },
      );
      const wait = await authctl(['idp', 'wait', late.issuer, '--timeout', '10s'], { home });
      expect(wait.code, show(wait)).toBe(0);
      const t = await mint(home, [
        '--iss',
        late.issuer,
        '--aud',
        'api://datapress',
        '--scope',
        'datasets:read',
        '--tenant',
        'tenant-a',
      ]);
      const r = await call(`${degraded.url}/api/datasets`, { headers: bearer(t) });
      expect(r.status, r.text).toBe(200);
      expect((await call(`${degraded.url}/readyz`)).status).toBe(200);
    } finally {
      await stopAll([degraded, restarted]);
    }
  });
});

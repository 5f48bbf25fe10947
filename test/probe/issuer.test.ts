import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededHome, startTestIdp, type TestIdp } from '../idp/helpers.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { probeHarness } from './fixtures/harness.js';
import { writeSpec } from './fixtures/spec.js';
import { startIssuerService, type IssuerFlaw } from './fixtures/issuer-service.js';

const AUDIENCE = 'api://reports';
const h = probeHarness();
let idp: TestIdp;

beforeAll(async () => {
  idp = await startTestIdp();
});
afterAll(async () => {
  await idp?.close();
});

/** A reports API trusting the in-process `idp serve`, tokens from its /token. */
function spec(service: string, extra = '', credential = ''): string {
  return `base_url = "${service}"

[credentials.reporter]
type = "idp"
token_url = "${idp.url}/token"
client_id = "reporter"
client_secret = "reporter-secret"
params = { audience = "${AUDIENCE}" }
${credential}
[[endpoints]]
path = "/healthz"
public = true

[[endpoints]]
path = "/v1/reports"
allow = ["reporter"]
${extra}`;
}

const ROTATION = `
[rotation]
refresh_within = "2s"
retire_within = "2s"
`;

async function probe(flaws: IssuerFlaw[], text: (url: string) => string, introspect = false) {
  const service = h.track(
    await startIssuerService({ issuer: idp.url, audience: AUDIENCE, flaws, introspect }),
  );
  // The probe shares the issuer's keystore, so the claim defects are signed by the issuer's key too.
  return h.probe(text(service.url), ['--strict'], { AUTHCTL_HOME: idp.home });
}

const serious = (findings: Array<{ severity: string; case: string; rule: string }>) =>
  findings.filter((f) => f.severity !== 'warning').map((f) => [f.case, f.severity, f.rule]);

describe('probe key rotation against authctl idp serve', () => {
  it('a service that refreshes its JWKS accepts the new key and refuses the retired one within the bounds, and both times are reported', async () => {
    const { code, report } = await probe([], (url) => spec(url, ROTATION));
    expect(serious(report.findings)).toEqual([]);
    expect(code).toBe(0);
    const rotation = (report as unknown as { rotation: Record<string, unknown> }).rotation;
    expect(rotation).toMatchObject({
      credential: 'reporter',
      endpoint: 'GET /v1/reports',
      refreshWithinMs: 2000,
      retireWithinMs: 2000,
    });
    expect(rotation.newKid).not.toEqual(rotation.oldKid);
    // The service refreshes every 250 ms: both changes are seen within a refresh or two.
    expect(rotation.newKeyAcceptedMs).toBeLessThan(2000);
    expect(rotation.retiredKeyRefusedMs).toBeLessThan(2000);
    const cases = report.cases.filter((c) => c.case.startsWith('jwt:rotation:'));
    expect(cases.map((c) => [c.case, c.passed])).toEqual([
      ['jwt:rotation:new-key', true],
      ['jwt:rotation:grace', true],
      ['jwt:rotation:retired-key', true],
    ]);
    // The issuer really rotated: the new key is active, the old one retired (not waited out: the control API ended the grace).
    const state = (await (await fetch(`${idp.url}/_authctl/state`)).json()) as {
      keys: Array<{ kid: string; status: string }>;
    };
    const status = Object.fromEntries(state.keys.map((k) => [k.kid, k.status]));
    expect(status[rotation.newKid as string]).toBe('active');
    expect(status[rotation.oldKid as string]).toBe('retired');
  });

  it('a service that never refreshes its JWKS: the new key is refused past refresh_within (error) and the retired key still accepted (critical)', async () => {
    const { code, report } = await probe(['never-refresh'], (url) => spec(url, ROTATION));
    expect(code).toBe(1);
    expect(serious(report.findings)).toEqual([
      ['jwt:rotation:retired-key', 'critical', 'probe/accepts-invalid-credential'],
      ['jwt:rotation:new-key', 'error', 'probe/rotation-new-key-refused'],
    ]);
    const messages = report.findings.map((f) => f.message).join('\n');
    expect(messages).toMatch(
      /new key \(kid [\w-]+\) still got 401 2\.\ds after the issuer rotated, past refresh_within = 2\.0s/,
    );
    expect(messages).toMatch(
      /retired key \(kid [\w-]+\) was still accepted 2\.\ds after its grace ended/,
    );
    for (const f of report.findings) expect(f.curl).not.toMatch(/Bearer eyJ[\w-]{20,}\.[\w-]{20,}/);
  });

  it('a service that keeps every key it ever saw: new key fine, the retired key accepted forever (critical, with the time)', async () => {
    const { code, report } = await probe(['keep-retired'], (url) => spec(url, ROTATION));
    expect(code).toBe(1);
    expect(serious(report.findings)).toEqual([
      ['jwt:rotation:retired-key', 'critical', 'probe/accepts-invalid-credential'],
    ]);
    const rotation = (report as unknown as { rotation: Record<string, unknown> }).rotation;
    expect(rotation.newKeyAcceptedMs).toBeLessThan(2000);
    expect(rotation.retiredKeyRefusedMs).toBeUndefined();
  });

  it('refuses to rotate an issuer that does not sign the credential (probe minting with another keystore): exit 2 naming the keystore, before rotating anything', async () => {
    const service = h.track(await startIssuerService({ issuer: idp.url, audience: AUDIENCE }));
    const text = spec(
      service.url,
      ROTATION.replace('[rotation]', '[rotation]\ncredential = "minted"'),
      `
[credentials.minted]
type = "jwt"
issuer = "${idp.url}"
audience = "${AUDIENCE}"
`,
    ).replace('allow = ["reporter"]', 'allow = ["reporter", "minted"]');
    const dir = tempDir('authctl-probe-');
    writeSpec(dir, text);
    // The probe's own keystore (h.home) is not the issuer's, so its jwt credential carries a foreign kid.
    const { code, stderr, stdout } = await runCli(['probe', '--no-skew'], {
      cwd: dir,
      env: { AUTHCTL_HOME: h.home },
    });
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /tokens of "minted" are signed with kid "[\w-]+", which the issuer at http:\/\/127\.0\.0\.1:\d+ does not hold/,
    );
    expect(stderr).toMatch(/hint: run the probe with the issuer's keystore/);
    expect(code).toBe(2);
  });
});

describe("probe rotation with a kid of an API key's shape (about 1 in 2,000 RFC 7638 kids)", () => {
  // Such a kid is masked unless authctl knows it as public (mask.ts). The probe runs with its own
  // keystore here, not the issuer's, so only the rotation's reading of its tokens (kidOf) can
  // register it: without that, the report's oldKid is masked and the lookup below fails.
  const KID = 'zhrt_Rcx3udI4CUSK3pPP0KAEiZ9mr5tbXMokr9N9EQ';
  let crafted: TestIdp;
  beforeAll(async () => {
    const home = await seededHome();
    const file = path.join(home, 'keys.json');
    const ring = JSON.parse(readFileSync(file, 'utf8'));
    const key = ring.keys[0];
    key.kid = key.publicJwk.kid = key.privateJwk.kid = KID;
    writeFileSync(file, JSON.stringify(ring), { mode: 0o600 });
    crafted = await startTestIdp({}, { home });
  });
  afterAll(async () => {
    await crafted?.close();
  });

  it("prints the issuer's old kid whole in the --json report, and the issuer retired that very key", async () => {
    const service = h.track(
      await startIssuerService({ issuer: crafted.url, audience: AUDIENCE, flaws: [] }),
    );
    const text = spec(service.url, ROTATION).replaceAll(idp.url, crafted.url);
    const { report, stdout } = await h.probe(text, ['--strict']);
    const rotation = (report as unknown as { rotation: Record<string, unknown> }).rotation;
    expect(rotation.oldKid).toBe(KID);
    expect(rotation.newKid).not.toBe(KID);
    expect(stdout).toContain(KID);
    const state = (await (await fetch(`${crafted.url}/_authctl/state`)).json()) as {
      keys: Array<{ kid: string; status: string }>;
    };
    expect(state.keys.find((k) => k.kid === KID)?.status).toBe('retired');
  });
});

describe('probe revocation through the mock issuer /revoke', () => {
  const REVOKE = 'revoke = true\n';
  it('a service that introspects every request refuses the revoked token on the next request', async () => {
    const { code, report } = await probe([], (url) => spec(url, '', REVOKE), true);
    expect(serious(report.findings)).toEqual([]);
    expect(code).toBe(0);
    expect(report.cases.find((c) => c.case === 'revoked:reporter')).toMatchObject({
      passed: true,
      status: 401,
    });
  });

  it('a service that caches introspection forever is critical, with the time it kept accepting', async () => {
    const { code, report } = await probe(
      ['cache-introspection'],
      (url) => spec(url, '', `${REVOKE}revoke_within = "1s"\n`),
      true,
    );
    expect(code).toBe(1);
    expect(serious(report.findings)).toEqual([
      ['revoked:reporter', 'critical', 'probe/accepts-invalid-credential'],
    ]);
    expect(report.findings[0]!.message).toMatch(
      /revoked token of "reporter" still accepted 1\.\ds after the issuer's \/revoke answered 200, past the bound of 1s/,
    );
  });

  it('revoke_within is the bound: an introspection cache of 1.5 s passes within 3s and fails at 0s', async () => {
    const ok = await probe(
      ['slow-introspection'],
      (url) => spec(url, '', `${REVOKE}revoke_within = "3s"\n`),
      true,
    );
    expect(serious(ok.report.findings)).toEqual([]);
    const c = ok.report.cases.find((x) => x.case === 'revoked:reporter') as unknown as {
      passed: boolean;
      ms: number;
    };
    expect(c.passed).toBe(true);
    expect(c.ms).toBeGreaterThanOrEqual(1000);
    const strict = await probe(['slow-introspection'], (url) => spec(url, '', REVOKE), true);
    expect(strict.code).toBe(1);
    expect(serious(strict.report.findings)).toEqual([
      ['revoked:reporter', 'critical', 'probe/accepts-invalid-credential'],
    ]);
  });
});

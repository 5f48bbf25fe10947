import { describe, expect, it } from 'vitest';
import { probeHarness } from './fixtures/harness.js';
import { minimalSpec } from './fixtures/spec.js';

const h = probeHarness();
const STATUS = '[tenants]\nstatus_claim = "/org_status"\n';
/** The minimal spec plus a [tenants] table (before the endpoints, so it is top-level TOML). */
const withTenants = (url: string, table: string) =>
  minimalSpec(url).replace('[[endpoints]]', `${table}\n[[endpoints]]`);
const suspendedCases = (report: {
  cases: Array<{ case: string; endpoint: string; passed?: boolean }>;
}) => report.cases.filter((c) => c.case === 'tenant:suspended');

/** Dev/gateway-header mode: the caller's tenant and its status arrive as headers (K3 pass-through). */
const headersSpec = (url: string) => `base_url = "${url}"

[tenants]
status_header = "x-organization-status"

[credentials.gateway]
type = "headers"
headers = { "X-Dev-User-Id" = "alice", "X-Org-Id" = "acme", "X-User-Roles" = "admin" }

[[endpoints]]
path = "/v1/tenants/acme/orders"
tenant = "acme"
allow = ["gateway"]

[[endpoints]]
method = "DELETE"
path = "/v1/tenants/acme/orders/42"
tenant = "acme"
allow = ["gateway"]
`;

describe('probe tenant:suspended', () => {
  it('a service that checks the tenant status refuses a suspended tenant on every protected endpoint (claim mode)', async () => {
    const s = await h.orders();
    const { code, report } = await h.probe(withTenants(s.url, STATUS), ['--strict']);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    expect(suspendedCases(report).map((c) => [c.endpoint, c.passed])).toEqual([
      ['GET /v1/tenants/acme/orders', true],
      ['DELETE /v1/tenants/acme/orders/42', true],
    ]);
  });

  it('flags exactly tenant:suspended, critical, on a service that ignores the status (claim mode)', async () => {
    const s = await h.orders(['ignore-suspended']);
    const { code, report } = await h.probe(withTenants(s.url, STATUS));
    expect(code).toBe(1);
    const bad = report.findings.filter((f) => f.severity !== 'warning');
    expect(bad.map((f) => [f.endpoint, f.case, f.severity])).toEqual([
      ['GET /v1/tenants/acme/orders', 'tenant:suspended', 'critical'],
      ['DELETE /v1/tenants/acme/orders/42', 'tenant:suspended', 'critical'],
    ]);
    expect(bad[0]!.curl).toMatch(/--claim '\/org_status="suspended"'/);
    // Without status_claim, the case is not sent at all.
    expect(suspendedCases((await h.probe(minimalSpec(s.url))).report)).toEqual([]);
  });

  it('header mode: x-organization-status: suspended next to the tenant headers must get 403, judged right both ways', async () => {
    const good = await h.orders(['dev-headers']);
    const ok = await h.probe(headersSpec(good.url));
    expect(ok.report.findings.filter((f) => f.severity !== 'warning')).toEqual([]);
    expect(suspendedCases(ok.report).every((c) => c.passed)).toBe(true);
    expect(suspendedCases(ok.report).length).toBe(2);
    const bad = await h.orders(['dev-headers', 'ignore-suspended']);
    const flagged = await h.probe(headersSpec(bad.url));
    expect(flagged.code).toBe(1);
    expect([
      ...new Set(
        flagged.report.findings.filter((f) => f.severity !== 'warning').map((f) => f.case),
      ),
    ]).toEqual(['tenant:suspended']);
  });
});

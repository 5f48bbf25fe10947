import { mintCommand, mintOptions, type JwtTemplate } from '../credentials.js';
import { mergeHeaders } from '../headers.js';
import { pathWith } from '../spec.js';
import type { CaseFamily, ProtectedCases } from './builder.js';
import { header } from './request.js';

/** `tenant:other-path`: a valid token of this tenant on another tenant's path (404 is fine there: it may not exist). */
async function otherPath(b: ProtectedCases, template: JwtTemplate, other: string, tenant: string) {
  const { endpoint, ctx } = b;
  const foreign = { ...b.base, path: pathWith(endpoint, { tenant: other }) };
  const token = await ctx.mint(mintOptions(template));
  if (b.excluded('tenant:other-path')) return;
  b.negative({
    id: 'tenant:other-path',
    title: `token of tenant "${tenant}" on ${other}'s path`,
    outcome: 'forbidden',
    statuses: [...new Set([...endpoint.tenantMismatchStatus, 404])],
    tokenPresented: true,
    request: header(foreign, 'Authorization', `Bearer ${token}`),
    secrets: [token],
    mintCommand: () => mintCommand(template),
  });
}

/** `tenant:*`: tokens of no or another tenant, and a spoofed tenant header, on a tenant's endpoint. */
export const tenantFamily: CaseFamily = {
  name: 'tenant',
  async build(b) {
    const { endpoint, ctx } = b;
    const template = b.primary.jwt;
    const tenant = endpoint.tenant;
    if (!template?.signable || !tenant) return;
    const other = ctx.spec.tenants.other ?? `${tenant}-other`;
    const mismatch = endpoint.tenantMismatchStatus;
    const either = [...new Set([...b.unauth, ...endpoint.forbiddenStatus, ...mismatch])];
    const wrongTenant = { defect: { kind: 'wrong-tenant' as const, variant: other } };
    await b.tokens(template, [
      {
        id: 'tenant:missing-claim',
        title: 'token without the tenant claim',
        outcome: 'either',
        statuses: either,
        overrides: { defect: { kind: 'missing-tenant' } },
      },
      {
        id: 'tenant:other',
        title: `token of tenant "${other}" on ${tenant}'s resource`,
        outcome: 'forbidden',
        statuses: mismatch,
        overrides: wrongTenant,
      },
    ]);
    if (/\{tenant\}/.test(endpoint.template)) await otherPath(b, template, other, tenant);
    await b.token(template, {
      id: 'tenant:spoofed-header',
      title: `token of tenant "${other}" plus ${ctx.spec.tenants.headers.join('/')}: ${tenant}`,
      outcome: 'forbidden',
      statuses: mismatch,
      overrides: wrongTenant,
      extraHeaders: Object.fromEntries(ctx.spec.tenants.headers.map((h) => [h, tenant])),
    });
  },
};

/**
 * `tenant:suspended`: a suspended tenant is refused, its status carried in a token claim, or (gateway /
 * pass-through mode, `headers` credentials, which have no token) in a header next to the tenant id.
 */
export const tenantStatusFamily: CaseFamily = {
  name: 'tenant:suspended',
  async build(b) {
    const { endpoint, primary } = b;
    const { statusClaim, statusHeader, suspendedValue } = b.ctx.spec.tenants;
    const template = primary.jwt;
    if (template?.signable && statusClaim) {
      await b.token(template, {
        id: 'tenant:suspended',
        title: `token whose tenant status (${statusClaim}) is "${suspendedValue}"`,
        outcome: 'forbidden',
        statuses: endpoint.forbiddenStatus,
        overrides: { claims: { ...template.claims, [statusClaim]: suspendedValue } },
      });
    }
    if (primary.type !== 'headers' || !statusHeader) return;
    const headers = mergeHeaders(b.base.headers, primary.headers);
    b.negative({
      id: 'tenant:suspended',
      title: `headers of a tenant whose ${statusHeader} is "${suspendedValue}"`,
      outcome: 'forbidden',
      statuses: endpoint.forbiddenStatus,
      tokenPresented: true,
      request: header({ ...b.base, headers }, statusHeader, suspendedValue),
    });
  },
};

import type { CaseContext, ProbeCase } from './case-types.js';
import { CASE_FAMILIES, EndpointCases, ProtectedCases } from './families/index.js';
import type { ProbeEndpoint } from './spec.js';
import { weakSecretTarget } from './weak-secret-cases.js';

export type {
  CaseContext,
  CaseDraft,
  NegativeDraft,
  Outcome,
  ProbeCase,
  ProbeScheme,
} from './case-types.js';
export { isExcluded } from './exclude.js';
export { CASE_FAMILIES, CLAIM_DEFECTS, FORGERIES, withCredential } from './families/index.js';
export type { CaseFamily } from './families/index.js';

/** Builds every request of the run: controls, public checks, negative cases and their variants. */
export async function generateCases(ctx: CaseContext): Promise<ProbeCase[]> {
  const shared = { ...ctx, weakSecretEndpoint: weakSecretTarget(ctx.spec, ctx.credentials) };
  const all = await Promise.all(ctx.spec.endpoints.map((endpoint) => casesFor(endpoint, shared)));
  return all.flat();
}

/** One endpoint's cases: the public check, or every family in CASE_FAMILIES order. */
async function casesFor(endpoint: ProbeEndpoint, ctx: CaseContext): Promise<ProbeCase[]> {
  if (endpoint.public) {
    const b = new EndpointCases(endpoint, ctx);
    b.add({
      id: 'public',
      check: 'public',
      title: 'public endpoint answers without credentials',
      control: false,
      outcome: 'success',
      statuses: b.success,
      tokenPresented: false,
      request: b.base,
    });
    return b.cases;
  }
  const b = new ProtectedCases(endpoint, ctx);
  for (const family of CASE_FAMILIES) await family.build(b);
  for (const x of b.unusedExcludes())
    ctx.warnings?.push(
      `endpoints[${endpoint.index}] (${endpoint.id}): exclude "${x}" matches no case`,
    );
  return b.cases;
}

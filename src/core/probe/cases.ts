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

/** The context every endpoint's builder shares (the weak-secret family goes to one endpoint). */
function shared(ctx: CaseContext): CaseContext {
  return { ...ctx, weakSecretEndpoint: weakSecretTarget(ctx.spec, ctx.credentials) };
}

/** Builds every request of the run at once (the dry run lists them all). */
export async function generateCases(ctx: CaseContext): Promise<ProbeCase[]> {
  const all: ProbeCase[] = [];
  const s = shared(ctx);
  for (const endpoint of ctx.spec.endpoints) all.push(...(await casesFor(endpoint, s)));
  return all;
}

/**
 * The first pass of a run: every endpoint's cases are built and dropped, keeping only the controls
 * (they run before and after the rest) and the count of the others (for progress). Spec warnings
 * are collected here, once.
 */
export async function planCases(
  ctx: CaseContext,
): Promise<{ controls: ProbeCase[]; others: number }> {
  const controls: ProbeCase[] = [];
  let others = 0;
  const s = shared(ctx);
  for (const endpoint of ctx.spec.endpoints)
    for (const c of await casesFor(endpoint, s))
      if (c.control) controls.push(c);
      else others++;
  return { controls, others };
}

/**
 * The second pass: the non-control cases, built endpoint by endpoint as they are sent, so a run
 * holds one endpoint's cases at a time however long the spec is (tokens come from the mint cache).
 */
export async function* streamCases(ctx: CaseContext): AsyncGenerator<ProbeCase> {
  const s = { ...shared(ctx), warnings: undefined };
  for (const endpoint of ctx.spec.endpoints)
    for (const c of await casesFor(endpoint, s)) if (!c.control) yield c;
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

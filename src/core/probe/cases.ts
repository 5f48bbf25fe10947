import type { CaseContext, ProbeCase } from './case-types.js';
import { CASE_FAMILIES, EndpointCases, ProtectedCases } from './families/index.js';
import { controlsFamily } from './families/controls.js';
import type { ProbeEndpoint } from './spec.js';
import { ahead } from './pool.js';
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
 * The first pass of a run: the controls (they run before and after the rest), built alone. With
 * `count` (for a progress display) every case is built and dropped to count the others, which
 * builds them twice; without, the run learns their number as it streams them.
 */
export async function planCases(
  ctx: CaseContext,
  count: boolean,
): Promise<{ controls: ProbeCase[]; others?: number }> {
  // The spec's warnings are the stream's to collect (every run streams the matrix once).
  const s = { ...shared(ctx), warnings: undefined };
  if (!count) {
    // Every endpoint's controls at once: their first tokens are minted side by side, and the
    // first request of the run waits for all of them.
    const protectedOnes = ctx.spec.endpoints.filter((endpoint) => !endpoint.public);
    const each = await Promise.all(protectedOnes.map((endpoint) => controlsOf(endpoint, s)));
    return { controls: each.flat() };
  }
  const controls: ProbeCase[] = [];
  let others = 0;
  for (const endpoint of ctx.spec.endpoints)
    for (const c of await casesFor(endpoint, s))
      if (c.control) controls.push(c);
      else others++;
  return { controls, others };
}

/** A protected endpoint's controls, as the first family of casesFor builds them. */
async function controlsOf(endpoint: ProbeEndpoint, ctx: CaseContext): Promise<ProbeCase[]> {
  const b = new ProtectedCases(endpoint, ctx);
  await controlsFamily.build(b);
  return b.cases;
}

/**
 * The second pass: the non-control cases, built endpoint by endpoint as they are sent, so a run
 * holds a few endpoints' cases at a time however long the spec is (tokens come from the mint
 * cache). One batch per endpoint: the stream takes cases from a batch without a promise each
 * (run/stream.ts). The spec's warnings go to `ctx.warnings` here, in the spec's order.
 */
export async function* streamCases(ctx: CaseContext): AsyncGenerator<ProbeCase[]> {
  const s = shared(ctx);
  // The first endpoint of each credential mints its tokens (~20 signatures): built one after
  // another, those kept the run's workers waiting with nothing in flight for ~20 ms of a 250 ms
  // run. Each endpoint's warnings are its own, so they come in the spec's order all the same.
  const built = ahead(ctx.spec.endpoints, BUILD_AHEAD, async (endpoint) => {
    const warnings: string[] = [];
    return { cases: await casesFor(endpoint, { ...s, warnings }), warnings };
  });
  for await (const { cases, warnings } of built) {
    ctx.warnings?.push(...warnings);
    const batch = cases.filter((c) => !c.control);
    if (batch.length) yield batch;
  }
}

/** How many endpoints streamCases builds at once (memory: as many batches, and the one being sent). */
const BUILD_AHEAD = 4;

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

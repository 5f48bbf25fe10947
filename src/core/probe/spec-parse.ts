import type { SourceMap } from '../verify/types.js';
import { normalizeSpec, quickSpec, type ProbeSpec } from './spec.js';
import { validateSpec } from './spec-zod.js';

/**
 * `checkProbeSpec` synchronously, for callers that cannot wait (the library's parseProbeSpec,
 * `probe init`'s draft check): zod is loaded with this module, not on demand.
 */
export function parseProbeSpec(raw: unknown, source: string, map?: SourceMap): ProbeSpec {
  return normalizeSpec(quickSpec(raw) ?? validateSpec(raw, source, map), source, map);
}

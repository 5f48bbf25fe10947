// The probe's public API: spec loading, the runner, verdicts, baselines.
export {
  loadProbeSpecFile,
  checkProbeSpec,
  findProbeSpecFile,
  type ProbeSpec,
  type ProbeEndpoint,
} from './spec.js';
export { parseProbeSpec } from './spec-parse.js';
export {
  runProbe,
  pool,
  type RunProbeOptions,
  type ProbeResult,
  type ProbeCaseResult,
  type ControlFailure,
} from './runner.js';
export {
  generateCases,
  isExcluded,
  FORGERIES,
  CLAIM_DEFECTS,
  type ProbeCase,
  type Outcome,
  type CaseContext,
} from './cases.js';
export {
  judge,
  hygiene,
  casePassed,
  type ProbeFinding,
  type Severity as ProbeSeverity,
  type HygieneIssue,
} from './verdict.js';
export {
  readBaseline,
  writeBaseline,
  buildBaseline,
  applyBaseline,
  probeExitCode,
  type ProbeBaseline,
} from './baseline.js';
export { HttpClient, waitFor, type ProbeRequest, type ProbeResponse } from './http.js';
export { curlCommand, maskRequest } from './curl.js';
export { measureSkew, SKEW_UPPER_BOUND, type SkewResult } from './skew.js';
export { VARIANT_NAMES, variantRequests, type VariantName } from './variants.js';
export { startJkuServer, type JkuServer } from './jku.js';

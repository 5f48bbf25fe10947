// `authctl/probe`: load a probe spec, run the matrix of requests against a service, judge the
// answers, and compare with a baseline.
export {
  loadProbeSpecFile,
  parseProbeSpec,
  findProbeSpecFile,
  runProbe,
  generateCases,
  judge,
  readBaseline,
  writeBaseline,
  buildBaseline,
  applyBaseline,
  probeExitCode,
  curlCommand,
  type ProbeSpec,
  type ProbeEndpoint,
  type RunProbeOptions,
  type ProbeResult,
  type ProbeCaseResult,
  type ControlFailure,
  type ProbeCase,
  type Outcome,
  type ProbeFinding,
  type ProbeSeverity,
  type ProbeBaseline,
  type ProbeRequest,
  type ProbeResponse,
} from '../core/probe/index.js';
export {
  draftSpecFromOpenApi,
  type DraftOptions,
  type DraftResult,
} from '../core/probe/openapi.js';
export {
  probeSpecSchema,
  type ProbeSpecConfig,
  type ProbeEndpointConfig,
  type ProbeCredentialConfig,
} from '../core/probe/config.js';

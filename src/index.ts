// The public programmatic API: everything a test or another tool may import.
export * from './core/errors.js';
export * from './core/duration.js';
export * from './core/mask.js';
export { writeFileAtomic, ensurePrivateDir } from './core/fs/atomic.js';
export { withFileLock } from './core/fs/lock.js';
export { loadConfig, type LoadedConfig, type LoadConfigOptions } from './core/config/load.js';
export { authctlConfigSchema, type AuthctlConfig } from './core/config/schema.js';
export * from './core/apikey/index.js';
export { apikeySchema, type ApikeyConfig } from './core/config/sections/apikey.js';
export * from './core/keys/algorithms.js';
export {
  Keystore,
  DEFAULT_GRACE_SECONDS,
  type KeystoreOptions,
  type SigningKey,
  type RotateKeysOptions,
  type RotateKeysResult,
} from './core/keys/keystore.js';
export type { KeyRecord, KeyStatus, Keyring } from './core/keys/keyring.js';
export { parseKeyMaterial, algorithmsForJwk, type ParsedKey } from './core/keys/material.js';
export {
  buildClaims,
  parseClaimAssignment,
  DEFAULT_CLAIMS_MAPPING,
  type ClaimsMapping,
  type BuildClaimsOptions,
} from './core/token/claims.js';
export {
  mintToken,
  DEFAULT_ISSUER,
  DEFAULT_TTL_SECONDS,
  type MintTokenOptions,
  type MintTokenResult,
} from './core/token/mint.js';
export {
  DEFECTS,
  DEFECT_KINDS,
  parseDefect,
  type DefectKind,
  type DefectInfo,
  type DefectSpec,
  type DefectOutcome,
} from './core/token/defects.js';
export { generateAttackerKey, type AttackerKey } from './core/token/forge.js';
export { decodeToken, type DecodedToken } from './core/token/decode.js';
export {
  verifyToken,
  type VerifyTokenOptions,
  type VerifyTokenResult,
  type VerifyCheck,
} from './core/token/verify.js';
export {
  keysFromKeystore,
  keysFromFile,
  keysFromJwksUrl,
  keysFromDiscovery,
  fetchJson,
  type VerificationKeys,
} from './core/token/keysource.js';
export { resolveSecret, decodeSecret, type SecretEncoding } from './core/token/secret.js';
export {
  resolveTokenSettings,
  mappingFromConfig,
  findPreset,
  type TokenSettings,
} from './core/token/settings.js';
export { getAtPointer, setAtPointer, deleteAtPointer, parsePointer } from './core/jsonpointer.js';
// AWS SigV4 / SigV2: signRequest, presignUrl, signV2Query, verifySignedRequest, ... (src/core/sigv4)
export * from './core/sigv4/index.js';
// verify-config / init / config schema (src/core/verify) and the report renderers (src/core/report).
export * from './core/verify/index.js';
export {
  RENDERERS,
  REPORT_FORMATS,
  render,
  probeDocument,
  verifyDocument,
  type ReportDocument,
  type ReportFinding,
  type ReportFormat,
  type RenderOptions,
  type Renderer,
} from './core/report/index.js';
// authctl probe: spec, runner, verdicts, baselines (src/core/probe)
export * from './core/probe/index.js';
export { draftSpecFromOpenApi, type DraftOptions, type DraftResult } from './core/probe/openapi.js';
export {
  probeSpecSchema,
  type ProbeSpecConfig,
  type ProbeEndpointConfig,
  type ProbeCredentialConfig,
} from './core/config/sections/probe.js';
// authctl idp: the mock OIDC issuer (src/core/idp)
export {
  startIdpServer,
  createIdpDeps,
  type StartIdpServerOptions,
  type IdpServer,
} from './core/idp/server.js';
export { createIdpHandler } from './core/idp/handler.js';
export { resolveIdpSettings, DEFAULT_IDP_PORT, DEFAULT_IDP_HOST } from './core/idp/settings.js';
export { ENDPOINTS as IDP_ENDPOINTS, endpointUrl } from './core/idp/paths.js';
export { discoveryDocument } from './core/idp/discovery.js';
export { IdpClock, type IdpClockState } from './core/idp/clock.js';
export {
  waitForIssuer,
  discoveryUrl,
  type WaitForIssuerOptions,
  type WaitForIssuerResult,
} from './core/idp/wait.js';
export { doctorIssuer, type DoctorReport, type DoctorCheck } from './core/idp/doctor.js';
export { callControl, controlBase } from './core/idp/control-client.js';
export type { IdpDeps, IdpSettings, IssuerContext } from './core/idp/types.js';
export {
  idpSchema,
  IDP_LAYOUTS,
  type IdpConfig,
  type IdpClientConfig,
  type IdpUserConfig,
  type IdpIssuerConfig,
  type IdpLayout,
} from './core/config/sections/idp.js';
export { runDemo, type DemoOptions, type DemoResult, type DemoStep } from './core/demo/run.js';
export { DEMO_EXAMPLES, type DemoExample } from './core/demo/scenarios.js';

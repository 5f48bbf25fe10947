// `authctl/idp`: the mock OpenID Connect issuer, started in-process, and the clients that wait for,
// diagnose and control a running one.
export {
  startIdpServer,
  createIdpDeps,
  type StartIdpServerOptions,
  type IdpServer,
} from '../core/idp/server.js';
export { createIdpHandler } from '../core/idp/handler.js';
export { resolveIdpSettings, DEFAULT_IDP_PORT, DEFAULT_IDP_HOST } from '../core/idp/settings.js';
export { ENDPOINTS as IDP_ENDPOINTS, endpointUrl } from '../core/idp/paths.js';
export { discoveryDocument } from '../core/idp/discovery.js';
export { IdpClock, type IdpClockState } from '../core/idp/clock.js';
export {
  waitForIssuer,
  discoveryUrl,
  type WaitForIssuerOptions,
  type WaitForIssuerResult,
} from '../core/idp/wait.js';
export { doctorIssuer, type DoctorReport, type DoctorCheck } from '../core/idp/doctor.js';
export { callControl, controlBase } from '../core/idp/control-client.js';
export type { IdpDeps, IdpSettings, IssuerContext } from '../core/idp/types.js';
export {
  idpSchema,
  IDP_LAYOUTS,
  type IdpConfig,
  type IdpClientConfig,
  type IdpUserConfig,
  type IdpIssuerConfig,
  type IdpLayout,
} from '../core/idp/config.js';

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthctlConfig } from '../config/schema.js';
import type { AuthFeatures } from './auth-features.js';
import type { IdpClientConfig, IdpLayout, IdpUserConfig } from './config.js';
import type { IdpVendor } from './constants.js';
import type { JWTAlgorithm } from '../keys/algorithms.js';
import type { ClaimsMapping } from '../token/claims.js';
import type { IdpClock } from './clock.js';
import type { IdpKeys } from './keys.js';
import type { IssuerStore } from './store.js';
import type { Faults } from './faults.js';
import type { RequestCapture } from './capture.js';

/** One issuer served by the mock (the root one, or one of `[idp.issuers.*]`). */
export interface IssuerContext {
  id: string;
  /** URL path prefix on this server: '' for the root issuer, '/tenant-a' for others. */
  path: string;
  /** The published issuer URL (exactly the `iss` claim and discovery `issuer`). */
  url: string;
  /** The published server URL its endpoint paths join (`[idp] issuer_url` without a trailing slash). */
  serverUrl: string;
  /** Whose paths, issuer format, token header and error bodies it imitates (src/core/idp/vendors/). */
  vendor: IdpVendor;
  layout: IdpLayout;
  mapping: Partial<ClaimsMapping>;
  alg: JWTAlgorithm;
  audience?: string[];
  ttlSeconds: number;
  tenant?: string;
  claims: Record<string, unknown>;
  /** Signs with its own keystore (`keys = "own"`) instead of the shared one. */
  ownKeys: boolean;
}

/** The issuer's settings, resolved from config and flags. Clients and users may change at run time. */
export interface IdpSettings {
  /** Published base URL (no trailing slash). */
  baseUrl: string;
  issuers: IssuerContext[];
  clients: Map<string, IdpClientConfig>;
  users: Map<string, IdpUserConfig>;
  control: boolean;
  /**
   * The server listens on a loopback address only. Requests must then be addressed to a local host
   * name (or the published one): a web page using DNS rebinding cannot reach the control API.
   */
  loopbackOnly?: boolean;
  /** Bearer token every /_authctl/ request must carry (off loopback, or when AUTHCTL_CONTROL_TOKEN is set). */
  controlToken?: string;
  /** Extra web origins allowed to read answers (CORS) and send authctl_claims (`--cors-origin`, `[idp] cors_origins`). */
  corsOrigins?: string[];
  refreshTtlSeconds: number;
  /** Cap of each in-memory table (codes, refresh tokens, revocations, ...): `[idp] max_entries`. */
  maxEntries?: number;
  codeTtlSeconds: number;
  /** JWT client authentication, jwt-bearer, DPoP, access-token format (`[idp]`; none when absent). */
  auth?: AuthFeatures;
  /** The full authctl config (token presets, [token] defaults). */
  authctl: AuthctlConfig;
}

/** Everything a handler needs, passed as one plain object. */
export interface IdpDeps {
  clock: IdpClock;
  /** The shared keystore (the one `authctl token mint` uses). */
  keys: IdpKeys;
  /** Keystores of issuers with `keys = "own"`, by issuer id. */
  issuerKeys: Map<string, IdpKeys>;
  settings: IdpSettings;
  store: IssuerStore;
  faults: Faults;
  capture: RequestCapture;
  /** One access-log line per request (already masked). */
  log: (line: string) => void;
}

/** A parsed request as the handlers see it. */
export interface IdpRequest {
  method: string;
  /** Path relative to the issuer (or server for control/health). */
  path: string;
  url: URL;
  headers: IncomingMessage['headers'];
  /** Form or JSON body, flattened to strings (a repeated form key keeps its first value; see `repeated`). */
  body: Record<string, string>;
  /** All values of the repeatable parameters (`resource`, `audience`) of the request's parameters. */
  lists: Record<string, string[]>;
  /** Parameters sent more than once that may not repeat (RFC 6749 §3.1): refused as invalid_request. */
  repeated: string[];
  /** The Content-Type of a non-empty body that is not a form (OAuth endpoints refuse it). */
  nonFormBody?: string;
  /** Raw JSON body for control endpoints. */
  json?: unknown;
  raw: IncomingMessage;
}

export interface IdpResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Client id to put in the access log and request capture. */
  clientId?: string;
}

export type Handler = (
  req: IdpRequest,
  issuer: IssuerContext,
  deps: IdpDeps,
) => Promise<IdpResponse> | IdpResponse;

export type { IncomingMessage, ServerResponse };

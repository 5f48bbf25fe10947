// The `[probe]` section of authctl's config (and the probe spec file): owned here, composed by
// config/schema.ts.
import * as z from 'zod';
import { JWT_ALGORITHMS } from '../keys/algorithms.js';
import { PRESIGN_SCHEMES, PROBE_SEVERITIES, PROBE_VARIANT_NAMES } from './spec-names.js';

export { PRESIGN_SCHEMES, PROBE_SEVERITIES, PROBE_VARIANT_NAMES };

/**
 * The probe spec: `[probe]` in authctl's config, or a standalone probe.toml / probe.json with the
 * same keys at the top level. One schema serves both (and `authctl config schema`).
 */

const jsonPointer = z
  .string()
  .regex(/^(\/([^~/]|~[01])*)*$/, 'must be an RFC 6901 JSON pointer such as /tid or /org/id');
const duration = z.union([z.string(), z.number()]).describe('duration: 90s, 15m, 2h, or seconds');
const stringList = z.union([z.string(), z.array(z.string())]);
const status = z.number().int().min(100).max(599);
const statusList = z.array(status).min(1);

const severityPolicy = z
  .record(
    z.string(),
    z.enum(PROBE_SEVERITIES, { error: `must be one of ${PROBE_SEVERITIES.join(', ')}` }),
  )
  .describe('e.g. { "jwt:no-exp" = "error", "probe/hidden-as-404" = "off" }');
const variantsOption = z.union([z.boolean(), z.array(z.enum(PROBE_VARIANT_NAMES))], {
  error: `must be true, false or a list of ${PROBE_VARIANT_NAMES.join(', ')}`,
});

/** The service's HMAC secret for HS*, as `authctl token mint` reads it, so a spec is self-contained. */
const hmacSecret = {
  secret_env: z
    .string()
    .optional()
    .describe('environment variable holding the HS256/384/512 secret the service verifies with'),
  secret_file: z
    .string()
    .optional()
    .describe('file holding that secret (relative to the spec file)'),
  secret_encoding: z
    .enum(['utf8', 'base64', 'base64url', 'hex'])
    .optional()
    .describe('how the secret is written (Relay: base64)'),
};

/** `[jwt]`: how tokens are minted from authctl's keystore (falls back to config `[token]`). */
export const probeJwtSchema = z.strictObject({
  ...hmacSecret,
  issuer: z
    .string()
    .optional()
    .describe('iss of minted tokens (default: [token].issuer, else http://127.0.0.1:9400)'),
  audience: stringList.optional(),
  alg: z.enum(JWT_ALGORITHMS).optional(),
  ttl: duration.optional(),
  tenant_claim: jsonPointer.optional(),
  roles_claim: jsonPointer.optional(),
  scope_claim: z.string().optional(),
  scope_format: z.enum(['string', 'array']).optional(),
});

const jwtCredential = z.strictObject({
  type: z.literal('jwt'),
  preset: z.string().optional().describe('start from a [tokens.NAME] preset of authctl config'),
  sub: z.string().optional(),
  tenant: z.string().optional(),
  roles: z.array(z.string()).optional(),
  scopes: z.array(z.string()).optional(),
  audience: stringList.optional(),
  issuer: z.string().optional(),
  alg: z.enum(JWT_ALGORITHMS).optional(),
  claims: z.record(z.string(), z.unknown()).optional(),
  ...hmacSecret,
  revoke: z
    .strictObject({
      method: z
        .string()
        .regex(/^[A-Za-z]+$/, 'must be an HTTP method such as POST')
        .default('POST'),
      path: z.string().startsWith('/', 'must start with /'),
      body: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
      headers: z.record(z.string(), z.string()).optional(),
    })
    .optional()
    .describe(
      "the service's own revocation endpoint (e.g. POST /auth/logout), called with a fresh token of this credential",
    ),
  revoke_within: duration
    .optional()
    .describe(
      'how soon after revocation the token must be refused (default 0s: on the next request)',
    ),
});

const idpCredential = z.strictObject({
  type: z.literal('idp'),
  token_url: z
    .string()
    .describe("the mock issuer's token endpoint, e.g. http://127.0.0.1:9400/token"),
  client_id: z.string().default('authctl-probe'),
  client_secret: z.string().optional(),
  client_secret_env: z.string().optional(),
  scope: z.string().optional(),
  /** Extra form parameters (the mock issuer accepts sub, tenant, roles...). */
  params: z.record(z.string(), z.string()).optional(),
  revoke: z
    .union([z.boolean(), z.url({ protocol: /^https?$/ })])
    .optional()
    .describe(
      "true: revoke a fresh token at the issuer's /revoke (RFC 7009) and require the service to refuse it; or that endpoint's URL",
    ),
  revoke_within: duration
    .optional()
    .describe(
      'how soon after the issuer revoked the token the service must refuse it (default 0s: the next request)',
    ),
});

const envCredential = z.strictObject({
  type: z.literal('env'),
  env: z.string().describe('environment variable holding a real token'),
  header: z.string().default('Authorization'),
  scheme: z.string().default('Bearer').describe('prefix before the value ("" for none)'),
  revoked_env: z
    .string()
    .optional()
    .describe('environment variable holding a revoked token the service knows (case jwt:revoked)'),
});

const apikeyCredential = z.strictObject({
  type: z.literal('apikey'),
  env: z.string().optional().describe('environment variable holding a valid API key'),
  key: z.string().optional().describe('a valid API key (prefer env)'),
  header: z.string().default('X-API-Key'),
  scheme: z.string().optional().describe('e.g. "Bearer" to send it as Authorization: Bearer KEY'),
  revoked_env: z
    .string()
    .optional()
    .describe('environment variable holding a revoked key the service knows'),
});

const sigv4Credential = z.strictObject({
  type: z.literal('sigv4'),
  access_key_id: z.string().optional(),
  access_key_id_env: z.string().optional(),
  secret_access_key: z.string().optional(),
  secret_access_key_env: z.string().optional(),
  session_token_env: z.string().optional(),
  region: z.string().default('us-east-1'),
  service: z.string().default('s3'),
  presign: z
    .boolean()
    .default(false)
    .describe('send presigned URLs instead of an Authorization header'),
});

const presignedCredential = z.strictObject({
  type: z.literal('presigned'),
  url_env: z
    .string()
    .optional()
    .describe(
      'environment variable holding one valid presigned URL (or path?query) from the service',
    ),
  command: z
    .array(z.string())
    .min(1)
    .optional()
    .describe(
      'argv of a command printing one (run without a shell), e.g. ["node", "presign.mjs", "GET", "/bucket/key"]',
    ),
  scheme: z.enum(['sigv4', 'sigv2', 'k3', 'custom']).default('custom'),
  signature_param: z.string().optional().describe('the signature parameter (default from scheme)'),
  expires_param: z.string().optional(),
  tenant_param: z.string().optional(),
  params: z
    .array(z.string())
    .optional()
    .describe("the scheme's signed parameters (default: every parameter of the URL)"),
});

const headersCredential = z.strictObject({
  type: z.literal('headers'),
  headers: z
    .record(z.string(), z.string())
    .describe('dev headers, e.g. X-Dev-User-Id and X-Org-Id'),
});

export const probeCredentialSchema = z.discriminatedUnion('type', [
  jwtCredential,
  idpCredential,
  envCredential,
  apikeyCredential,
  sigv4Credential,
  presignedCredential,
  headersCredential,
]);

export const probeEndpointSchema = z.strictObject({
  method: z
    .string()
    .regex(/^[A-Za-z]+$/, 'must be an HTTP method such as GET')
    .default('GET'),
  path: z.string().startsWith('/', 'must start with /'),
  name: z.string().optional(),
  body: z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  params: z
    .record(z.string(), z.string())
    .optional()
    .describe('values for {name} placeholders in path'),
  public: z.boolean().default(false),
  allow: z.array(z.string()).default([]),
  deny: z.array(z.string()).default([]),
  tenant: z
    .string()
    .optional()
    .describe('the tenant owning this resource: adds cross-tenant cases'),
  scopes: z
    .array(z.string())
    .optional()
    .describe('scopes the endpoint requires: adds a missing-scope case'),
  roles: z
    .array(z.string())
    .optional()
    .describe('roles the endpoint requires: adds a missing-role case'),
  status: statusList
    .optional()
    .describe('success statuses for allow credentials (default any 2xx/3xx)'),
  unauthenticated_status: statusList
    .optional()
    .describe('accepted statuses for authentication failures (default [401])'),
  forbidden_status: statusList
    .optional()
    .describe('accepted statuses for authorization failures (default [403])'),
  tenant_mismatch_status: statusList
    .optional()
    .describe('accepted statuses for cross-tenant cases (default [tenants].mismatch_status)'),
  variants: variantsOption.optional(),
  exclude: z
    .array(z.string())
    .default([])
    .describe('case ids to skip, e.g. ["jku", "variant:head"]'),
  severity: severityPolicy
    .optional()
    .describe("this endpoint's severity policy (over the top-level [severity])"),
});

/** `[rotation]`: rotate the mock issuer's keys at the end of the run and time the service's JWKS refresh. */
export const probeRotationSchema = z.strictObject({
  issuer: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe(
      "the `authctl idp serve` the service trusts (its control API rotates keys); default: the credential's token_url, else [jwt].issuer",
    ),
  issuer_id: z.string().optional().describe('which issuer of a multi-issuer server to rotate'),
  credential: z
    .string()
    .optional()
    .describe('a jwt or idp credential signed by that issuer (default: the first one)'),
  refresh_within: duration.describe(
    "the service's JWKS refresh bound: new-key tokens must get in by then (DataPress: jwks_refresh_secs)",
  ),
  retire_within: duration
    .optional()
    .describe(
      'how soon after the grace ends the retired key must be refused (default refresh_within)',
    ),
  grace: duration
    .default('1h')
    .describe('grace the probe rotates with; the probe ends it early through the control API'),
  control_token_env: z
    .string()
    .default('AUTHCTL_CONTROL_TOKEN')
    .describe("environment variable holding the issuer's control token (off loopback)"),
});

export const probeSpecSchema = z.strictObject({
  $schema: z.string().optional(),
  base_url: z
    .url({ protocol: /^https?$/ })
    .describe('where the service listens, e.g. http://127.0.0.1:8080'),
  jwt: probeJwtSchema.optional(),
  credentials: z.record(z.string(), probeCredentialSchema).default({}),
  endpoints: z.array(probeEndpointSchema).min(1, 'list at least one [[endpoints]]'),
  params: z
    .record(z.string(), z.string())
    .optional()
    .describe('default values for {name} placeholders'),
  tenants: z
    .strictObject({
      mismatch_status: statusList
        .default([403])
        .describe('what a token of another tenant gets: [403], [404] or [403, 404]'),
      headers: z
        .array(z.string())
        .default(['X-Org-Id', 'x-organization-id'])
        .describe('tenant headers a client could spoof'),
      other: z
        .string()
        .optional()
        .describe('the foreign tenant used in cross-tenant tokens (default <tenant>-other)'),
      status_claim: jsonPointer
        .optional()
        .describe(
          'claim carrying the tenant status (e.g. /org_status): adds tenant:suspended to every protected endpoint',
        ),
      status_header: z
        .string()
        .optional()
        .describe(
          'header carrying the tenant status for headers credentials (K3 pass-through: x-organization-status)',
        ),
      suspended_value: z
        .string()
        .default('suspended')
        .describe('the status value of a suspended tenant'),
    })
    .optional(),
  variants: variantsOption
    .default(true)
    .describe('path/method variants for deny cases: true, false or a list'),
  measure_skew: z
    .boolean()
    .default(true)
    .describe('measure how far in the past exp may be and still be accepted'),
  dev_headers: z
    .record(z.string(), z.string())
    .optional()
    .describe('headers that must NOT authenticate on their own (default X-Dev-User-Id, X-Org-Id)'),
  concurrency: z.number().int().min(1).max(256).optional(),
  timeout: duration.optional(),
  severity: severityPolicy.optional().describe('severity policy for every endpoint, by finding id'),
  rotation: probeRotationSchema.optional(),
});

/** `[probe]` section of authctl's config: the same spec, but base_url/endpoints may come from a --spec file. */
export const probeSchema = probeSpecSchema.partial();

/** The section as authctl's config holds it (config/schema.ts, config/sections.ts). */
export const probeSection = probeSchema.optional();

export type ProbeSpecConfig = z.infer<typeof probeSpecSchema>;
export type ProbeEndpointConfig = z.infer<typeof probeEndpointSchema>;
export type ProbeCredentialConfig = z.infer<typeof probeCredentialSchema>;

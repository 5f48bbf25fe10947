// Names a probe spec's values are drawn from, for its schema (config.ts) and the code that acts on
// them: the run imports these without the schema, which builds zod's objects (~8 ms of start-up).

/** Ways of reaching the same resource that must still be refused (see core/probe/variants.ts). */
export const PROBE_VARIANT_NAMES = [
  'head',
  'options',
  'trailing-slash',
  'upper-case',
  'percent-encoded',
  'method-override',
] as const;

/** Severity policy: finding id (case, check, family or rule) → severity, or "off" to drop the finding. */
export const PROBE_SEVERITIES = ['critical', 'error', 'warning', 'off'] as const;

/** Known query-signed schemes: which parameter is the signature, the expiry, the tenant. */
export const PRESIGN_SCHEMES = {
  sigv4: { signature: 'X-Amz-Signature', expires: 'X-Amz-Expires' },
  sigv2: { signature: 'Signature', expires: 'Expires' },
  k3: { signature: 'X-K3-Token', expires: 'X-K3-Expires', tenant: 'X-K3-Org' },
} as const;

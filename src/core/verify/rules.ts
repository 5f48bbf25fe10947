import type { Severity, Target } from './types.js';

export type Level = Severity | 'off';
/** One level for every target, or [development, staging, production]. */
export type Levels = Level | readonly [Level, Level, Level];

export interface RuleSpec {
  summary: string;
  levels: Levels;
  /** Why the rule matters and how to fix it, beyond the summary (a profile file's `explain`). */
  explain?: string;
}

const DSP = (development: Level, staging: Level, production: Level) =>
  [development, staging, production] as const;

/**
 * The rules of the checks built into authctl, with their severity per target. Rule ids are stable:
 * CI filters and SARIF baselines refer to them. A profile file defines its service's own rules
 * (recsys/…, relay/…, k3/…, postgrest/…) under [rules]; `--list-rules` shows both.
 */
export const RULES = {
  'config/syntax-error': { summary: 'the file is not valid TOML, JSON or dotenv', levels: 'error' },
  'config/unknown-key': {
    summary: 'a key the service does not read (often a typo)',
    levels: 'error',
  },
  'config/invalid-type': { summary: 'a value of the wrong type', levels: 'error' },
  'config/invalid-value': { summary: 'a value outside the allowed set', levels: 'error' },
  'config/invalid-format': { summary: 'a string in the wrong format', levels: 'error' },
  'config/out-of-range': { summary: 'a number or list outside its limits', levels: 'error' },
  'config/missing-required': { summary: 'a required key is missing', levels: 'error' },
  'config/placeholder-value': {
    summary: 'a value pasted from docs with its angle-bracket placeholder left in',
    levels: DSP('warning', 'error', 'error'),
  },
  'config/invalid-duration': { summary: 'a duration that cannot be parsed', levels: 'error' },
  'env/invalid-boolean': { summary: 'an environment flag that is not true/false', levels: 'error' },
  'env/undefined-variable': {
    summary: 'a ${NAME} reference in a .env that no --env-file defines',
    levels: DSP('warning', 'error', 'error'),
  },
  'auth/disabled': {
    summary: 'authentication is turned off',
    levels: DSP('info', 'warning', 'error'),
  },
  'auth/dev-headers-enabled': {
    summary: 'trust-the-caller dev headers are on',
    levels: DSP('info', 'warning', 'error'),
  },
  'auth/insecure-issuer': {
    summary: 'plain-HTTP issuer on a non-loopback host',
    levels: DSP('info', 'warning', 'error'),
  },
  'auth/invalid-url': { summary: 'a URL that does not parse', levels: 'error' },
  'auth/placeholder-secret': {
    summary: 'a secret that looks like a placeholder',
    levels: DSP('warning', 'error', 'error'),
  },
  'auth/weak-hmac-secret': {
    summary: "an HMAC secret shorter than the algorithm's hash (RFC 7518 §3.2)",
    levels: DSP('warning', 'error', 'error'),
  },
  'auth/algorithm-not-allowed': {
    summary: 'an algorithm the service does not accept',
    levels: 'error',
  },
  'auth/no-algorithms': {
    summary: 'an empty algorithm allow-list rejects every token',
    levels: 'error',
  },
  'auth/issuer-required': { summary: 'auth is enabled without an issuer', levels: 'error' },
  'auth/issuer-mismatch': {
    summary: 'two issuer settings differ (often only by a trailing slash)',
    levels: 'error',
  },
  'auth/jwks-refresh-clamped': {
    summary: 'jwks_refresh_secs below 60 is clamped to 60',
    levels: 'warning',
  },
  'auth/leeway-too-large': { summary: 'clock-skew leeway above 5 minutes', levels: 'warning' },
  'auth/tenant-claim-not-pointer': {
    summary: 'tenant_claim must be an RFC 6901 JSON pointer',
    levels: 'error',
  },
  'auth/allowed-tenants-without-claim': {
    summary: 'allowed_tenants has no effect without tenant_claim',
    levels: 'error',
  },
  'auth/anonymous-read-with-scopes': {
    summary: 'anonymous_read makes read_scopes unused',
    levels: 'warning',
  },
  'auth/anonymous-read': {
    summary: 'read endpoints are public',
    levels: DSP('off', 'info', 'warning'),
  },
  'auth/audience-empty': {
    summary: 'an empty audience disables aud validation',
    levels: DSP('info', 'warning', 'warning'),
  },
  'auth/audience-is-issuer': {
    summary: 'the audience is the issuer URL, not an API identifier',
    levels: 'warning',
  },
  'auth/admin-token-fallback': {
    summary: 'the legacy shared X-Admin-Token still works',
    levels: DSP('off', 'off', 'info'),
  },
  'auth/public-docs': {
    summary: 'interactive API docs are served',
    levels: DSP('off', 'info', 'warning'),
  },
  'auth/invalid-header-name': { summary: 'not a valid HTTP header name', levels: 'error' },
  'agentflow/invalid-auth': {
    summary: 'auth must be null, "jwt" or {method: "custom", path}',
    levels: 'error',
  },
  'agentflow/invalid-import-path': {
    summary: 'an import path must look like module.sub:Name',
    levels: 'error',
  },
  'agentflow/jwt-secret-missing': { summary: 'auth "jwt" without JWT_SECRET_KEY', levels: 'error' },
  'agentflow/jwt-algorithm-missing': { summary: 'JWT_ALGORITHM is not set', levels: 'warning' },
  'agentflow/key-algorithm-mismatch': {
    summary: 'JWT_SECRET_KEY does not fit JWT_ALGORITHM (HMAC secret vs PEM key)',
    levels: 'error',
  },
  'auth/cors-wildcard': {
    summary: 'any origin may call the API from a browser',
    levels: DSP('off', 'info', 'warning'),
  },
  'agentflow/env-file-missing': { summary: 'the "env" file does not exist', levels: 'warning' },
  'authctl/hmac-secret-missing': {
    summary: 'an HS* algorithm without secret_env or secret_file',
    levels: 'error',
  },
  'online/issuer-unreachable': {
    summary: 'the issuer discovery document could not be fetched',
    levels: 'warning',
  },
  'online/discovery-invalid': { summary: 'the discovery document is not usable', levels: 'error' },
  'online/issuer-mismatch': {
    summary: "discovery's issuer differs from the configured one",
    levels: 'error',
  },
  'online/jwks-unreachable': { summary: 'the JWKS could not be fetched in time', levels: 'error' },
  'online/no-key-for-algorithm': {
    summary: 'the JWKS has no key for an allowed algorithm',
    levels: 'error',
  },
  'online/algorithm-not-advertised': {
    summary: 'the issuer does not advertise an allowed algorithm',
    levels: 'warning',
  },
  'online/scope-not-advertised': {
    summary: 'a required scope is not in scopes_supported (which may legitimately omit scopes)',
    levels: 'info',
  },
  // Rules profile files reach through a key's meaning (src/core/verify/engine/meanings.ts).
  'config/deprecated-key': { summary: 'a deprecated key', levels: 'warning' },
  'config/renamed-key': { summary: 'a key under its old name', levels: 'warning' },
  'config/conflicting-keys': { summary: 'two keys that must not be set together', levels: 'error' },
  'auth/invalid-secret-length': {
    summary: 'a secret whose decoded length the service does not accept',
    levels: 'error',
  },
  'auth/weak-password': {
    summary: 'an admin password or shared secret shorter than its minimum',
    levels: DSP('warning', 'error', 'error'),
  },
  'auth/security-check-disabled': {
    summary: 'a flag turns off a security check (TLS, issuer verification, secure cookies)',
    levels: DSP('info', 'warning', 'error'),
  },
  'auth/everyone-allowed': {
    summary: 'an allow-list of users or domains is a wildcard',
    levels: DSP('info', 'warning', 'error'),
  },
  'auth/anonymous-access': {
    summary: 'requests without a token are served under a role',
    levels: DSP('off', 'info', 'info'),
  },
  'auth/claim-path-invalid': {
    summary: 'a claim path not in the form the service reads',
    levels: 'error',
  },
  'auth/jwks-cache-out-of-range': {
    summary: 'a JWKS cache duration outside its sensible range',
    levels: 'warning',
  },
} as const satisfies Record<string, RuleSpec>;

export type RuleId = keyof typeof RULES;

/** The severity of `rule` for `target`, or undefined when the rule is off there. */
export function severityFor(rule: RuleId, target: Target): Severity | undefined {
  return levelFor(RULES[rule].levels, target);
}

/** The level of `levels` for `target` (profile files define rules and re-level built-in ones). */
export function levelFor(levels: Levels, target: Target): Severity | undefined {
  const level =
    typeof levels === 'string'
      ? levels
      : levels[target === 'development' ? 0 : target === 'staging' ? 1 : 2];
  return level === 'off' ? undefined : level;
}

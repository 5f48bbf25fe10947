import { PROBE_VARIANT_NAMES } from './spec-names.js';
import { usageError } from '../errors.js';
import { defectChecks } from '../token/defects.js';
import { closest } from '../suggest.js';
import type { SourceMap } from '../verify/types.js';
import { locate } from '../verify/locate/offsets.js';
import type { ProbeFinding, Severity } from './finding.js';

/** A spec's `[severity]` table (or an endpoint's `severity = {...}`): finding id → severity or "off". */
export type SeverityPolicy = Record<string, Severity | 'off'>;

/**
 * The default severity of each rule, and why (documented in docs/probe.md). The verdict code assigns
 * these; a policy only changes them. Kept here so the documentation, the did-you-mean list and the
 * code agree.
 */
export const DEFAULT_SEVERITIES: Record<string, { severity: Severity; why: string }> = {
  'probe/accepts-invalid-credential': {
    severity: 'critical',
    why: 'a forged, expired or wrongly signed credential got in: anyone can get in',
  },
  'probe/accepts-unauthenticated': {
    severity: 'critical',
    why: 'a request without a valid credential got in',
  },
  'probe/accepts-unauthorized': {
    severity: 'critical',
    why: 'a valid caller reached what its role, scope or tenant must not reach',
  },
  'probe/variant-bypass': {
    severity: 'critical',
    why: 'a refused request got in by spelling the path or method differently',
  },
  'probe/status-swapped': {
    severity: 'error',
    why: 'refused, but 401 and 403 swapped: clients retry or give up wrongly',
  },
  'probe/unexpected-status': {
    severity: 'error',
    why: 'refused with a status the spec does not allow',
  },
  'probe/server-error': {
    severity: 'error',
    why: 'a bad credential crashed the handler (5xx): refused by accident',
  },
  'probe/timeout': {
    severity: 'error',
    why: 'no answer in time: a hang on bad input is a denial of service',
  },
  'probe/valid-credential-refused': {
    severity: 'error',
    why: 'a caller that must get in was locked out',
  },
  'probe/public-locked': {
    severity: 'error',
    why: 'a public endpoint (health, readiness) needs credentials',
  },
  'probe/revocation-failed': {
    severity: 'error',
    why: "the service's own revocation endpoint did not revoke (logout does not log out)",
  },
  'probe/rotation-new-key-refused': {
    severity: 'error',
    why: "after the issuer rotated, its new key's tokens were refused past the JWKS refresh bound: every caller is locked out at each rotation",
  },
  'probe/hidden-as-404': {
    severity: 'warning',
    why: 'refused, as 404: hiding a resource may be intended',
  },
  'probe/jku-fetched': {
    severity: 'warning',
    why: 'the service fetched a URL from a token (SSRF), even if it refused the token',
  },
  'probe/clock-skew': {
    severity: 'warning',
    why: 'expired tokens accepted for more than 5 minutes',
  },
  'probe/hygiene-www-authenticate': {
    severity: 'warning',
    why: 'RFC 6750 conformance, no access granted',
  },
  'probe/hygiene-invalid-token': {
    severity: 'warning',
    why: 'RFC 6750 conformance, no access granted',
  },
  'probe/hygiene-insufficient-scope': {
    severity: 'warning',
    why: 'RFC 6750 conformance, no access granted',
  },
  'probe/hygiene-5xx': { severity: 'warning', why: 'also reported as an error on the case itself' },
  'probe/hygiene-set-cookie-on-401': {
    severity: 'warning',
    why: 'a session for an unauthenticated caller',
  },
  'probe/hygiene-echoed-credential': { severity: 'warning', why: 'credentials end up in logs' },
  'probe/hygiene-stack-trace': { severity: 'warning', why: 'leaks internals' },
  'probe/hygiene-cors': { severity: 'warning', why: 'any origin may send credentialed requests' },
};

/** Case ids and families a policy key may name (besides `deny:NAME`, `allow:NAME` and variant suffixes). */
export const FINDING_IDS = [
  'public',
  'no-credentials',
  'malformed-authorization',
  'bearer-garbage',
  'dev-headers',
  'skew',
  'jwt',
  // Every defect the probe tries as jwt:KIND (token/defects.ts).
  ...defectChecks()
    .map((d) => d.check)
    .filter((check) => check.startsWith('jwt:')),
  'jwt:weak-secret',
  'jwt:revoked',
  'jwt:rotation',
  'jwt:rotation:new-key',
  'jwt:rotation:grace',
  'jwt:rotation:retired-key',
  'revoked',
  'tenant',
  'tenant:missing-claim',
  'tenant:other',
  'tenant:other-path',
  'tenant:spoofed-header',
  'tenant:suspended',
  'scope',
  'scope:missing',
  'role',
  'role:missing',
  'deny',
  'apikey',
  'apikey:unknown',
  'apikey:bad-checksum',
  'apikey:truncated',
  'apikey:revoked',
  'sigv4',
  'sigv4:wrong-secret',
  'sigv4:tampered-query',
  'sigv4:expired-presign',
  'presign',
  'presign:path',
  'presign:method',
  'presign:param',
  'presign:param-removed',
  'presign:param-added',
  'presign:expires-later',
  'presign:tenant-swapped',
  'presign:signature-truncated',
  'presign:signature-recased',
  'variant',
  ...PROBE_VARIANT_NAMES.map((v) => `variant:${v}`),
];

/** Is `key` something a finding can be named by? `deny:reader/head` style ids are checked part by part. */
function knownKey(key: string, credentials: readonly string[]): boolean {
  if (key in DEFAULT_SEVERITIES || FINDING_IDS.includes(key)) return true;
  const [head, variant] = key.split('/');
  if (variant !== undefined && !(PROBE_VARIANT_NAMES as readonly string[]).includes(variant))
    return false;
  const m = /^(deny|allow|revoked):(.+)$/.exec(head!);
  if (m) return credentials.includes(m[2]!);
  // Sub-variants of a family: jwt:alg-none-case:None, jwt:kid-injection:sql, jwt:weak-secret:3.
  return variant === undefined
    ? FINDING_IDS.some((id) => id.includes(':') && key.startsWith(`${id}:`))
    : head === 'no-credentials';
}

/**
 * Checks every key of a policy names a finding, with a did-you-mean and the key's position in the
 * spec (values are checked by the schema).
 */
export function checkSeverityPolicy(
  policy: SeverityPolicy | undefined,
  keyPath: (string | number)[],
  credentials: readonly string[],
  source: string,
  map?: SourceMap,
): void {
  for (const key of Object.keys(policy ?? {})) {
    if (knownKey(key, credentials)) continue;
    const candidates = [
      ...FINDING_IDS,
      ...Object.keys(DEFAULT_SEVERITIES),
      ...credentials.map((c) => `deny:${c}`),
      ...credentials.map((c) => `revoked:${c}`),
    ];
    const suggestion = closest(key, candidates);
    const position = locate(map, [...keyPath, key]) ?? locate(map, keyPath);
    throw usageError(
      'ERR_PROBE_SPEC_INVALID',
      `${keyPath
        .map((p) => (typeof p === 'number' ? `[${p}]` : p))
        .join('.')
        .replace(/\.\[/g, '[')}: no finding "${key}"`,
      {
        where: position ? `${source}:${position.line}:${position.column}` : source,
        hint: suggestion
          ? `did you mean "${suggestion}"?`
          : 'name a case (jwt:no-exp), a family (jwt, tenant), a check (variant:head) or a rule (probe/hidden-as-404); see docs/probe.md',
      },
    );
  }
}

/** How specific a key's match is (higher wins): exact case, check, family prefix, rule. */
function matchRank(key: string, f: ProbeFinding): number {
  if (key === f.case) return 4;
  if (key === f.check) return 3;
  if (
    f.case.startsWith(`${key}:`) ||
    f.case.startsWith(`${key}/`) ||
    (key.startsWith('variant:') && f.case.endsWith(`/${key.slice(8)}`))
  )
    return 2 + key.length / 1000;
  if (key === f.rule) return 1;
  return 0;
}

function lookup(policy: SeverityPolicy | undefined, f: ProbeFinding): Severity | 'off' | undefined {
  let best: { rank: number; value: Severity | 'off' } | undefined;
  for (const [key, value] of Object.entries(policy ?? {})) {
    const rank = matchRank(key, f);
    if (rank > 0 && (!best || rank > best.rank)) best = { rank, value };
  }
  return best?.value;
}

/**
 * Applies the policy: the endpoint's table first, then the spec's. "off" drops the finding (the case
 * still runs and is listed as failed in `cases`). Returns the findings kept, most severe first.
 */
export function applySeverityPolicy(
  findings: ProbeFinding[],
  top: SeverityPolicy | undefined,
  byEndpoint: Map<string, SeverityPolicy | undefined>,
): ProbeFinding[] {
  const kept: ProbeFinding[] = [];
  for (const f of findings) {
    const value = lookup(byEndpoint.get(f.endpoint), f) ?? lookup(top, f);
    if (value === 'off') continue;
    kept.push(value ? { ...f, severity: value } : f);
  }
  const order = { critical: 0, error: 1, warning: 2 };
  return kept.sort((a, b) => order[a.severity] - order[b.severity]);
}

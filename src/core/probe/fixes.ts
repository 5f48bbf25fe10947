import { defectChecks } from '../token/defects.js';
import type { ProbeCase } from './case-types.js';

/**
 * The fix, in words, for each check. Wording follows the seeds' troubleshooting tables
 * (agentflow "requests succeed without credentials | auth not enabled", recsys "production:
 * tenant scope should come from trusted auth", K3 "SigV4 ... 403").
 */
const OWN_FIXES: Record<string, string> = {
  control:
    "A valid credential was refused: check the service trusts authctl's JWKS (`authctl keys jwks`), the issuer/audience in [jwt] match the service config, and the clocks agree.",
  public:
    'Health and readiness probes must answer without credentials: exempt this path from the auth middleware (DataPress/K3: unauthenticated health probes).',
  'no-credentials':
    'Requests succeed without credentials: auth is not enabled on this route. Put the auth middleware in front of every non-public route and restart.',
  'malformed-authorization':
    'Reject an Authorization header that does not carry "Bearer <token>" with 401; do not fall through to anonymous access.',
  'bearer-garbage': 'Reject tokens that do not parse as a JWT with 401 invalid_token.',
  'dev-headers':
    'Production services must ignore dev headers (X-Dev-User-Id, X-Org-Id): disable dev auth in production (recsys: tenant scope must come from trusted auth, JWT or API key).',
  'tenant:other-path':
    "Check the tenant in the path against the verified token's tenant claim on every route (object-level authorization); a valid token of one tenant must not read another tenant's resources.",
  'tenant:spoofed-header':
    'Derive the tenant from the verified token, never from X-Org-Id / x-organization-id headers (recsys: "tenant scope should come from trusted auth").',
  'tenant:suspended':
    'Check the organisation status after authentication and refuse a suspended tenant with 403 on every route (K3: "token exchange success but org is suspended"; org-status permission gating), whatever the token or headers otherwise allow.',
  'role:missing':
    'Check the role the operation needs (recsys viewer/operator/admin) and answer 403.',
  'apikey:unknown': 'Look API keys up by hash and refuse unknown ones with 401.',
  'apikey:bad-checksum':
    'Refuse malformed API keys with 401 (check the format and checksum before the lookup).',
  'apikey:truncated': 'Refuse truncated API keys with 401; never match by prefix.',
  'apikey:revoked':
    'Check the revocation status on every request (`authctl apikey revoke`); cache revocations for seconds, not hours.',
  'jwt:revoked':
    "Check the token's jti (or session) against the revocation store on every request, not only at login (Relay: SessionStore powers revocation).",
  revoked:
    'Revocation must take effect on every instance: check the revoked-jti / session store on each request, or keep any cache of it shorter than the bound you promise (revoke_within).',
  'jwt:rotation:new-key':
    "Refresh the JWKS on a schedule no longer than the bound you promise, and re-fetch (rate-limited) when a token names an unknown kid (DataPress: jwks_refresh_secs plus the unknown-kid re-fetch; jose: createRemoteJWKSet's cooldownDuration).",
  'jwt:rotation:grace':
    'Keep every key the issuer still publishes: replace the key set on refresh instead of keeping only the newest key, so tokens signed before a rotation work until the grace ends.',
  'jwt:rotation:retired-key':
    "Replace the cached key set with the issuer's JWKS on every refresh (never merge into the keys seen before): a key the issuer retired must stop verifying within one refresh interval.",
  'probe/revocation-failed':
    'The revocation endpoint must revoke the presented token and answer 2xx; check the route, its auth and that it accepts this token type.',
  presign:
    'Sign every part of a presigned URL (method, path, every query parameter, expiry, tenant) and refuse the request unless the whole signature matches exactly (constant-time, full length, case-sensitive); refuse parameters that were not signed.',
  'sigv4:wrong-secret':
    'Recompute the SigV4 signature with the stored secret and refuse a mismatch with 403 SignatureDoesNotMatch.',
  'sigv4:tampered-query':
    'Include the whole query string in the canonical request; a parameter added after signing must fail with 403.',
  'sigv4:expired-presign':
    'Check X-Amz-Date + X-Amz-Expires against the clock and refuse expired presigned URLs with 403 AccessDenied.',
  deny: "The role check is missing or too lax on this route: check the caller's roles/scopes for this method (agentflow: test both the 401 and the 403 path before release).",
  'swapped-401':
    'Answer 401 (with WWW-Authenticate: Bearer error="invalid_token") when the credential is missing or invalid; 403 is for a valid credential that is not allowed.',
  'swapped-403':
    'Answer 403 when the caller is authenticated but not allowed; 401 tells clients to re-authenticate, which will not help.',
  'hidden-404':
    'A 404 hides the resource, which is fine if intended: set tenant_mismatch_status / forbidden_status = [403, 404] for this endpoint to accept it.',
  timeout:
    'The service did not answer this request in time: a bad credential must be refused quickly (check for a JWKS fetch or a key lookup that hangs on unknown kids or jku URLs); raise --timeout if the endpoint is just slow.',
  'server-error':
    'A bad credential crashed the handler: catch verification errors in the auth middleware and answer 401/403.',
  variant:
    'The denial depends on how the path or method is spelled: authorise after routing/normalisation (decode, lower-case, strip trailing slash), reject X-HTTP-Method-Override, and deny by default.',
  'probe/hygiene-www-authenticate':
    'Send WWW-Authenticate: Bearer (realm="...") with every 401 (RFC 6750 §3).',
  'probe/hygiene-invalid-token':
    'Add error="invalid_token" to WWW-Authenticate when a presented token is rejected (RFC 6750 §3.1).',
  'probe/hygiene-insufficient-scope':
    'Add error="insufficient_scope" (and scope="...") to WWW-Authenticate on a 403 for a missing scope.',
  'probe/hygiene-5xx': 'Catch verification errors and answer 401/403 instead of 5xx.',
  'probe/hygiene-set-cookie-on-401':
    'Do not start a session (Set-Cookie) for a caller that failed authentication.',
  'probe/hygiene-echoed-credential':
    'Never echo the presented token or key in error bodies; it ends up in logs.',
  'probe/hygiene-stack-trace': 'Return a generic error body; log the stack trace server-side only.',
  'probe/hygiene-cors':
    'Never combine Access-Control-Allow-Origin: * with credentials: list the allowed origins explicitly (agentflow ORIGINS).',
  skew: 'Keep the clock-skew leeway small (≤ 60 s is typical; 5 min at most).',
};

/** The defects' fixes come from their registry (token/defects.ts), under the check each is reported as. */
const FIXES: Record<string, string> = {
  ...Object.fromEntries(defectChecks().map(({ check, fix }) => [check, fix])),
  ...OWN_FIXES,
};

export function fixFor(check: string, c?: ProbeCase): string {
  if (FIXES[check]) return FIXES[check]!;
  if (check.startsWith('variant:')) return FIXES.variant!;
  const family = check.split(':').slice(0, 2).join(':');
  if (FIXES[family]) return FIXES[family]!;
  if (c && FIXES[c.check]) return FIXES[c.check]!;
  const head = check.split(':')[0]!;
  if (FIXES[head]) return FIXES[head]!;
  return 'Make the service answer as expected for this case.';
}

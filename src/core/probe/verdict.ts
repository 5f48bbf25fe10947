import type { ProbeCase } from './case-types.js';
import { fixFor } from './fixes.js';
import type { ProbeResponse } from './http.js';

export type { ProbeFinding, Severity } from './finding.js';
import type { ProbeFinding } from './finding.js';

const is2xx = (s: number) => s >= 200 && s < 300;
const isSuccess = (s: number) => s >= 200 && s < 400;

export function describeExpected(c: ProbeCase): string {
  switch (c.outcome) {
    case 'success':
      return c.statuses.length ? c.statuses.join(' or ') : '2xx/3xx';
    case 'non2xx':
      return 'any non-2xx';
    default:
      return c.statuses.join(' or ');
  }
}

/** Did the case hold? */
export function casePassed(c: ProbeCase, res: ProbeResponse): boolean {
  if (res.status === 0) return false;
  if (c.outcome === 'success')
    return c.statuses.length ? c.statuses.includes(res.status) : isSuccess(res.status);
  if (c.outcome === 'non2xx') return !is2xx(res.status) || isPreflight(c, res);
  return c.statuses.includes(res.status);
}

/**
 * An answer to OPTIONS that only lists methods (a CORS preflight, or Express's automatic
 * `Allow: GET,HEAD` reply whose body is that list) is not access to the resource.
 */
function isPreflight(c: ProbeCase, res: ProbeResponse): boolean {
  if (c.request.method !== 'OPTIONS') return false;
  const allow = res.headers.allow ?? res.headers['access-control-allow-methods'];
  const body = res.body.trim();
  return (
    (res.status === 204 || allow !== undefined) &&
    (body.length === 0 ||
      (allow !== undefined && body.replace(/\s/g, '') === allow.replace(/\s/g, '')))
  );
}

/** The verdict for a case whose status was wrong (undefined when it held). */
export function judge(
  c: ProbeCase,
  res: ProbeResponse,
): Omit<ProbeFinding, 'key' | 'curl'> | undefined {
  if (casePassed(c, res)) return undefined;
  const base = {
    endpoint: c.endpoint.id,
    case: c.id,
    check: c.check,
    expected: describeExpected(c),
    got: res.status === 0 ? 'no answer' : String(res.status),
  };
  if (res.status === 0) {
    return {
      ...base,
      rule: 'probe/timeout',
      severity: 'error',
      message: `${c.title}: no answer within ${(res.ms / 1000).toFixed(1)}s`,
      fix: fixFor('timeout', c),
    };
  }
  const s = res.status;
  if (c.outcome === 'success') {
    return {
      ...base,
      rule: c.id === 'public' ? 'probe/public-locked' : 'probe/valid-credential-refused',
      severity: 'error',
      message:
        c.id === 'public'
          ? `public endpoint answered ${s} without credentials`
          : `valid credential "${c.credential}" got ${s}`,
      fix: fixFor(c.id === 'public' ? 'public' : 'control', c),
    };
  }
  if (is2xx(s)) {
    const forged = /^(jwt|sigv4|apikey|presign):/.test(c.id);
    const rule =
      c.outcome === 'non2xx'
        ? 'probe/variant-bypass'
        : forged
          ? 'probe/accepts-invalid-credential'
          : c.outcome === 'unauthenticated'
            ? 'probe/accepts-unauthenticated'
            : 'probe/accepts-unauthorized';
    return {
      ...base,
      rule,
      severity: 'critical',
      message: `${c.title}: the service let it in (${s})`,
      fix: fixFor(c.check, c),
    };
  }
  const wanted = c.statuses;
  if (c.outcome === 'unauthenticated' && s === 403 && !wanted.includes(403)) {
    return {
      ...base,
      rule: 'probe/status-swapped',
      severity: 'error',
      message: `${c.title}: 403 where 401 was expected (authentication failure reported as forbidden)`,
      fix: fixFor('swapped-401', c),
    };
  }
  if ((c.outcome === 'forbidden' || c.outcome === 'either') && s === 401 && !wanted.includes(401)) {
    return {
      ...base,
      rule: 'probe/status-swapped',
      severity: 'error',
      message: `${c.title}: 401 where 403 was expected (${c.id.startsWith('sigv4:') ? 'S3-style services answer a failed signature check with 403' : 'the credential is valid; it is just not allowed'})`,
      fix: fixFor('swapped-403', c),
    };
  }
  if ((c.outcome === 'forbidden' || c.outcome === 'either') && s === 404) {
    return {
      ...base,
      rule: 'probe/hidden-as-404',
      severity: 'warning',
      message: `${c.title}: 404 where 403 was expected`,
      fix: fixFor('hidden-404', c),
    };
  }
  return {
    ...base,
    rule: s >= 500 ? 'probe/server-error' : 'probe/unexpected-status',
    severity: 'error',
    message: `${c.title}: got ${s}, expected ${base.expected}`,
    fix: fixFor(s >= 500 ? 'server-error' : c.check, c),
  };
}

// Bounded repeats (no `.*`): the body comes from the service under test, and an unbounded pattern
// is quadratic on a 64 KiB body full of near-matches.
const STACK_TRACE =
  /(\n\s+at [\w$.<>]+ \([^\n()]{1,300}:\d+:\d+\))|(Traceback \(most recent call last\))|(Exception in thread ")|(\bat [\w.$]+\([\w]+\.java:\d+\))|(node_modules\/[\w@.-]+\/[^\n:]{0,300}:\d+)/;

export interface HygieneIssue {
  rule: string;
  message: string;
}

/** Response hygiene (warnings), for negative cases and public endpoints. */
export function hygiene(c: ProbeCase, res: ProbeResponse): HygieneIssue[] {
  const issues: HygieneIssue[] = [];
  const h = res.headers;
  if (!c.control && res.status === 401 && c.scheme === 'bearer' && c.outcome !== 'non2xx') {
    const www = h['www-authenticate'] ?? '';
    if (!/^\s*bearer\b/i.test(www))
      issues.push({
        rule: 'probe/hygiene-www-authenticate',
        message: `401 without "WWW-Authenticate: Bearer" (RFC 6750 §3)${www ? `; got "${www.slice(0, 80)}"` : ''}`,
      });
    else if (
      c.tokenPresented &&
      c.request.headers.Authorization?.startsWith('Bearer ') &&
      c.request.headers.Authorization.length > 40 &&
      !/error="?invalid_token"?/i.test(www)
    ) {
      issues.push({
        rule: 'probe/hygiene-invalid-token',
        message:
          '401 for a bad token without error="invalid_token" in WWW-Authenticate (RFC 6750 §3.1)',
      });
    }
  }
  if (
    c.missingScope &&
    res.status === 403 &&
    !/error="?insufficient_scope"?/i.test(h['www-authenticate'] ?? '')
  ) {
    issues.push({
      rule: 'probe/hygiene-insufficient-scope',
      message:
        '403 for a missing scope without WWW-Authenticate: Bearer error="insufficient_scope" (RFC 6750 §3.1)',
    });
  }
  if (res.status >= 500)
    issues.push({
      rule: 'probe/hygiene-5xx',
      message: `answered ${res.status}: a bad credential must be refused, not crash the handler`,
    });
  if (res.status === 401 && h['set-cookie'])
    issues.push({
      rule: 'probe/hygiene-set-cookie-on-401',
      message: 'Set-Cookie on a 401 (a session is started for an unauthenticated caller)',
    });
  for (const secret of c.secrets) {
    if (secret.length >= 16 && res.body.includes(secret)) {
      issues.push({
        rule: 'probe/hygiene-echoed-credential',
        message: 'the response body echoes the credential that was sent',
      });
      break;
    }
  }
  if (STACK_TRACE.test(res.body))
    issues.push({
      rule: 'probe/hygiene-stack-trace',
      message: 'the response body contains a stack trace',
    });
  if (
    h['access-control-allow-origin'] === '*' &&
    /^true$/i.test(h['access-control-allow-credentials'] ?? '')
  ) {
    issues.push({
      rule: 'probe/hygiene-cors',
      message:
        'Access-Control-Allow-Origin: * together with Access-Control-Allow-Credentials: true',
    });
  }
  return issues;
}

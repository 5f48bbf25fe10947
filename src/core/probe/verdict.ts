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

/** What a verdict says beyond the case and the status it got. */
type Judged = Pick<ProbeFinding, 'rule' | 'severity' | 'message' | 'fix'>;
/** One kind of wrong answer: its verdict, or undefined when the answer is not of its kind. */
type VerdictStage = (c: ProbeCase, s: number, res: ProbeResponse) => Judged | undefined;

const noAnswer: VerdictStage = (c, s, res) =>
  s === 0
    ? {
        rule: 'probe/timeout',
        severity: 'error',
        message: `${c.title}: no answer within ${(res.ms / 1000).toFixed(1)}s`,
        fix: fixFor('timeout', c),
      }
    : undefined;

/** A case that should have got in (a valid credential, a public endpoint) was refused. */
const refused: VerdictStage = (c, s) => {
  if (c.outcome !== 'success') return undefined;
  const pub = c.id === 'public';
  return {
    rule: pub ? 'probe/public-locked' : 'probe/valid-credential-refused',
    severity: 'error',
    message: pub
      ? `public endpoint answered ${s} without credentials`
      : `valid credential "${c.credential}" got ${s}`,
    fix: fixFor(pub ? 'public' : 'control', c),
  };
};

function letInRule(c: ProbeCase): string {
  if (c.outcome === 'non2xx') return 'probe/variant-bypass';
  if (/^(jwt|sigv4|apikey|presign):/.test(c.id)) return 'probe/accepts-invalid-credential';
  return c.outcome === 'unauthenticated'
    ? 'probe/accepts-unauthenticated'
    : 'probe/accepts-unauthorized';
}

/** A case that should have been kept out got a 2xx: the one critical verdict. */
const letIn: VerdictStage = (c, s) =>
  is2xx(s)
    ? {
        rule: letInRule(c),
        severity: 'critical',
        message: `${c.title}: the service let it in (${s})`,
        fix: fixFor(c.check, c),
      }
    : undefined;

const wantsForbidden = (c: ProbeCase) => c.outcome === 'forbidden' || c.outcome === 'either';

/** Refused, but with 403 for 401 or the other way round. */
const swapped: VerdictStage = (c, s) => {
  if (c.outcome === 'unauthenticated' && s === 403 && !c.statuses.includes(403)) {
    return {
      rule: 'probe/status-swapped',
      severity: 'error',
      message: `${c.title}: 403 where 401 was expected (authentication failure reported as forbidden)`,
      fix: fixFor('swapped-401', c),
    };
  }
  if (!wantsForbidden(c) || s !== 401 || c.statuses.includes(401)) return undefined;
  const why = c.id.startsWith('sigv4:')
    ? 'S3-style services answer a failed signature check with 403'
    : 'the credential is valid; it is just not allowed';
  return {
    rule: 'probe/status-swapped',
    severity: 'error',
    message: `${c.title}: 401 where 403 was expected (${why})`,
    fix: fixFor('swapped-403', c),
  };
};

const hiddenAs404: VerdictStage = (c, s) =>
  wantsForbidden(c) && s === 404
    ? {
        rule: 'probe/hidden-as-404',
        severity: 'warning',
        message: `${c.title}: 404 where 403 was expected`,
        fix: fixFor('hidden-404', c),
      }
    : undefined;

/** Anything else: refused, but not with a status the case allows. */
const unexpected = (c: ProbeCase, s: number): Judged => ({
  rule: s >= 500 ? 'probe/server-error' : 'probe/unexpected-status',
  severity: 'error',
  message: `${c.title}: got ${s}, expected ${describeExpected(c)}`,
  fix: fixFor(s >= 500 ? 'server-error' : c.check, c),
});

/** In order: the first stage that recognises the answer gives the verdict, else `unexpected`. */
const VERDICT_STAGES: readonly VerdictStage[] = [noAnswer, refused, letIn, swapped, hiddenAs404];

/** The verdict for a case whose status was wrong (undefined when it held). */
export function judge(
  c: ProbeCase,
  res: ProbeResponse,
): Omit<ProbeFinding, 'key' | 'curl'> | undefined {
  if (casePassed(c, res)) return undefined;
  const s = res.status;
  const base = {
    endpoint: c.endpoint.id,
    case: c.id,
    check: c.check,
    expected: describeExpected(c),
    got: s === 0 ? 'no answer' : String(s),
  };
  for (const stage of VERDICT_STAGES) {
    const judged = stage(c, s, res);
    if (judged) return { ...base, ...judged };
  }
  return { ...base, ...unexpected(c, s) };
}

// Bounded repeats (no `.*`): the body comes from the service under test, and an unbounded pattern
// is quadratic on a 64 KiB body full of near-matches.
const STACK_TRACE =
  /(\n\s+at [\w$.<>]+ \([^\n()]{1,300}:\d+:\d+\))|(Traceback \(most recent call last\))|(Exception in thread ")|(\bat [\w.$]+\([\w]+\.java:\d+\))|(node_modules\/[\w@.-]+\/[^\n:]{0,300}:\d+)/;

export interface HygieneIssue {
  rule: string;
  message: string;
}

/** One hygiene rule: its issue with the answer, if any. */
type HygieneCheck = (c: ProbeCase, res: ProbeResponse) => HygieneIssue | undefined;

const issue = (when: boolean, rule: string, message: string): HygieneIssue | undefined =>
  when ? { rule, message } : undefined;

/** A bearer 401 must say so in WWW-Authenticate, and name invalid_token for a token it refused. */
const bearerChallenge: HygieneCheck = (c, res) => {
  if (c.control || res.status !== 401 || c.scheme !== 'bearer' || c.outcome === 'non2xx')
    return undefined;
  const www = res.headers['www-authenticate'] ?? '';
  if (!/^\s*bearer\b/i.test(www)) {
    const got = www ? `; got "${www.slice(0, 80)}"` : '';
    return {
      rule: 'probe/hygiene-www-authenticate',
      message: `401 without "WWW-Authenticate: Bearer" (RFC 6750 §3)${got}`,
    };
  }
  const auth = c.request.headers.Authorization;
  const badToken = c.tokenPresented && auth?.startsWith('Bearer ') && auth.length > 40;
  return issue(
    Boolean(badToken) && !/error="?invalid_token"?/i.test(www),
    'probe/hygiene-invalid-token',
    '401 for a bad token without error="invalid_token" in WWW-Authenticate (RFC 6750 §3.1)',
  );
};

const insufficientScope: HygieneCheck = (c, res) =>
  issue(
    Boolean(c.missingScope) &&
      res.status === 403 &&
      !/error="?insufficient_scope"?/i.test(res.headers['www-authenticate'] ?? ''),
    'probe/hygiene-insufficient-scope',
    '403 for a missing scope without WWW-Authenticate: Bearer error="insufficient_scope" (RFC 6750 §3.1)',
  );

const HYGIENE_CHECKS: readonly HygieneCheck[] = [
  bearerChallenge,
  insufficientScope,
  (_c, res) =>
    res.status >= 500
      ? {
          rule: 'probe/hygiene-5xx',
          message: `answered ${res.status}: a bad credential must be refused, not crash the handler`,
        }
      : undefined,
  (_c, res) =>
    issue(
      res.status === 401 && Boolean(res.headers['set-cookie']),
      'probe/hygiene-set-cookie-on-401',
      'Set-Cookie on a 401 (a session is started for an unauthenticated caller)',
    ),
  (c, res) =>
    issue(
      c.secrets.some((secret) => secret.length >= 16 && res.body.includes(secret)),
      'probe/hygiene-echoed-credential',
      'the response body echoes the credential that was sent',
    ),
  (_c, res) =>
    issue(
      STACK_TRACE.test(res.body),
      'probe/hygiene-stack-trace',
      'the response body contains a stack trace',
    ),
  (_c, res) =>
    issue(
      res.headers['access-control-allow-origin'] === '*' &&
        /^true$/i.test(res.headers['access-control-allow-credentials'] ?? ''),
      'probe/hygiene-cors',
      'Access-Control-Allow-Origin: * together with Access-Control-Allow-Credentials: true',
    ),
];

/** Response hygiene (warnings), for negative cases and public endpoints. */
export function hygiene(c: ProbeCase, res: ProbeResponse): HygieneIssue[] {
  // A loop, not map + filter: this runs for nearly every answer of a run, and nearly always finds nothing.
  const found: HygieneIssue[] = [];
  for (const check of HYGIENE_CHECKS) {
    const issue = check(c, res);
    if (issue) found.push(issue);
  }
  return found;
}

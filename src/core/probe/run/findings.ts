import type { ProbeCase } from '../cases.js';
import { curlCommand } from '../curl.js';
import { fixFor } from '../fixes.js';
import type { ProbeResponse } from '../http.js';
import { hygiene, judge, type ProbeFinding } from '../verdict.js';

const curlOf = (baseUrl: string, c: ProbeCase) =>
  curlCommand(baseUrl, c.request, c.secrets, c.mintCommand);

/** Findings of the answered cases, most severe first: verdicts per case, hygiene once per endpoint and rule. */
export function buildFindings(
  cases: ProbeCase[],
  answers: Map<ProbeCase, ProbeResponse>,
  baseUrl: string,
): ProbeFinding[] {
  const findings: ProbeFinding[] = [];
  const hygieneSeen = new Map<string, ProbeFinding>();
  for (const c of cases) {
    const res = answers.get(c)!;
    const curl = curlOf(baseUrl, c);
    const verdict = judge(c, res);
    if (verdict)
      findings.push({ ...verdict, key: `${c.endpoint.id} ${c.id} ${verdict.rule}`, curl });
    // Hygiene: one warning per endpoint and rule, naming the first case (a 401 without a header repeats on every case).
    for (const issue of hygiene(c, res)) {
      const id = `${c.endpoint.id} ${issue.rule}`;
      const seen = hygieneSeen.get(id);
      if (seen) {
        seen.got = `${Number(seen.got.split(' ')[0]) + 1} cases`;
        continue;
      }
      const finding: ProbeFinding = {
        key: id,
        endpoint: c.endpoint.id,
        case: c.id,
        check: issue.rule,
        rule: issue.rule,
        severity: 'warning',
        expected: 'RFC-conformant response',
        got: '1 cases',
        message: issue.message,
        fix: fixFor(issue.rule, c),
        curl,
      };
      hygieneSeen.set(id, finding);
      findings.push(finding);
    }
  }
  const order = { critical: 0, error: 1, warning: 2 };
  return findings.sort((a, b) => order[a.severity] - order[b.severity]);
}

/** The service fetched the attacker's JWKS named in a token's jku header: server-side request forgery. */
export function jkuFinding(cases: ProbeCase[], hits: number, baseUrl: string): ProbeFinding {
  const jkuCase = cases.find((c) => c.id === 'jwt:jku');
  return {
    key: `${jkuCase?.endpoint.id ?? '*'} jwt:jku probe/jku-fetched`,
    endpoint: jkuCase?.endpoint.id ?? '*',
    case: 'jwt:jku',
    check: 'probe/jku-fetched',
    rule: 'probe/jku-fetched',
    severity: 'warning',
    expected: 'no fetch of the jku URL',
    got: `${hits} fetch(es)`,
    message: `the service fetched the attacker JWKS named in a token's jku header ${hits} time(s) (server-side request forgery)`,
    fix: fixFor('jwt:jku'),
    curl: jkuCase ? curlOf(baseUrl, jkuCase) : undefined,
  };
}

import { exchangeOf, type ProbeExchange } from '../exchange.js';
import type { ProbeCase } from '../cases.js';
import { caseCurl } from '../curl.js';
import { fixFor } from '../fixes.js';
import type { ProbeResponse } from '../http.js';
import { hygiene, judge, type ProbeFinding } from '../verdict.js';

interface Placed {
  /** The case's place in the run and the finding's place among that case's (verdict, then hygiene). */
  seq: number;
  sub: number;
  finding: ProbeFinding;
}

const SEVERITY_ORDER = { critical: 0, error: 1, warning: 2 };

/**
 * Findings of the answered cases, judged as each answer arrives (answers arrive out of order at
 * concurrency > 1, so each finding keeps its case's place and the list is put in run order at the
 * end): a verdict per case, hygiene once per endpoint and rule naming its first case. The curl
 * command (and the mint command in it) is built only for a case that has a finding.
 */
export class FindingsCollector {
  private readonly placed: Placed[] = [];
  private readonly hygieneSeen = new Map<string, Placed & { count: number }>();

  constructor(private readonly baseUrl: string) {}

  add(c: ProbeCase, res: ProbeResponse, seq: number): void {
    const verdict = judge(c, res);
    const issues = hygiene(c, res);
    // Nearly every answer of a run: nothing to record, so no closures or lookups for it.
    if (!verdict && issues.length === 0) return;
    let curl: string | undefined;
    const curlOnce = () => (curl ??= caseCurl(this.baseUrl, c));
    // The masked request and answer, for findings only (the HTML report shows them).
    let exchange: ProbeExchange | undefined;
    const exchangeOnce = () => (exchange ??= exchangeOf(this.baseUrl, c, res));
    if (verdict)
      this.placed.push({
        seq,
        sub: 0,
        finding: {
          ...verdict,
          key: `${c.endpoint.id} ${c.id} ${verdict.rule}`,
          curl: curlOnce(),
          exchange: exchangeOnce(),
        },
      });
    // Hygiene: one warning per endpoint and rule (a 401 without a header repeats on every case).
    issues.forEach((issue, i) => {
      const id = `${c.endpoint.id} ${issue.rule}`;
      const seen = this.hygieneSeen.get(id);
      if (seen) {
        seen.count++;
        seen.finding.got = `${seen.count} cases`;
        if (seq > seen.seq) return;
        // An earlier case of the run answered later: it is the one to name.
        Object.assign(seen, { seq, sub: i + 1 });
        Object.assign(seen.finding, { case: c.id, fix: fixFor(issue.rule, c), curl: curlOnce() });
        return;
      }
      const placed = {
        seq,
        sub: i + 1,
        count: 1,
        finding: {
          key: id,
          endpoint: c.endpoint.id,
          case: c.id,
          check: issue.rule,
          rule: issue.rule,
          severity: 'warning' as const,
          expected: 'RFC-conformant response',
          got: '1 cases',
          message: issue.message,
          fix: fixFor(issue.rule, c),
          exchange: exchangeOnce(),
          curl: curlOnce(),
        },
      };
      this.hygieneSeen.set(id, placed);
      this.placed.push(placed);
    });
  }

  /** Every finding in run order, most severe first. */
  findings(): ProbeFinding[] {
    return this.placed
      .sort((a, b) => a.seq - b.seq || a.sub - b.sub)
      .map((p) => p.finding)
      .sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  }
}

/** The service fetched the attacker's JWKS named in a token's jku header: server-side request forgery. */
export function jkuFinding(
  jkuCase: ProbeCase | undefined,
  hits: number,
  baseUrl: string,
): ProbeFinding {
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
    curl: jkuCase ? caseCurl(baseUrl, jkuCase) : undefined,
  };
}

// The finding shape, apart from verdict.ts so severity.ts (which spec.ts uses) reads it without a cycle.

import type { ProbeExchange } from './exchange.js';

export type Severity = 'critical' | 'error' | 'warning';

/** One thing wrong with one endpoint. */
export interface ProbeFinding {
  /** Stable key for baselines: `<endpoint id> <case id> <rule>`. */
  key: string;
  endpoint: string;
  case: string;
  /** The check that failed, shared across endpoints (SARIF rule): `jwt:alg-none`, `deny`, `variant:head`, `probe/hygiene-cors`. */
  check: string;
  /** What kind of failure: `probe/accepts-invalid-credential`, `probe/status-swapped`, `probe/hygiene-www-authenticate`. */
  rule: string;
  severity: Severity;
  expected: string;
  got: string;
  message: string;
  fix: string;
  curl?: string;
  /** The request and answer behind it, credentials masked (the HTML report shows them). */
  exchange?: ProbeExchange;
  baselined?: boolean;
}

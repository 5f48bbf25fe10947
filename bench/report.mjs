// The probe's reports are linear in endpoints (issue #17: renderHuman filtered every case per endpoint
// per family, 1,042 ms at 550 endpoints). A synthetic result of N endpoints × 36 cases with findings on
// a tenth of them is rendered in every format at N and 10·N, alternately; linear means a ratio near 10
// (a quadratic report would be near 100). Uses the built library: `npm run build` first.
import { Chalk } from 'chalk';
import { alternate, report } from './lib/ab.mjs';
import { probeDocument, render } from '../dist/lib/index.js';

const CHECKS = ['control', 'no-credentials', 'jwt:expired', 'jwt:alg-none', 'tenant:other', 'deny'];

function synthetic(n) {
  const endpoints = Array.from({ length: n }, (_, i) => `GET /v1/items/${i}`);
  const cases = [];
  const findings = [];
  for (const [e, endpoint] of endpoints.entries())
    for (let k = 0; k < 36; k++) {
      const check = CHECKS[k % CHECKS.length];
      const id = `${check}:${k}`;
      cases.push({
        endpoint,
        case: id,
        check,
        title: id,
        control: check === 'control',
        expected: '401',
        status: 401,
        passed: true,
      });
      if (e % 10 === 0 && check === 'jwt:alg-none')
        findings.push({
          key: `${endpoint} ${id}`,
          endpoint,
          case: id,
          check,
          rule: 'probe/accepts-invalid-credential',
          severity: 'critical',
          expected: '401',
          got: '200',
          message: `${id}: the service let it in (200)`,
          fix: 'never accept alg none',
          curl: `curl -sS http://127.0.0.1:1/v1/items/${e}`,
        });
    }
  const summary = {
    endpoints: n,
    checks: cases.length,
    passed: cases.length - findings.length,
    failed: findings.length,
    critical: findings.length,
    error: 0,
    warning: 0,
    baselined: 0,
    requests: cases.length,
    durationMs: 1000,
  };
  const result = {
    baseUrl: 'http://127.0.0.1:1',
    source: 'probe.toml',
    dryRun: false,
    warnings: [],
    status: 'findings',
    endpoints,
    cases,
    findings,
    controlFailures: [],
    summary,
  };
  const spec = { source: 'probe.toml', endpoints: endpoints.map((id, index) => ({ id, index })) };
  return { result, spec };
}

const options = { color: new Chalk({ level: 0 }), width: 100, root: process.cwd() };
const timed = (input) => () => {
  const started = performance.now();
  const doc = probeDocument(input.result, input.spec);
  for (const format of ['text', 'github', 'markdown', 'sarif', 'junit', 'html'])
    render(format, doc, options);
  return performance.now() - started;
};
const N = Number(process.env.REPORT_ENDPOINTS ?? 100);
const small = synthetic(N);
const large = synthetic(N * 10);
const r = await alternate({ run: timed(large) }, { run: timed(small) });
report({
  bench: 'report',
  what: `probe reports, every format (linear ≈ 10×, quadratic ≈ 100×)`,
  aLabel: `${N * 10} endpoints`,
  bLabel: `${N} endpoints`,
  unit: 'ms',
  result: r,
  target: { max: 15 },
});

// The verdict stages in-process, one case per rule: most of them are also reached end to end by the
// probe tests against real services, but not all (a locked public endpoint, a HEAD variant bypass,
// a 5xx hygiene warning), and each stage must recognise only its own kind of answer.
import { describe, expect, it } from 'vitest';
import type { Outcome, ProbeCase } from '../../src/core/probe/case-types.js';
import type { ProbeResponse } from '../../src/core/probe/http.js';
import { hygiene, judge } from '../../src/core/probe/verdict.js';

const TOKEN = `Bearer ${'t'.repeat(60)}`;

function probeCase(id: string, outcome: Outcome, more: Partial<ProbeCase> = {}): ProbeCase {
  return {
    endpoint: { id: 'GET /orders' } as ProbeCase['endpoint'],
    id,
    check: id.split('/')[0]!,
    title: `case ${id}`,
    control: false,
    outcome,
    statuses: { unauthenticated: [401], forbidden: [403], either: [403] }[outcome as string] ?? [],
    tokenPresented: false,
    scheme: 'bearer',
    request: { method: 'GET', path: '/orders', headers: {} },
    secrets: [],
    ...more,
  };
}

const answer = (status: number, headers: Record<string, string> = {}, body = ''): ProbeResponse =>
  ({ status, headers, body, ms: 2500 }) as ProbeResponse;

describe('judge', () => {
  it.each([
    ['jwt:expired', 'unauthenticated', 0, 'probe/timeout', 'error', 'no answer within 2.5s'],
    ['public', 'success', 401, 'probe/public-locked', 'error', 'answered 401 without credentials'],
    ['allow:admin', 'success', 403, 'probe/valid-credential-refused', 'error', '"admin" got 403'],
    ['variant:head', 'non2xx', 200, 'probe/variant-bypass', 'critical', 'let it in (200)'],
    ['jwt:alg-none', 'unauthenticated', 200, 'probe/accepts-invalid-credential', 'critical', ''],
    ['anonymous', 'unauthenticated', 204, 'probe/accepts-unauthenticated', 'critical', ''],
    ['deny:reader', 'forbidden', 200, 'probe/accepts-unauthorized', 'critical', ''],
    ['jwt:expired', 'unauthenticated', 403, 'probe/status-swapped', 'error', '403 where 401'],
    ['deny:reader', 'forbidden', 401, 'probe/status-swapped', 'error', 'just not allowed'],
    ['sigv4:bad-sig', 'either', 401, 'probe/status-swapped', 'error', 'S3-style services'],
    ['deny:reader', 'forbidden', 404, 'probe/hidden-as-404', 'warning', '404 where 403'],
    ['jwt:expired', 'unauthenticated', 502, 'probe/server-error', 'error', 'expected 401'],
    ['deny:reader', 'forbidden', 400, 'probe/unexpected-status', 'error', 'got 400'],
  ] as const)('%s (%s) answered %i: %s', (id, outcome, status, rule, severity, message) => {
    const verdict = judge(probeCase(id, outcome, { credential: 'admin' }), answer(status));
    expect(verdict).toMatchObject({ endpoint: 'GET /orders', case: id, rule, severity });
    expect(verdict!.message).toContain(message);
    expect(verdict!.got).toBe(status === 0 ? 'no answer' : String(status));
    expect(verdict!.fix.length).toBeGreaterThan(0);
  });

  it('says nothing when the case held, and a CORS preflight is no bypass', () => {
    expect(judge(probeCase('jwt:expired', 'unauthenticated'), answer(401))).toBeUndefined();
    const options = probeCase('variant:options', 'non2xx', {
      request: { method: 'OPTIONS', path: '/orders', headers: {} },
    });
    expect(judge(options, answer(200, { allow: 'GET, HEAD' }, 'GET,HEAD'))).toBeUndefined();
    expect(judge(options, answer(200, {}, '{"orders":[]}'))?.rule).toBe('probe/variant-bypass');
  });
});

describe('hygiene', () => {
  const rules = (c: ProbeCase, res: ProbeResponse) => hygiene(c, res).map((i) => i.rule);
  const bad = probeCase('jwt:expired', 'unauthenticated', {
    tokenPresented: true,
    request: { method: 'GET', path: '/orders', headers: { Authorization: TOKEN } },
    secrets: [TOKEN.slice(7)],
  });

  it('finds every issue of a careless answer, in a stable order', () => {
    const res = answer(
      401,
      {
        'www-authenticate': 'Basic realm="x"',
        'set-cookie': 'session=1',
        'access-control-allow-origin': '*',
        'access-control-allow-credentials': 'true',
      },
      `refused ${TOKEN.slice(7)}\n    at verify (/srv/app/auth.js:10:5)`,
    );
    expect(rules(bad, res)).toEqual([
      'probe/hygiene-www-authenticate',
      'probe/hygiene-set-cookie-on-401',
      'probe/hygiene-echoed-credential',
      'probe/hygiene-stack-trace',
      'probe/hygiene-cors',
    ]);
  });

  it('wants error="invalid_token" for a refused token and insufficient_scope for a missing scope', () => {
    expect(rules(bad, answer(401, { 'www-authenticate': 'Bearer' }))).toEqual([
      'probe/hygiene-invalid-token',
    ]);
    expect(rules(bad, answer(401, { 'www-authenticate': 'Bearer error="invalid_token"' }))).toEqual(
      [],
    );
    const scope = probeCase('deny:scope', 'forbidden', { missingScope: true });
    expect(rules(scope, answer(403))).toEqual(['probe/hygiene-insufficient-scope']);
    expect(
      rules(scope, answer(403, { 'www-authenticate': 'Bearer error="insufficient_scope"' })),
    ).toEqual([]);
    expect(rules(scope, answer(503))).toEqual(['probe/hygiene-5xx']);
  });

  it('asks no bearer challenge of a control, an API-key endpoint or a variant case', () => {
    const res = answer(401);
    expect(rules({ ...bad, control: true }, res)).toEqual([]);
    expect(rules({ ...bad, scheme: 'apikey' }, res)).toEqual([]);
    expect(rules({ ...bad, outcome: 'non2xx' }, res)).toEqual([]);
  });
});

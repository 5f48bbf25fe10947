import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { control, startTestIdp, tokenRequest, type TestIdp } from '../idp/helpers.js';

const deep = (depth: number, open = '[', close = ']') =>
  `${open.repeat(depth)}${close.repeat(depth)}`;

async function post(url: string, path: string, body: string, type: string) {
  const response = await fetch(`${new URL(url).origin}${path}`, {
    method: 'POST',
    headers: { 'content-type': type },
    body,
  });
  const text = await response.text();
  return { status: response.status, text, type: response.headers.get('content-type') ?? '' };
}

describe('security: hostile JSON bodies and values get a 400 naming the field', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp();
  });
  afterAll(() => idp.close());

  it('refuses deeply nested JSON on the control API and the token endpoint with 400, never a stack overflow', async () => {
    for (const [path, body] of [
      ['/_authctl/clock', deep(200_000)],
      ['/_authctl/claims', `{"client_id":"a","claims":{"x":${deep(100_000)}}}`],
      [
        '/_authctl/clients',
        `{"id":"a","secret":"s","claims":{"x":${deep(50_000, '{"a":', '}').replace(/}$/, '1}')}}}`,
      ],
      [
        '/token',
        `{"grant_type":"client_credentials","client_id":"a","client_secret":"b","x":${deep(200_000)}}`,
      ],
    ] as const) {
      const answer = await post(idp.url, path, body, 'application/json');
      expect([path, answer.status], answer.text.slice(0, 200)).toEqual([path, 400]);
      expect(JSON.parse(answer.text).error_description, path).toMatch(/nest/);
    }
    const claims = await tokenRequest(idp.url, {
      grant_type: 'client_credentials',
      client_id: 'a',
      client_secret: 'b',
      authctl_claims: `{"x":${deep(100_000)}}`,
    });
    expect([claims.status, claims.body.error]).toEqual([400, 'invalid_request']);
    expect(claims.body.error_description).toMatch(/authctl_claims.*nest/);
    // Moderate nesting stays usable.
    const ok = await tokenRequest(idp.url, {
      grant_type: 'client_credentials',
      client_id: 'a',
      client_secret: 'b',
      authctl_claims: `{"x":${deep(20)}}`,
    });
    expect(ok.status).toBe(200);
  });

  it('refuses a body over the size bound with 413 (not a reset connection)', async () => {
    const answer = await post(
      idp.url,
      '/_authctl/clock',
      `{"x":"${'a'.repeat(2 * 1024 * 1024)}"}`,
      'application/json',
    );
    expect([answer.status, JSON.parse(answer.text).error]).toEqual([413, 'invalid_request']);
    expect(JSON.parse(answer.text).error_description).toMatch(/too large/);
  });

  it.each([
    ['/clock', { advance: '99999999999d' }, /advance/],
    ['/clock', { advance: '-99999999999d' }, /advance/],
    ['/clock', { set: '+275760-09-13T00:00:00.000Z' }, /set/],
    ['/clock', { set: '-000001-01-01T00:00:00Z' }, /set/],
    ['/fault', { token: 500, for: '-1s' }, /for/],
    ['/fault', { token: 500, for: '99999999999d' }, /for/],
    ['/fault', { latency: '99999999999d' }, /latency/],
    ['/fault', { latency: '-5s' }, /latency/],
    ['/rotate', { grace: '99999999999d' }, /grace/],
    ['/rotate', { grace: '-1s' }, /grace/],
  ])(
    'POST /_authctl%s %j → 400 naming the field, and /token keeps working',
    async (path, body, field) => {
      const answer = await control(idp.url, 'POST', path, body);
      expect(answer.status).toBe(400);
      expect(answer.body.error_description).toMatch(field);
      expect((await control(idp.url, 'GET', '/state')).status).toBe(200);
      const token = await tokenRequest(idp.url, {
        grant_type: 'client_credentials',
        client_id: 'a',
        client_secret: 'b',
      });
      expect(token.status).toBe(200);
    },
  );

  it('refuses 1e400 (Infinity once parsed) in a duration field', async () => {
    const answer = await post(idp.url, '/_authctl/clock', '{"advance":1e400}', 'application/json');
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).error_description).toMatch(/advance/);
  });
});

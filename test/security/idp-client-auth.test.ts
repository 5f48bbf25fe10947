import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIdp, tokenRequest, type TestIdp } from '../idp/helpers.js';

describe('security: client authentication does not reveal which client ids exist', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({
      idp: { clients: { ci: { secret: 'ci-secret' }, spa: { public: true } } },
    });
  });
  afterAll(() => idp.close());

  it('answers unknown client, wrong secret, missing secret and a secret for a public client with one identical invalid_client', async () => {
    for (const endpoint of ['/token', '/introspect', '/revoke', '/device_authorization']) {
      const send = async (params: Record<string, string>, basic?: [string, string]) => {
        const headers: Record<string, string> = {
          'content-type': 'application/x-www-form-urlencoded',
        };
        if (basic)
          headers.authorization = `Basic ${Buffer.from(basic.join(':')).toString('base64')}`;
        const response = await fetch(`${idp.url}${endpoint}`, {
          method: 'POST',
          headers,
          body: new URLSearchParams({ grant_type: 'client_credentials', token: 'x', ...params }),
        });
        return {
          status: response.status,
          body: await response.json(),
          challenge: response.headers.get('www-authenticate'),
        };
      };
      const basic = [
        await send({}, ['stranger', 'x']),
        await send({}, ['ci', 'wrong']),
        await send({}, ['spa', 'x']),
      ];
      const post = [
        await send({ client_id: 'stranger', client_secret: 'x' }),
        await send({ client_id: 'ci', client_secret: 'wrong' }),
        await send({ client_id: 'ci' }),
        await send({ client_id: 'stranger' }),
        await send({ client_id: 'spa', client_secret: 'x' }),
      ];
      for (const answer of [...basic, ...post]) expect(answer.status, endpoint).toBe(401);
      expect(
        new Set(basic.map((a) => JSON.stringify([a.body, a.challenge]))).size,
        `${endpoint} ${JSON.stringify(basic)}`,
      ).toBe(1);
      expect(
        new Set(post.map((a) => JSON.stringify([a.body, a.challenge]))).size,
        `${endpoint} ${JSON.stringify(post)}`,
      ).toBe(1);
      expect(basic[0]!.body).toEqual(post[0]!.body);
      expect(basic[0]!.body.error).toBe('invalid_client');
      expect(JSON.stringify(post[0]!.body)).not.toMatch(/stranger/);
    }
    expect(
      (await tokenRequest(idp.url, { grant_type: 'client_credentials' }, ['ci', 'ci-secret']))
        .status,
    ).toBe(200);
  });
});

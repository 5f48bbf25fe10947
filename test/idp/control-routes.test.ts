import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callControl } from '../../src/core/idp/control-client.js';
import { CONTROL_ROUTES, type ControlRouteName } from '../../src/core/idp/control-routes.js';
import { control, startTestIdp, type TestIdp } from './helpers.js';

let idp: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp();
});
afterAll(() => idp.close());

describe('the control route map', () => {
  it('is what the server answers: every route and older spelling has a handler, nothing else does', async () => {
    for (const [name, route] of Object.entries(CONTROL_ROUTES)) {
      // An empty body: each handler answers (200, or 400 naming what is missing), never 404.
      for (const spelling of [
        `${route.method} ${route.path}`,
        ...('also' in route ? route.also : []),
      ]) {
        const [method, path] = spelling.split(' ') as [string, string];
        const { status } = await control(idp.url, method, path, method === 'GET' ? undefined : {});
        expect([200, 400], `${name}: ${spelling}`).toContain(status);
      }
    }
    const unknown = await control(idp.url, 'PUT', '/rotate', {});
    expect(unknown).toEqual({
      status: 404,
      body: { error: 'not_found', error_description: 'no control endpoint PUT /rotate' },
    });
  });

  it('is what the client calls: a route name reaches that route, with its query', async () => {
    const names: ControlRouteName[] = ['state', 'getClock', 'clearRequests'];
    for (const name of names) expect(await callControl(idp.url, name)).toBeTypeOf('object');
    await fetch(`${idp.url}/jwks`);
    const listed = (await callControl(
      idp.url,
      'listRequests',
      undefined,
      new URLSearchParams({ path: '/jwks' }),
    )) as { requests: { path: string }[] };
    expect(listed.requests.length).toBeGreaterThan(0);
    expect(listed.requests.every((r) => r.path === '/jwks')).toBe(true);
    await expect(callControl(idp.url, 'setClaims', {})).rejects.toThrow(
      'client_id or user is required',
    );
  });
});

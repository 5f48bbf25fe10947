import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDP_GRANTS } from '../../src/core/idp/constants.js';
import { GRANT_LIST, GRANTS } from '../../src/core/idp/grants/index.js';
import { startTestIdp, tokenRequest, type TestIdp } from './helpers.js';

let idp: TestIdp;
beforeAll(async () => {
  // A JWT client authentication method enables the jwt-bearer grant: every registered grant is served.
  idp = await startTestIdp({
    idp: {
      client_auth_methods: ['client_secret_jwt'],
      clients: { web: { secret: 'web-secret', redirect_uris: ['http://127.0.0.1/cb'] } },
    },
  });
});
afterAll(() => idp.close());

describe('the grant registry', () => {
  it('is what discovery publishes, the config accepts and the token endpoint serves', async () => {
    const registered = GRANT_LIST.map((g) => g.grantType);
    const metadata = (await (
      await fetch(`${idp.url}/.well-known/openid-configuration`)
    ).json()) as { grant_types_supported: string[] };
    expect(metadata.grant_types_supported).toEqual(registered);
    expect([...IDP_GRANTS].sort()).toEqual([...registered].sort());
    expect([...GRANTS.keys()].sort()).toEqual([...registered].sort());
    // Each registered grant reaches its handler (which issues, or refuses the bare request on its own terms),
    // and anything else is unsupported_grant_type, naming what is.
    for (const grantType of registered) {
      const { status, body } = await tokenRequest(idp.url, { grant_type: grantType }, [
        'web',
        'web-secret',
      ]);
      const outcome = status === 200 ? 'issued' : body.error;
      expect(outcome, grantType).toMatch(/^(issued|invalid_request|invalid_grant)$/);
    }
    const unknown = await tokenRequest(idp.url, { grant_type: 'implicit' }, ['web', 'web-secret']);
    expect(unknown.body.error).toBe('unsupported_grant_type');
    expect(unknown.body.error_description).toBe(
      `grant_type "implicit" is not supported (supported: ${IDP_GRANTS.join(', ')})`,
    );
  });
});

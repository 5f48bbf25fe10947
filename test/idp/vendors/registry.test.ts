import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDP_VENDORS } from '../../../src/core/idp/constants.js';
import { doctorIssuer } from '../../../src/core/idp/doctor.js';
import { createIdpHandler } from '../../../src/core/idp/handler.js';
import { issuerEndpointPath, issuerEndpointUrl } from '../../../src/core/idp/paths.js';
import { createIdpDeps } from '../../../src/core/idp/server.js';
import { resolveIdpSettings } from '../../../src/core/idp/settings.js';
import { detectVendor } from '../../../src/core/idp/vendors/detect.js';
import { ENDPOINT_NAMES, VENDORS } from '../../../src/core/idp/vendors/index.js';
import { callHandler, seededHome, startTestIdp } from '../helpers.js';

const BASE = 'http://idp.test:9400';

describe('vendor registry: discovery and router from one map', () => {
  let home: string;
  beforeAll(async () => {
    home = await seededHome();
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  for (const vendor of IDP_VENDORS) {
    it(`${vendor}: every advertised URL is served by its issuer, and nothing else is`, async () => {
      const deps = createIdpDeps({
        config: { idp: { issuers: { x: { vendor } } } },
        home,
        baseUrl: BASE,
      });
      const handler = createIdpHandler(deps);
      const issuer = deps.settings.issuers[1]!;
      const get = (path: string) =>
        callHandler(handler, 'GET', path, undefined, { host: 'idp.test:9400' });
      const discovery = await get(
        new URL(issuerEndpointUrl(issuer, 'openidConfiguration')!).pathname,
      );
      expect(discovery.status).toBe(200);
      const doc = discovery.json() as Record<string, unknown>;
      expect(doc.issuer).toBe(issuer.url);
      const advertised = Object.entries(doc).filter(
        ([k, v]) => (k.endsWith('_endpoint') || k === 'jwks_uri') && typeof v === 'string',
      );
      expect(advertised.length).toBeGreaterThanOrEqual(3);
      for (const [field, url] of advertised) {
        expect(String(url).startsWith(`${BASE}/`), field).toBe(true);
        expect((await get(new URL(String(url)).pathname)).status, field).not.toBe(404);
      }
      // No device grant advertised without its endpoint.
      expect((doc.grant_types_supported as string[]).some((g) => g.endsWith(':device_code'))).toBe(
        doc.device_authorization_endpoint !== undefined,
      );
      // An endpoint the vendor does not have is not served at authctl's own path either.
      for (const name of ENDPOINT_NAMES.filter((n) => VENDORS[vendor].endpoints[n] === undefined))
        expect((await get(`${issuer.path}${VENDORS.default.endpoints[name]}`)).status, name).toBe(
          404,
        );
    });
  }

  it('refuses two Cognito pools on one server: both want the host-level /oauth2/token', () => {
    const config = {
      idp: { issuers: { a: { vendor: 'cognito' as const }, b: { vendor: 'cognito' as const } } },
    };
    expect(() => resolveIdpSettings(config, { baseUrl: BASE })).toThrow(
      expect.objectContaining({
        code: 'ERR_ISSUER_PATH_TAKEN',
        message: expect.stringMatching(/issuers "a" and "b" both serve \/oauth2\/token/),
        texts: expect.objectContaining({
          where: 'idp.issuers.b.vendor',
          hint: expect.stringMatching(/one server hosts one such issuer/),
        }),
      }),
    );
  });

  it('refuses an unknown vendor, naming the flag or field', () => {
    expect(() => resolveIdpSettings({}, { baseUrl: BASE, vendor: 'ping' })).toThrow(
      expect.objectContaining({
        code: 'ERR_BAD_VENDOR',
        texts: expect.objectContaining({ where: '{{vendor}}' }),
      }),
    );
    const config = { idp: { issuers: { x: { vendor: 'ping' } } } } as never;
    expect(() => resolveIdpSettings(config, { baseUrl: BASE })).toThrow(
      expect.objectContaining({
        code: 'ERR_BAD_VENDOR',
        texts: expect.objectContaining({ where: 'idp.issuers.x.vendor' }),
      }),
    );
  });

  it("an Entra issuer's path is its tenant when one is given", () => {
    const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
    const settings = resolveIdpSettings(
      { idp: { issuers: { contoso: { vendor: 'entra', tenant } } } },
      { baseUrl: BASE },
    );
    expect(settings.issuers[1]).toMatchObject({ url: `${BASE}/${tenant}/v2.0`, tenant });
  });

  it('a vendor implies its layout; an explicit layout wins', () => {
    const settings = resolveIdpSettings(
      { idp: { issuers: { k: { vendor: 'keycloak' }, o: { vendor: 'okta', layout: 'default' } } } },
      { baseUrl: BASE, vendor: 'entra' },
    );
    expect(settings.issuers.map((i) => [i.vendor, i.layout, i.url])).toEqual([
      [
        'entra',
        'entra',
        `${BASE}${issuerEndpointPath(settings.issuers[0]!, 'openidConfiguration')!.replace('/.well-known/openid-configuration', '')}`,
      ],
      ['keycloak', 'keycloak', `${BASE}/realms/k`],
      ['okta', 'default', `${BASE}/oauth2/o`],
    ]);
    expect(settings.issuers[0]!.url).toMatch(/^http:\/\/idp\.test:9400\/[0-9a-f-]{36}\/v2\.0$/);
    expect(settings.issuers[0]!.tenant).toBe(settings.issuers[0]!.url.split('/')[3]);
  });
});

describe('idp doctor knows vendors', () => {
  it('names the vendor, issuer and discovery URL of each issuer of a running mock', async () => {
    const idp = await startTestIdp(
      { idp: { issuers: { k3: { vendor: 'keycloak' }, pool: { vendor: 'cognito' } } } },
      { vendor: 'okta' },
    );
    try {
      const origin = new URL(idp.url).origin;
      expect(idp.url).toBe(`${origin}/oauth2/default`);
      const report = await doctorIssuer(`${origin}/realms/k3`);
      expect(report.ok).toBe(true);
      const byName = Object.fromEntries(report.checks.map((c) => [c.name, c.detail]));
      expect(byName.vendor).toBe(
        `keycloak: issuer ${origin}/realms/k3, discovery ${origin}/realms/k3/.well-known/openid-configuration`,
      );
      expect(byName.issuers).toBe(
        [
          `default (okta) ${origin}/oauth2/default ${origin}/oauth2/default/.well-known/openid-configuration`,
          `k3 (keycloak) ${origin}/realms/k3 ${origin}/realms/k3/.well-known/openid-configuration`,
          `pool (cognito) ${origin}/us-east-1_pool ${origin}/us-east-1_pool/.well-known/openid-configuration`,
        ].join('; '),
      );
      expect(
        (await doctorIssuer(`${origin}/us-east-1_pool`)).checks.find((c) => c.name === 'vendor')
          ?.detail,
      ).toMatch(/^cognito: /);
    } finally {
      await idp.close();
    }
  });

  it("flags a vendor's layout whose issuer lacks the vendor's format (an Auth0 issuer without its slash)", () => {
    const doc = {
      jwks_uri: 'https://acme.auth0.com/.well-known/jwks.json',
      token_endpoint: 'https://acme.auth0.com/oauth/token',
    };
    expect(detectVendor({ ...doc, issuer: 'https://acme.auth0.com/' })).toEqual({
      vendor: 'auth0',
    });
    expect(detectVendor({ ...doc, issuer: 'https://acme.auth0.com' })).toMatchObject({
      vendor: 'auth0',
      issuerProblem: expect.stringMatching(/ends with "\/"/),
    });
    expect(
      detectVendor({
        issuer: 'https://x',
        jwks_uri: 'https://x/keys',
        token_endpoint: 'https://x/t',
      }),
    ).toBeUndefined();
  });
});

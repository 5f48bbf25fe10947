// datapress example: the [auth] TOML block against an in-test OIDC issuer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { SignJWT } from 'jose';
import { tempDir } from '../helpers/cli.js';
import { killAll, request, startExample, startFailure, type RunningExample } from './helpers.js';
import { TestIssuer, closedPort, makeKey, type SigningKey } from './oidc-issuer.js';

const ADMIN_TOKEN = 'dp-admin-token-for-tests-0123456789';
const AUD = 'api://datapress';
const dir = tempDir('datapress-');

function writeConfig(name: string, auth: string): string {
  const file = path.join(dir, `${name}.toml`);
  writeFileSync(
    file,
    `[auth]\n${auth}\n\n[[datasets]]\nid = "public-stats"\n\n[[datasets]]\nid = "sales"\ntenant = "tenant-a"\n\n[[datasets]]\nid = "inventory"\ntenant = "tenant-b"\n`,
  );
  return file;
}

const issuer = new TestIssuer();
let rsa: SigningKey;
let ec: SigningKey;
let dp: RunningExample;
let anon: RunningExample;

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const reader = (claims: Record<string, unknown> = {}, key: SigningKey = rsa) =>
  issuer.mint(key, {
    sub: 'alice',
    aud: AUD,
    scope: 'openid datasets:read',
    org: { tid: 'tenant-a' },
    ...claims,
  });

beforeAll(async () => {
  [rsa, ec] = await Promise.all([makeKey('rsa-1', 'RS256'), makeKey('ec-1', 'ES256')]);
  await issuer.start([rsa, ec]);
  const main = writeConfig(
    'main',
    [
      'enabled = true',
      `issuer = "${issuer.url}"`,
      `audience = "${AUD}"`,
      'algorithms = ["RS256", "ES256"]',
      'leeway_secs = 60',
      'jwks_refresh_secs = 5',
      'read_scopes = ["datasets:read"]',
      'reload_scopes = ["datasets:reload"]',
      'anonymous_read = false',
      'tenant_claim = "/org/tid"',
      'allowed_tenants = ["tenant-a", "tenant-c"]',
      'admin_token_fallback = true',
      'start_degraded = false',
    ].join('\n'),
  );
  const open = writeConfig(
    'anon',
    [
      'enabled = true',
      `issuer = "${issuer.url}"`,
      `audience = "${AUD}"`,
      'anonymous_read = true',
      'reload_scopes = ["datasets:reload"]',
      'tenant_claim = "/tid"',
      'admin_token_fallback = false',
    ].join('\n'),
  );
  [dp, anon] = await Promise.all([
    // A long cooldown keeps the rate-limit assertion independent of machine load.
    startExample('datapress', {
      args: ['--config', main],
      env: { DATAPRESS_ADMIN_TOKEN: ADMIN_TOKEN, DATAPRESS_JWKS_COOLDOWN_SECS: '300' },
    }),
    startExample('datapress', {
      env: { DATAPRESS_CONFIG: open, DATAPRESS_ADMIN_TOKEN: ADMIN_TOKEN },
    }),
  ]);
});

afterAll(async () => {
  const codes = await Promise.all([dp?.stop(), anon?.stop()]);
  expect(
    codes.every((c) => c === 0),
    'graceful SIGTERM exit codes',
  ).toBe(true);
  killAll();
  await issuer.stop();
});

describe('datapress: probes and discovery', () => {
  it('serves /healthz, /readyz and /version without a token', async () => {
    for (const p of ['/healthz', '/readyz', '/version'])
      expect((await request(`${dp.url}${p}`)).status).toBe(200);
    const ready = (await request(`${dp.url}/readyz`)).json();
    expect(ready.jwks.kids).toEqual(['rsa-1', 'ec-1']);
    expect(ready.jwks.refreshSecs).toBe(60); // jwks_refresh_secs = 5 is clamped to 60
    expect(issuer.discoveryFetches).toBeGreaterThanOrEqual(2); // one per running instance
  });
});

describe('datapress: reads', () => {
  it('401 without a token (bare challenge), 401 invalid_token for garbage', async () => {
    const none = await request(`${dp.url}/api/datasets`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="datapress"');
    const bad = await request(`${dp.url}/api/datasets`, { headers: bearer('abc.def.ghi') });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('200 with read scope; datasets filtered by the tenant_claim pointer', async () => {
    const r = await request(`${dp.url}/api/datasets`, { headers: bearer(await reader()) });
    expect(r.status).toBe(200);
    expect(r.json().datasets.map((d: { id: string }) => d.id)).toEqual(['public-stats', 'sales']);
    expect(
      (await request(`${dp.url}/api/datasets/sales`, { headers: bearer(await reader()) })).status,
    ).toBe(200);
    expect(
      (await request(`${dp.url}/api/datasets/inventory`, { headers: bearer(await reader()) }))
        .status,
    ).toBe(404);
  });

  it('accepts scp arrays and ES256 keys from the JWKS', async () => {
    const token = await reader({ scope: undefined, scp: ['datasets:read'] }, ec);
    expect((await request(`${dp.url}/api/datasets`, { headers: bearer(token) })).status).toBe(200);
  });

  it('403 insufficient_scope without the read scope', async () => {
    const r = await request(`${dp.url}/api/datasets`, {
      headers: bearer(await reader({ scope: 'openid' })),
    });
    expect(r.status).toBe(403);
    expect(r.headers.get('www-authenticate')).toBe(
      'Bearer realm="datapress", error="insufficient_scope", scope="datasets:read"',
    );
  });

  it('403 for a tenant outside allowed_tenants or a token without the tenant claim', async () => {
    expect(
      (
        await request(`${dp.url}/api/datasets`, {
          headers: bearer(await reader({ org: { tid: 'tenant-b' } })),
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await request(`${dp.url}/api/datasets`, {
          headers: bearer(await reader({ org: undefined, tid: 'tenant-a' })),
        })
      ).status,
    ).toBe(403);
  });

  it('leeway_secs: 30 s past exp is accepted, 120 s past exp is not; nbf in the future is not', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(
      (
        await request(`${dp.url}/api/datasets`, {
          headers: bearer(await reader({ exp: now - 30 })),
        })
      ).status,
    ).toBe(200);
    const expired = await request(`${dp.url}/api/datasets`, {
      headers: bearer(await reader({ exp: now - 120 })),
    });
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('token expired');
    expect(
      (
        await request(`${dp.url}/api/datasets`, {
          headers: bearer(await reader({ nbf: now + 600 })),
        })
      ).status,
    ).toBe(401);
  });

  it.each([
    ['wrong audience', { aud: 'api://other' }],
    ['wrong issuer', { iss: 'https://evil.example' }],
  ])('401 for a %s', async (_n, claims) => {
    expect(
      (await request(`${dp.url}/api/datasets`, { headers: bearer(await reader(claims)) })).status,
    ).toBe(401);
  });

  it('rejects HS256 (including the RSA-public-key confusion trick) and algorithms not in the list', async () => {
    const hs = await new SignJWT({
      iss: issuer.url,
      aud: AUD,
      scope: 'datasets:read',
      org: { tid: 'tenant-a' },
    })
      .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('x'.repeat(32)));
    expect((await request(`${dp.url}/api/datasets`, { headers: bearer(hs) })).status).toBe(401);
    // alg confusion: HMAC keyed with the published RSA modulus must not verify
    const [h, p] = [
      { alg: 'HS256', kid: 'rsa-1' },
      {
        iss: issuer.url,
        aud: AUD,
        scope: 'datasets:read',
        org: { tid: 'tenant-a' },
        exp: Math.floor(Date.now() / 1000) + 60,
      },
    ].map((o) => Buffer.from(JSON.stringify(o)).toString('base64url'));
    const sig = createHmac('sha256', String(rsa.jwk.n)).update(`${h}.${p}`).digest('base64url');
    expect(
      (await request(`${dp.url}/api/datasets`, { headers: bearer(`${h}.${p}.${sig}`) })).status,
    ).toBe(401);
    const ps = await makeKey('ps-1', 'PS256');
    issuer.published = [...issuer.published, ps];
    const r = await request(`${dp.url}/api/datasets`, { headers: bearer(await reader({}, ps)) });
    expect(r.status).toBe(401); // PS256 is not in algorithms
    expect(r.text).not.toContain('eyJ');
    issuer.published = issuer.published.filter((k) => k.kid !== 'ps-1');
  });
});

describe('datapress: reload', () => {
  const reload = (headers: Record<string, string> = {}, base = dp.url) =>
    request(`${base}/api/datasets/reload`, { method: 'POST', headers });

  it('401 without credentials; X-Admin-Token fallback works, a wrong one is 401', async () => {
    expect((await reload()).status).toBe(401);
    expect((await reload({ 'x-admin-token': ADMIN_TOKEN })).status).toBe(200);
    const wrong = await reload({ 'x-admin-token': 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toContain('nope');
  });

  it('a token needs reload_scopes: 403 with only read, 200 with reload', async () => {
    expect((await reload(bearer(await reader()))).status).toBe(403);
    expect((await reload(bearer(await reader({ scope: 'datasets:reload' })))).status).toBe(200);
  });

  it('admin_token_fallback = false ignores X-Admin-Token', async () => {
    expect((await reload({ 'x-admin-token': ADMIN_TOKEN }, anon.url)).status).toBe(401);
    const t = await issuer.mint(rsa, { aud: AUD, scope: 'datasets:reload', tid: 'tenant-a' });
    expect((await reload(bearer(t), anon.url)).status).toBe(200);
  });
});

describe('datapress: anonymous_read', () => {
  it('GETs are public but show only untenanted datasets; a presented token is still verified', async () => {
    const r = await request(`${anon.url}/api/datasets`);
    expect(r.status).toBe(200);
    expect(r.json().datasets.map((d: { id: string }) => d.id)).toEqual(['public-stats']);
    expect((await request(`${anon.url}/api/datasets`, { headers: bearer('garbage') })).status).toBe(
      401,
    );
    const t = await issuer.mint(rsa, { aud: AUD, tid: 'tenant-b' });
    const withToken = await request(`${anon.url}/api/datasets`, { headers: bearer(t) });
    expect(withToken.json().datasets.map((d: { id: string }) => d.id)).toEqual([
      'public-stats',
      'inventory',
    ]);
  });
});

describe('datapress: key rotation', () => {
  it('re-fetches the JWKS once for an unknown kid, then rate-limits further unknown kids', async () => {
    const rotated = await makeKey('rsa-2', 'RS256');
    issuer.published = [rotated, ec];
    const before = issuer.jwksFetches;
    expect(
      (await request(`${dp.url}/api/datasets`, { headers: bearer(await reader({}, rotated)) }))
        .status,
    ).toBe(200);
    expect(issuer.jwksFetches).toBe(before + 1);
    // A second new key right away: the cooldown prevents another fetch, so it is rejected.
    const another = await makeKey('rsa-3', 'RS256');
    issuer.published = [rotated, ec, another];
    expect(
      (await request(`${dp.url}/api/datasets`, { headers: bearer(await reader({}, another)) }))
        .status,
    ).toBe(401);
    expect(issuer.jwksFetches).toBe(before + 1);
    // The retired key is no longer trusted after the refresh.
    expect(
      (await request(`${dp.url}/api/datasets`, { headers: bearer(await reader({}, rsa)) })).status,
    ).toBe(401);
  });
});

describe('datapress: startup', () => {
  it('start_degraded = true: starts, /readyz 503, token requests 503, X-Admin-Token still works', async () => {
    const port = await closedPort();
    const file = writeConfig(
      'degraded',
      `enabled = true\nissuer = "http://127.0.0.1:${port}"\nread_scopes = ["datasets:read"]`,
    );
    const svc = await startExample('datapress', {
      args: ['--config', file],
      env: { DATAPRESS_ADMIN_TOKEN: ADMIN_TOKEN },
    });
    try {
      expect(svc.stderr()).toContain('starting degraded');
      expect((await request(`${svc.url}/healthz`)).status).toBe(200);
      expect((await request(`${svc.url}/readyz`)).status).toBe(503);
      const token = await reader();
      expect((await request(`${svc.url}/api/datasets`, { headers: bearer(token) })).status).toBe(
        503,
      );
      expect(
        (
          await request(`${svc.url}/api/datasets/reload`, {
            method: 'POST',
            headers: { 'x-admin-token': ADMIN_TOKEN },
          })
        ).status,
      ).toBe(200);
    } finally {
      expect(await svc.stop()).toBe(0);
    }
  });

  it('start_degraded = false: an unreachable issuer fails startup with exit 3', async () => {
    const port = await closedPort();
    const file = writeConfig(
      'strict',
      `enabled = true\nissuer = "http://127.0.0.1:${port}"\nstart_degraded = false`,
    );
    const r = await startFailure('datapress', { args: ['--config', file] });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^datapress: error: issuer .* unreachable at startup/);
  });

  it.each([
    [
      'HS256 in algorithms',
      'enabled = true\nissuer = "https://idp.example"\nalgorithms = ["HS256"]',
      '[auth].algorithms',
    ],
    [
      'an unknown key',
      'enabled = true\nissuer = "https://idp.example"\naudiance = "x"',
      '[auth].audiance',
    ],
    ['a missing issuer', 'enabled = true', '[auth].issuer'],
    [
      'a non-pointer tenant_claim',
      'enabled = true\nissuer = "https://idp.example"\ntenant_claim = "tid"',
      '[auth].tenant_claim',
    ],
  ])('refuses %s with exit 2 and one line naming the key', async (_n, auth, needle) => {
    const r = await startFailure('datapress', {
      args: ['--config', writeConfig(`bad-${needle.replace(/\W/g, '')}`, auth)],
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(needle);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

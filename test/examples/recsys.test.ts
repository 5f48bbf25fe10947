// recsys example: dev headers vs JWT vs API keys, tenant scope from trusted auth, role-gated admin API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { tempDir } from '../helpers/cli.js';
import { killAll, request, startExample, startFailure, type RunningExample } from './helpers.js';

const ISS = 'https://idp.test';
const AUD = 'recsys';
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const KEYS = {
  good: 'rk_live_good_0123456789abcdef',
  operator: 'rk_live_oper_0123456789abcdef',
  revoked: 'rk_live_revk_0123456789abcdef',
  expired: 'rk_live_expd_0123456789abcdef',
};

let key: CryptoKey;
let otherKey: CryptoKey;
let prod: RunningExample;
let dev: RunningExample;
let devSingle: RunningExample;

async function mint(
  claims: Record<string, unknown>,
  opts: { exp?: string | number; aud?: string; signWith?: CryptoKey } = {},
) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(ISS)
    .setAudience(opts.aud ?? AUD)
    .setSubject('user-1')
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? '5m')
    .sign(opts.signWith ?? key);
}

const recommend = (r: RunningExample, headers: Record<string, string>) =>
  request(`${r.url}/v1/recommend`, {
    method: 'POST',
    headers,
    json: { surface: 'home', k: 3, user: { user_id: 'u_1' } },
  });

beforeAll(async () => {
  // `key` signs and its public half is published; `otherKey` is an unrelated private key.
  const real = await generateKeyPair('RS256', { extractable: true });
  key = real.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  const dir = tempDir('recsys-');
  const jwksFile = path.join(dir, 'jwks.json');
  writeFileSync(
    jwksFile,
    JSON.stringify({
      keys: [{ ...(await exportJWK(real.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }],
    }),
  );
  const keysFile = path.join(dir, 'keys.json');
  // The shape of `authctl apikey export --format json` (written by hand here: no authctl involved).
  const entry = (raw: string, extra: Record<string, unknown>) => ({
    id: raw.slice(0, 12),
    name: raw.slice(8, 12),
    prefix: raw.slice(0, 12),
    sha256: sha(raw),
    scopes: [],
    tenant: 'demo',
    status: 'active',
    expires_at: null,
    valid_until: null,
    ...extra,
  });
  writeFileSync(
    keysFile,
    JSON.stringify({
      format: 'authctl-apikeys',
      version: 1,
      generated_at: new Date().toISOString(),
      hash: 'sha256-hex',
      header: 'X-API-Key',
      accepted_statuses: ['active', 'grace'],
      keys: [
        entry(KEYS.good, {}),
        entry(KEYS.operator, {
          scopes: ['recsys.operator'],
          status: 'grace',
          valid_until: '2999-01-01T00:00:00Z',
        }),
        entry(KEYS.revoked, { status: 'revoked' }),
        entry(KEYS.expired, {
          expires_at: '2020-01-01T00:00:00Z',
          valid_until: '2020-01-01T00:00:00Z',
        }),
      ],
    }),
  );
  [prod, dev, devSingle] = await Promise.all([
    startExample('recsys', {
      env: {
        DEV_AUTH_ENABLED: 'false',
        JWT_AUTH_ENABLED: 'true',
        JWT_JWKS_FILE: jwksFile,
        JWT_ISSUER: ISS,
        JWT_AUDIENCE: AUD,
        AUTH_TENANT_CLAIMS: 'org_id,tenant_id',
        AUTH_ROLE_CLAIMS: 'roles,scope',
        AUTH_VIEWER_ROLE: 'recsys.viewer',
        AUTH_OPERATOR_ROLE: 'recsys.operator',
        AUTH_ADMIN_ROLE: 'recsys.admin',
        API_KEY_ENABLED: 'true',
        API_KEY_HEADER: 'X-Recsys-Key',
        API_KEYS_FILE: keysFile,
      },
    }),
    startExample('recsys', { env: { DEV_AUTH_ENABLED: 'true' } }),
    startExample('recsys', {
      env: { DEV_AUTH_ENABLED: 'true', DEV_AUTH_TENANT_HEADER: 'X-Org-Id' },
    }),
  ]);
});

afterAll(async () => {
  const codes = await Promise.all([prod?.stop(), dev?.stop(), devSingle?.stop()]);
  expect(
    codes.every((c) => c === 0),
    'graceful SIGTERM exit codes',
  ).toBe(true);
  killAll();
});

describe('recsys: production posture (JWT + API keys, dev headers off)', () => {
  it('401 without credentials, with a bare Bearer challenge', async () => {
    const r = await recommend(prod, {});
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer realm="recsys"');
  });

  it('ignores dev headers when DEV_AUTH_ENABLED=false', async () => {
    const r = await recommend(prod, {
      'X-Dev-User-Id': 'dev',
      'X-Dev-Org-Id': 'demo',
      'X-Org-Id': 'demo',
    });
    expect(r.status).toBe(401);
  });

  it('200 with a valid JWT; tenant comes from the first present AUTH_TENANT_CLAIMS key', async () => {
    const r = await recommend(prod, { authorization: `Bearer ${await mint({ org_id: 'demo' })}` });
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ tenant: 'demo', surface: 'home' });
    expect(r.json().items).toHaveLength(3);
    const second = await recommend(prod, {
      authorization: `Bearer ${await mint({ tenant_id: 'acme' })}`,
    });
    expect(second.json().tenant).toBe('acme');
  });

  it('X-Org-Id may repeat but never override the token tenant', async () => {
    const token = await mint({ org_id: 'demo' });
    expect(
      (await recommend(prod, { authorization: `Bearer ${token}`, 'X-Org-Id': 'demo' })).status,
    ).toBe(200);
    const r = await recommend(prod, { authorization: `Bearer ${token}`, 'X-Org-Id': 'other' });
    expect(r.status).toBe(403);
    expect(r.json().error).toBe('tenant_mismatch');
  });

  it('without a tenant claim, X-Org-Id supplies the scope; with neither → 403', async () => {
    const token = await mint({ tid: 'demo' }); // tid is not in AUTH_TENANT_CLAIMS
    const none = await recommend(prod, { authorization: `Bearer ${token}` });
    expect(none.status).toBe(403);
    expect(none.json().error).toBe('tenant_missing');
    const scoped = await recommend(prod, { authorization: `Bearer ${token}`, 'X-Org-Id': 'acme' });
    expect(scoped.status).toBe(200);
    expect(scoped.json().tenant).toBe('acme');
  });

  it.each([
    ['expired', () => mint({ org_id: 'demo' }, { exp: Math.floor(Date.now() / 1000) - 3600 })],
    ['wrong audience', () => mint({ org_id: 'demo' }, { aud: 'someone-else' })],
    ['wrong signing key', () => mint({ org_id: 'demo' }, { signWith: otherKey })],
    ['garbage', async () => 'not.a.jwt'],
    [
      'alg none',
      async () =>
        `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"org_id":"demo"}').toString('base64url')}.`,
    ],
  ])('401 invalid_token for a %s token, without echoing it', async (_name, make) => {
    const token = await make();
    const r = await recommend(prod, { authorization: `Bearer ${token}` });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toMatch(
      /^Bearer realm="recsys", error="invalid_token"/,
    );
    expect(r.text).not.toContain(token);
  });

  it('admin API: viewer reads, operator writes, admin audits (roles from AUTH_ROLE_CLAIMS)', async () => {
    const base = `${prod.url}/v1/admin/tenants/demo`;
    const viewer = `Bearer ${await mint({ org_id: 'demo', roles: ['recsys.viewer'] })}`;
    const operator = `Bearer ${await mint({ org_id: 'demo', scope: 'openid recsys.operator' })}`;
    const admin = `Bearer ${await mint({ org_id: 'demo', roles: ['recsys.admin'] })}`;
    const nobody = `Bearer ${await mint({ org_id: 'demo' })}`;
    expect((await request(`${base}/config`, { headers: { authorization: nobody } })).status).toBe(
      403,
    );
    expect((await request(`${base}/config`, { headers: { authorization: viewer } })).status).toBe(
      200,
    );
    const denied = await request(`${base}/config`, {
      method: 'PUT',
      headers: { authorization: viewer },
      json: { k_max: 5 },
    });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(
      (
        await request(`${base}/config`, {
          method: 'PUT',
          headers: { authorization: operator },
          json: { k_max: 5 },
        })
      ).status,
    ).toBe(200);
    expect((await request(`${base}/audit`, { headers: { authorization: operator } })).status).toBe(
      403,
    );
    const audit = await request(`${base}/audit`, { headers: { authorization: admin } });
    expect(audit.status).toBe(200);
    expect(audit.json().entries).toEqual([
      expect.objectContaining({ tenant: 'demo', changed: 'config', method: 'jwt' }),
    ]);
    const otherTenant = await request(`${prod.url}/v1/admin/tenants/acme/config`, {
      headers: { authorization: admin },
    });
    expect(otherTenant.status).toBe(403);
  });

  it('API keys: header from API_KEY_HEADER, tenant from the key, revoked/expired/unknown → 401', async () => {
    const ok = await recommend(prod, { 'X-Recsys-Key': KEYS.good });
    expect(ok.status).toBe(200);
    expect(ok.json().tenant).toBe('demo');
    expect((await recommend(prod, { 'X-Recsys-Key': KEYS.good, 'X-Org-Id': 'acme' })).status).toBe(
      403,
    );
    expect((await recommend(prod, { 'X-API-Key': KEYS.good })).status).toBe(401); // default header not configured
    for (const bad of [KEYS.revoked, KEYS.expired, 'rk_live_unknown']) {
      const r = await recommend(prod, { 'X-Recsys-Key': bad });
      expect(r.status).toBe(401);
      expect(r.text).not.toContain(bad);
    }
    const cfg = `${prod.url}/v1/admin/tenants/demo/rules`;
    expect(
      (await request(cfg, { method: 'PUT', headers: { 'X-Recsys-Key': KEYS.good }, json: [] }))
        .status,
    ).toBe(403);
    expect(
      (await request(cfg, { method: 'PUT', headers: { 'X-Recsys-Key': KEYS.operator }, json: [] }))
        .status,
    ).toBe(200);
  });
});

describe('recsys: dev headers', () => {
  const devHeaders = {
    'X-Request-Id': 'example-1',
    'X-Dev-User-Id': 'dev-user-1',
    'X-Dev-Org-Id': 'demo',
    'X-Org-Id': 'demo',
  };

  it('accepts the documented local-dev request and echoes X-Request-Id', async () => {
    const r = await recommend(dev, devHeaders);
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ tenant: 'demo', request_id: 'example-1' });
    expect(r.headers.get('x-request-id')).toBe('example-1');
  });

  it('401 without X-Dev-User-Id or the dev tenant header; 403 when X-Org-Id disagrees', async () => {
    expect((await recommend(dev, { 'X-Dev-Org-Id': 'demo' })).status).toBe(401);
    expect((await recommend(dev, { 'X-Dev-User-Id': 'u', 'X-Org-Id': 'demo' })).status).toBe(401);
    expect((await recommend(dev, { ...devHeaders, 'X-Org-Id': 'other' })).status).toBe(403);
  });

  it('rejects bearer tokens when JWT_AUTH_ENABLED is off', async () => {
    expect(
      (await recommend(dev, { authorization: `Bearer ${await mint({ org_id: 'demo' })}` })).status,
    ).toBe(401);
  });

  it('DEV_AUTH_TENANT_HEADER=X-Org-Id needs only one tenant header', async () => {
    expect((await recommend(devSingle, { 'X-Dev-User-Id': 'u', 'X-Org-Id': 'demo' })).status).toBe(
      200,
    );
    expect(
      (await recommend(devSingle, { 'X-Dev-User-Id': 'u', 'X-Dev-Org-Id': 'demo' })).status,
    ).toBe(401);
  });

  it('400 for a body without surface (after auth)', async () => {
    const r = await request(`${dev.url}/v1/recommend`, {
      method: 'POST',
      headers: devHeaders,
      json: { user: { user_id: 'u' } },
    });
    expect(r.status).toBe(400);
  });
});

describe('recsys: startup', () => {
  it('prints a listening line and exits 0 on SIGTERM', async () => {
    const r = await startExample('recsys', { env: { DEV_AUTH_ENABLED: 'true' } });
    expect(r.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await r.stop()).toBe(0);
  });

  it('refuses to start with no auth mode, one line on stderr, exit 2', async () => {
    const r = await startFailure('recsys', { env: {} });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('DEV_AUTH_ENABLED');
  });
});

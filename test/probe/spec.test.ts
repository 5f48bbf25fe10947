import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProbeCase } from '../../src/core/probe/cases.js';
import { isExcluded } from '../../src/core/probe/cases.js';
import { curlCommand } from '../../src/core/probe/curl.js';
import { draftSpecFromOpenApi } from '../../src/core/probe/openapi.js';
import { loadProbeSpecFile } from '../../src/core/probe/spec.js';
import { parseProbeSpec } from '../../src/core/probe/spec-parse.js';
import { parseToml } from '../../src/core/config/toml.js';
import { variantRequests } from '../../src/core/probe/variants.js';
import { hygiene, judge } from '../../src/core/probe/verdict.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { minimalSpec, writeSpec } from './fixtures/spec.js';

describe('probe spec', () => {
  it('accepts the minimal spec from the issue: GET by default, tenant cases, allow and deny', async () => {
    const dir = tempDir();
    const spec = await loadProbeSpecFile(writeSpec(dir, minimalSpec('http://127.0.0.1:8080')));
    expect(spec.endpoints.map((e) => e.id)).toEqual([
      'GET /healthz',
      'GET /v1/tenants/acme/orders',
      'DELETE /v1/tenants/acme/orders/42',
    ]);
    expect(spec.endpoints[0]!.public).toBe(true);
    expect(spec.endpoints[2]!).toMatchObject({
      allow: ['admin'],
      deny: ['reader'],
      tenant: 'acme',
      forbiddenStatus: [403],
      unauthenticatedStatus: [401],
      tenantMismatchStatus: [403],
    });
    expect(spec.jwt).toMatchObject({
      issuer: 'http://127.0.0.1:9400',
      audience: 'api://orders',
      tenant_claim: '/tid',
    });
  });

  it('fills {tenant} and other placeholders, and names a missing one', () => {
    const base = { base_url: 'http://x', credentials: { a: { type: 'jwt' } } };
    const spec = parseProbeSpec(
      {
        ...base,
        params: { id: '7' },
        endpoints: [{ path: '/t/{tenant}/o/{id}', tenant: 'acme corp', allow: ['a'] }],
      },
      'spec.json',
    );
    expect(spec.endpoints[0]!.path).toBe('/t/acme%20corp/o/7');
    expect(() =>
      parseProbeSpec({ ...base, endpoints: [{ path: '/o/{order}', allow: ['a'] }] }, 'spec.json'),
    ).toThrow(/endpoints\[0\]\.path: no value for \{order\}/);
  });

  it('rejects unknown credentials with a suggestion, typos in keys, and endpoints with nothing to check', () => {
    const base = { base_url: 'http://x', credentials: { reader: { type: 'jwt' } } };
    expect(() =>
      parseProbeSpec({ ...base, endpoints: [{ path: '/a', allow: ['raeder'] }] }, 's'),
    ).toThrow(/no credential "raeder"/);
    try {
      parseProbeSpec({ ...base, endpoints: [{ path: '/a', allow: ['raeder'] }] }, 's');
    } catch (error) {
      expect((error as { hint: string }).hint).toBe('did you mean "reader"?');
    }
    expect(() =>
      parseProbeSpec({ ...base, endpoints: [{ path: '/a', alow: ['reader'] }] }, 's'),
    ).toThrow(/unknown key "endpoints\[0\]\.alow"/);
    expect(() => parseProbeSpec({ ...base, endpoints: [{ path: '/a' }] }, 's')).toThrow(
      /needs public = true, or allow/,
    );
    expect(() =>
      parseProbeSpec(
        { ...base, endpoints: [{ path: '/a', allow: ['reader'], deny: ['reader'] }] },
        's',
      ),
    ).toThrow(/both allow and deny/);
    expect(() =>
      parseProbeSpec(
        { ...base, credentials: { r: { type: 'jwk' } }, endpoints: [{ path: '/a', public: true }] },
        's',
      ),
    ).toThrow(/credentials\.r\.type/);
    expect(() =>
      parseProbeSpec(
        { ...base, variants: ['upper'], endpoints: [{ path: '/a', allow: ['reader'] }] },
        's',
      ),
    ).toThrow(/variants: must be true, false or a list of head, options/);
  });

  it('exits 2 naming file:line for a bad spec, and for no spec at all', async () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'probe.toml'),
      'base_url = "http://x"\n\n[[endpoints]]\npath = "/a"\nallow = ["ghost"]\n',
    );
    const bad = await runCli(['probe'], { cwd: dir, env: { AUTHCTL_HOME: dir } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /authctl: error: endpoints\[0\]\.allow\[0\]: no credential "ghost" \(.*probe\.toml:5:\d+\)/,
    );
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const empty = await runCli(['probe'], { cwd: tempDir(), env: { AUTHCTL_HOME: dir } });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/no probe spec found/);
    const syntax = await runCli(
      ['probe', '--spec', writeSpec(dir, 'base_url = \n', 'broken.toml')],
      { env: { AUTHCTL_HOME: dir } },
    );
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(/TOML syntax error/);
  });

  it('warns about an exclude entry that matches no case (a typo would otherwise go unnoticed)', async () => {
    const dir = tempDir();
    const spec = minimalSpec('http://127.0.0.1:9').replace(
      'allow = ["admin"]',
      'allow = ["admin"]\nexclude = ["jwt:jwu", "jwt:jku", "head"]',
    );
    const result = await runCli(['probe', '--dry-run', '--spec', writeSpec(dir, spec)], {
      env: { AUTHCTL_HOME: dir },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'warning: endpoints[2] (DELETE /v1/tenants/acme/orders/42): exclude "jwt:jwu" matches no case',
    );
    // "head" matches nothing on a DELETE (no HEAD variant there), "jwt:jku" does.
    expect(result.stderr).toContain('exclude "head" matches no case');
    expect(result.stderr).not.toContain('"jwt:jku"');
    expect(result.stdout).not.toMatch(/DELETE[\s\S]*jwt:jku\s/);
  });

  it('reads the same spec from [probe] in authctl.toml', async () => {
    const dir = tempDir();
    const probeSection = minimalSpec('http://127.0.0.1:9')
      .replace(/^\[(credentials\.\w+|jwt)\]$/gm, '[probe.$1]')
      .replace(/^\[\[endpoints\]\]$/gm, '[[probe.endpoints]]')
      .replace(/^base_url = /m, '[probe]\nbase_url = ');
    writeFileSync(path.join(dir, 'authctl.toml'), probeSection);
    const result = await runCli(['probe', '--dry-run', '--json'], {
      cwd: dir,
      env: { AUTHCTL_HOME: dir },
    });
    // Only the first-write notice (the home is the project dir here, so no .gitignore is put in it).
    expect(result.stderr).toBe(
      `created the keystore ${path.join(dir, 'keys.json')} (private keys, mode 0600); keep it out of version control\n`,
    );
    expect(result.code).toBe(0);
    expect(
      JSON.parse(result.stdout).requests.some((r: { case: string }) => r.case === 'deny:reader'),
    ).toBe(true);
  });
});

describe('variants, exclusions and curl', () => {
  const get = { method: 'GET', path: '/v1/orders?limit=1', headers: {} };
  it('builds each variant of a request', () => {
    const variants = Object.fromEntries(variantRequests(get, true).map((v) => [v.name, v.request]));
    expect(variants.head!.method).toBe('HEAD');
    expect(variants.options!.method).toBe('OPTIONS');
    expect(variants['trailing-slash']!.path).toBe('/v1/orders/?limit=1');
    expect(variants['upper-case']!.path).toBe('/V1/ORDERS?limit=1');
    expect(variants['percent-encoded']!.path).toBe('/%761/orders?limit=1');
    expect(variants['method-override']).toMatchObject({
      method: 'POST',
      headers: { 'X-HTTP-Method-Override': 'GET' },
    });
    expect(variantRequests({ ...get, method: 'DELETE' }, true).some((v) => v.name === 'head')).toBe(
      false,
    );
    expect(variantRequests(get, ['upper-case']).map((v) => v.name)).toEqual(['upper-case']);
    expect(variantRequests(get, false)).toEqual([]);
  });

  it('excludes by exact id, family and variant name', () => {
    expect(isExcluded('jwt:alg-none-case:NONE', ['jwt:alg-none-case'])).toBe(true);
    expect(isExcluded('jwt:alg-none', ['jwt:alg-none-case'])).toBe(false);
    expect(isExcluded('deny:reader/head', ['head'])).toBe(true);
    expect(isExcluded('deny:reader/head', ['variant:head'])).toBe(true);
    expect(isExcluded('tenant:other', ['tenant'])).toBe(true);
  });

  it('masks bearer tokens and listed secrets in curl commands', () => {
    const token =
      'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSIsImV4cCI6MTl9.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU';
    const curl = curlCommand(
      'http://h:1',
      {
        method: 'DELETE',
        path: '/a b',
        headers: { Authorization: `Bearer ${token}`, 'X-Token-Copy': 'supersecretvalue123' },
        body: `{"t":"${token}"}`,
      },
      [token, 'supersecretvalue123'],
    );
    expect(curl).not.toContain(token);
    expect(curl).not.toContain('supersecretvalue123');
    expect(curl).toMatch(
      /^curl -sS -i -X DELETE --path-as-is --globoff -H 'Authorization: Bearer eyJhbGciOi…/,
    );
    expect(curl).toContain("'http://h:1/a b'");
  });
});

describe('verdicts', () => {
  const endpoint = { id: 'GET /a', allow: ['r'] } as unknown as ProbeCase['endpoint'];
  const kase = (over: Partial<ProbeCase>): ProbeCase => ({
    endpoint,
    id: 'jwt:expired',
    check: 'jwt:expired',
    title: 'token: expired',
    control: false,
    outcome: 'unauthenticated',
    statuses: [401],
    tokenPresented: true,
    scheme: 'bearer',
    request: { method: 'GET', path: '/a', headers: {} },
    secrets: [],
    ...over,
  });
  const res = (status: number, headers: Record<string, string> = {}, body = '') => ({
    status,
    headers,
    body,
    ms: 1,
  });

  it('2xx on a negative case is critical; 401/403 swapped is an error; 404 for 403 a warning', () => {
    expect(judge(kase({}), res(200))?.severity).toBe('critical');
    expect(judge(kase({}), res(403))).toMatchObject({
      severity: 'error',
      rule: 'probe/status-swapped',
    });
    expect(
      judge(kase({ outcome: 'forbidden', statuses: [403], id: 'deny:x', check: 'deny' }), res(401)),
    ).toMatchObject({ severity: 'error', rule: 'probe/status-swapped' });
    expect(
      judge(kase({ outcome: 'forbidden', statuses: [403], id: 'deny:x', check: 'deny' }), res(404)),
    ).toMatchObject({ severity: 'warning', rule: 'probe/hidden-as-404' });
    expect(
      judge(
        kase({
          outcome: 'forbidden',
          statuses: [403],
          id: 'sigv4:wrong-secret',
          check: 'sigv4:wrong-secret',
          scheme: 'sigv4',
        }),
        res(401),
      ),
    ).toMatchObject({
      severity: 'error',
      rule: 'probe/status-swapped',
      message: expect.stringContaining(
        'S3-style services answer a failed signature check with 403',
      ),
    });
    expect(
      judge(
        kase({
          outcome: 'either',
          statuses: [401, 403],
          id: 'tenant:missing-claim',
          check: 'tenant:missing-claim',
        }),
        res(401),
      ),
    ).toBeUndefined();
    expect(
      judge(
        kase({
          outcome: 'either',
          statuses: [401, 403],
          id: 'tenant:missing-claim',
          check: 'tenant:missing-claim',
        }),
        res(200),
      )?.severity,
    ).toBe('critical');
    expect(
      judge(kase({ outcome: 'forbidden', statuses: [403], id: 'deny:x', check: 'deny' }), res(204)),
    ).toMatchObject({ severity: 'critical', rule: 'probe/accepts-unauthorized' });
    expect(judge(kase({ id: 'jwt:alg-none', check: 'jwt:alg-none' }), res(200))).toMatchObject({
      severity: 'critical',
      rule: 'probe/accepts-invalid-credential',
    });
    expect(
      judge(
        kase({ id: 'no-credentials', check: 'no-credentials', tokenPresented: false }),
        res(404),
      ),
    ).toMatchObject({ severity: 'error', rule: 'probe/unexpected-status' });
    expect(judge(kase({ statuses: [401, 403] }), res(403))).toBeUndefined();
    expect(judge(kase({}), res(500))).toMatchObject({
      severity: 'error',
      rule: 'probe/server-error',
    });
    expect(judge(kase({ outcome: 'non2xx', statuses: [] }), res(404))).toBeUndefined();
    expect(
      judge(
        kase({
          outcome: 'non2xx',
          statuses: [],
          request: { method: 'OPTIONS', path: '/a', headers: {} },
        }),
        res(204, { 'access-control-allow-methods': 'GET' }),
      ),
    ).toBeUndefined();
  });

  it('hygiene: RFC 6750 challenges, insufficient_scope, and quiet for correct answers', () => {
    const bearer = { Authorization: `Bearer ${'x'.repeat(60)}` };
    const c = kase({ request: { method: 'GET', path: '/a', headers: bearer } });
    expect(hygiene(c, res(401)).map((i) => i.rule)).toEqual(['probe/hygiene-www-authenticate']);
    expect(
      hygiene(c, res(401, { 'www-authenticate': 'Bearer realm="x"' })).map((i) => i.rule),
    ).toEqual(['probe/hygiene-invalid-token']);
    expect(
      hygiene(c, res(401, { 'www-authenticate': 'Bearer realm="x", error="invalid_token"' })),
    ).toEqual([]);
    expect(hygiene(kase({ scheme: 'apikey' }), res(401))).toEqual([]);
    const scope = kase({ outcome: 'forbidden', statuses: [403], missingScope: true });
    expect(hygiene(scope, res(403)).map((i) => i.rule)).toEqual([
      'probe/hygiene-insufficient-scope',
    ]);
    expect(
      hygiene(scope, res(403, { 'www-authenticate': 'Bearer error="insufficient_scope"' })),
    ).toEqual([]);
    const ok401 = { 'www-authenticate': 'Bearer error="invalid_token"' };
    const traced = (body: string) => hygiene(c, res(401, ok401, body)).map((i) => i.rule);
    expect(
      traced(
        'Error: jwt malformed\n    at verify (/srv/app/node_modules/jsonwebtoken/verify.js:63:17)',
      ),
    ).toEqual(['probe/hygiene-stack-trace']);
    expect(traced('Traceback (most recent call last):\n  File "app.py"')).toEqual([
      'probe/hygiene-stack-trace',
    ]);
    expect(traced('{"error":"invalid_token","hint":"see node_modules docs"}')).toEqual([]);
    // A body of near-matches (64 KiB from the service under test) is judged, not backtracked over for ever.
    expect(traced('node_modules/a/'.repeat(4400).slice(0, 65536))).toEqual([]);
  });
});

describe('probe init --from-openapi', () => {
  const doc = {
    openapi: '3.0.3',
    servers: [{ url: 'https://api.example.com/' }],
    security: [{ bearer: ['orders:read'] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        key: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
    paths: {
      '/healthz': { get: { security: [] } },
      '/v1/tenants/{tenant_id}/orders/{id}': {
        get: {},
        delete: { security: [{ bearer: ['orders:write'] }] },
      },
      '/v1/reports': { get: { security: [{ key: [] }] } },
    },
  };

  it('drafts a valid spec: public endpoints, allow per scheme, scopes with a scope-less deny credential, tenant params', () => {
    const draft = draftSpecFromOpenApi(doc, { source: 'openapi.json' });
    expect(draft).toMatchObject({ endpoints: 4, publicEndpoints: 1 });
    const spec = parseProbeSpec(parseToml(draft.toml, 'draft'), 'draft');
    expect(spec.baseUrl).toBe('https://api.example.com');
    const byId = Object.fromEntries(spec.endpoints.map((e) => [e.id, e]));
    expect(byId['GET /healthz']!.public).toBe(true);
    expect(byId['DELETE /v1/tenants/acme/orders/example']).toMatchObject({
      allow: ['bearer'],
      deny: ['no_scopes'],
      scopes: ['orders:write'],
      tenant: 'acme',
    });
    expect(byId['GET /v1/reports']!.allow).toEqual(['key']);
    expect(spec.credentials.key).toMatchObject({ type: 'apikey', header: 'X-API-Key' });
  });

  it('writes the draft with -o (or its old name --out) and refuses a non-OpenAPI file (exit 2)', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'openapi.json'), JSON.stringify(doc));
    const ok = await runCli(
      [
        'probe',
        'init',
        '--from-openapi',
        'openapi.json',
        '-o',
        'probe.toml',
        '--base-url',
        'http://127.0.0.1:8080',
      ],
      { cwd: dir },
    );
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/wrote probe.toml: 4 endpoints \(1 public\)/);
    const dry = await runCli(['probe', '--dry-run', '--json'], {
      cwd: dir,
      env: { AUTHCTL_HOME: path.join(dir, 'home') },
    });
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout).baseUrl).toBe('http://127.0.0.1:8080');
    const again = await runCli(
      ['probe', 'init', '--from-openapi', 'openapi.json', '--out', 'probe.toml'],
      { cwd: dir },
    );
    expect(again.code).toBe(2);
    // Not even a dangling symlink is replaced without --force.
    const { symlinkSync, lstatSync } = await import('node:fs');
    symlinkSync(path.join(dir, 'nowhere.toml'), path.join(dir, 'link.toml'));
    const link = await runCli(
      ['probe', 'init', '--from-openapi', 'openapi.json', '--out', 'link.toml'],
      { cwd: dir },
    );
    expect(link.code).toBe(2);
    expect(link.stderr).toMatch(/link\.toml already exists/);
    expect(lstatSync(path.join(dir, 'link.toml')).isSymbolicLink()).toBe(true);
    const forced = await runCli(
      ['probe', 'init', '--from-openapi', 'openapi.json', '--out', 'probe.toml', '--force'],
      { cwd: dir },
    );
    expect(forced.code).toBe(0);
    writeFileSync(path.join(dir, 'other.json'), '{"hello": 1}');
    const bad = await runCli(['probe', 'init', '--from-openapi', 'other.json'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not an OpenAPI document/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthctlConfig } from '../../src/core/config/schema.js';
import { REDIRECT, startTestIdp, type TestIdp } from '../idp/helpers.js';
import { INHERITED_NAMES, prototypeGuard } from './helpers.js';

const S256 = {
  code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  code_challenge_method: 'S256',
};

interface Probe {
  method: string;
  path: string;
  form?: Record<string, string>;
  json?: unknown;
  headers?: Record<string, string>;
}

/** Every key-like parameter of every endpoint, set to `name`. */
function probes(name: string): Probe[] {
  const basic = { authorization: `Basic ${Buffer.from(`${name}:${name}`).toString('base64')}` };
  const token = (form: Record<string, string>, headers?: Record<string, string>): Probe => ({
    method: 'POST',
    path: '/token',
    form,
    headers,
  });
  const grants = [
    'client_credentials',
    'password',
    'authorization_code',
    'refresh_token',
    'urn:ietf:params:oauth:grant-type:token-exchange',
    'urn:ietf:params:oauth:grant-type:device_code',
  ];
  return [
    token({ grant_type: name, client_id: 'a', client_secret: 'b' }),
    token({ grant_type: name }, basic),
    ...grants.map((grant_type) =>
      token({
        grant_type,
        client_id: name,
        client_secret: name,
        code: name,
        refresh_token: name,
        device_code: name,
        username: name,
        password: name,
        scope: name,
        subject_token: name,
        subject_token_type: name,
        requested_token_type: name,
        redirect_uri: name,
        code_verifier: name,
        audience: name,
        resource: name,
        authctl_claims: JSON.stringify({
          [name === '__proto__' || name === 'constructor' ? 'ok' : name]: name,
        }),
      }),
    ),
    ...grants.map((grant_type) =>
      token(
        {
          grant_type,
          code: name,
          refresh_token: name,
          device_code: name,
          username: name,
          password: name,
        },
        basic,
      ),
    ),
    {
      method: 'GET',
      path: `/authorize?${new URLSearchParams({ client_id: name, redirect_uri: REDIRECT, response_type: name, scope: name, login_hint: name, ...S256, code_challenge_method: name })}`,
    },
    {
      method: 'POST',
      path: '/authorize',
      form: {
        client_id: name,
        redirect_uri: REDIRECT,
        response_type: 'code',
        ...S256,
        username: name,
        tenant: name,
        roles: name,
        scope_granted: name,
        action: name,
      },
    },
    {
      method: 'POST',
      path: '/revoke',
      form: { token: name, client_id: name, token_type_hint: name },
    },
    {
      method: 'POST',
      path: '/revoke',
      form: {
        token: `e30.${Buffer.from(JSON.stringify({ jti: name, client_id: name })).toString('base64url')}.`,
        client_id: name,
      },
    },
    {
      method: 'POST',
      path: '/introspect',
      form: { token: name, client_id: name, token_type_hint: name },
    },
    {
      method: 'POST',
      path: '/device_authorization',
      form: { client_id: name, scope: name, authctl_outcome: name },
    },
    { method: 'POST', path: '/device', form: { user_code: name, username: name, action: name } },
    { method: 'GET', path: `/device?user_code=${name}` },
    { method: 'GET', path: '/userinfo', headers: { authorization: `Bearer ${name}` } },
    {
      method: 'GET',
      path: `/end_session?${new URLSearchParams({ client_id: name, post_logout_redirect_uri: name, id_token_hint: name, state: name })}`,
    },
    { method: 'GET', path: `/${name}` },
    { method: 'GET', path: `/${name}/token` },
    { method: 'GET', path: `/.well-known/openid-configuration/${name}` },
    { method: 'GET', path: `/_authctl/${name}` },
    { method: 'POST', path: `/_authctl/${name}`, json: {} },
    { method: 'POST', path: '/_authctl/clients', json: { id: name } },
    {
      method: 'POST',
      path: '/_authctl/clients',
      json: { id: 'x', secret: 's', grants: [name], scopes: [name], [name]: name },
    },
    { method: 'POST', path: '/_authctl/users', json: { name } },
    { method: 'POST', path: '/_authctl/users', json: { name: 'u', [name]: name } },
    { method: 'POST', path: '/_authctl/claims', json: { client_id: name, claims: { ok: 1 } } },
    {
      method: 'POST',
      path: '/_authctl/claims',
      json: { user: name, claims: { ok: 1 }, sticky: name },
    },
    { method: 'POST', path: '/_authctl/rotate', json: { issuer: name } },
    { method: 'POST', path: '/_authctl/rotate', json: { stage: name } },
    { method: 'POST', path: '/_authctl/fault', json: { jwks: name } },
    { method: 'POST', path: '/_authctl/fault', json: { [name]: 1 } },
    { method: 'POST', path: '/_authctl/device', json: { outcome: name } },
    { method: 'POST', path: '/_authctl/clock', json: { set: name, advance: name } },
    { method: 'GET', path: `/_authctl/requests?path=${name}&client_id=${name}` },
    { method: 'POST', path: '/_authctl/clock', json: JSON.parse(`{"${name}": {"${name}": 1}}`) },
  ];
}

async function send(base: string, probe: Probe) {
  const headers: Record<string, string> = { ...probe.headers };
  let body: string | undefined;
  if (probe.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(probe.form).toString();
  } else if (probe.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(probe.json);
  }
  const response = await fetch(`${base}${probe.path}`, {
    method: probe.method,
    headers,
    body,
    redirect: 'manual',
  });
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    text: await response.text(),
  };
}

const STRICT: AuthctlConfig = {
  idp: {
    clients: { web: { secret: 'web-secret', redirect_uris: [REDIRECT] } },
    users: { alice: { password: 'pw' } },
    issuers: { tenant: { path: '/tenant' } },
  },
};

describe.each([
  ['zero config', {} as AuthctlConfig],
  ['strict clients and users', STRICT],
])('security: inherited property names as request input (%s)', (_label, config) => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp(config);
  });
  afterAll(() => idp.close());

  it.each(INHERITED_NAMES)(
    '%s in every key-like parameter: never a 500, errors are JSON (HTML on pages), Object.prototype unchanged',
    async (name) => {
      const guard = prototypeGuard();
      const base = new URL(idp.url).origin;
      for (const probe of probes(name)) {
        const answer = await send(base, probe);
        const label = `${probe.method} ${probe.path} ${JSON.stringify(probe.form ?? probe.json ?? '')}`;
        expect(answer.status, `${label} → ${answer.text.slice(0, 200)}`).toBeLessThan(500);
        const page = /^\/(authorize|device|end_session)\b/.test(probe.path);
        if (answer.status >= 400 && !page) {
          expect(answer.type, label).toMatch(/^application\/json/);
          expect(typeof JSON.parse(answer.text).error, label).toBe('string');
        }
        guard.check(label);
      }
    },
  );
});

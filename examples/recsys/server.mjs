// recsys-service example: env-configured auth (dev headers | JWT | API keys) and tenant scope.
// Start: node examples/recsys/server.mjs   (all configuration comes from the environment; see README.md)
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, decodeProtectedHeader } from 'jose';
import { ApiKeyStore } from '../_shared/apikeys.mjs';
import {
  serve, sendJson, readJson, bearerChallenge, bearerToken, envFlag, envList, fail, portFromEnv,
  decodePath,
} from '../_shared/http.mjs';

const SERVICE = 'recsys';
const env = process.env;
const REALM = 'recsys';

// ---- configuration -------------------------------------------------------------------------
const config = {
  devAuth: envFlag(env, 'DEV_AUTH_ENABLED'),
  devTenantHeader: (env.DEV_AUTH_TENANT_HEADER || 'X-Dev-Org-Id').toLowerCase(),
  jwtAuth: envFlag(env, 'JWT_AUTH_ENABLED'),
  apiKeyAuth: envFlag(env, 'API_KEY_ENABLED'),
  apiKeyHeader: (env.API_KEY_HEADER || 'X-API-Key').toLowerCase(),
  tenantClaims: envList(env, 'AUTH_TENANT_CLAIMS', ['tenant_id']),
  roleClaims: envList(env, 'AUTH_ROLE_CLAIMS', ['roles']),
  roles: {
    viewer: env.AUTH_VIEWER_ROLE || 'viewer',
    operator: env.AUTH_OPERATOR_ROLE || 'operator',
    admin: env.AUTH_ADMIN_ROLE || 'admin',
  },
};

if (!config.devAuth && !config.jwtAuth && !config.apiKeyAuth) {
  fail(SERVICE, 'no auth mode enabled: set DEV_AUTH_ENABLED, JWT_AUTH_ENABLED or API_KEY_ENABLED to true');
}

let jwtKey = null;
const jwtOptions = {};
if (config.jwtAuth) {
  if (env.JWT_JWKS_URL) jwtKey = createRemoteJWKSet(new URL(env.JWT_JWKS_URL));
  else if (env.JWT_JWKS_FILE) {
    try {
      jwtKey = createLocalJWKSet(JSON.parse(readFileSync(env.JWT_JWKS_FILE, 'utf8')));
    } catch (err) {
      fail(SERVICE, `JWT_JWKS_FILE ${env.JWT_JWKS_FILE}: ${err.message}`);
    }
  } else if (env.JWT_HS256_SECRET) jwtKey = new TextEncoder().encode(env.JWT_HS256_SECRET);
  else fail(SERVICE, 'JWT_AUTH_ENABLED=true needs a key: set JWT_JWKS_URL, JWT_JWKS_FILE or JWT_HS256_SECRET');
  if (env.JWT_ISSUER) jwtOptions.issuer = env.JWT_ISSUER;
  if (env.JWT_AUDIENCE) jwtOptions.audience = env.JWT_AUDIENCE;
  jwtOptions.clockTolerance = Number(env.JWT_LEEWAY_SECS ?? 30);
  jwtOptions.requiredClaims = ['exp']; // a token without exp would never expire
  jwtOptions.algorithms = env.JWT_HS256_SECRET && !env.JWT_JWKS_URL && !env.JWT_JWKS_FILE
    ? ['HS256']
    : envList(env, 'JWT_ALGORITHMS', ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']);
}

let apiKeys = new ApiKeyStore();
if (config.apiKeyAuth) {
  if (!env.API_KEYS_FILE) fail(SERVICE, 'API_KEY_ENABLED=true needs API_KEYS_FILE (a seed file of SHA-256 key hashes)');
  try {
    apiKeys = ApiKeyStore.fromFile(env.API_KEYS_FILE);
  } catch (err) {
    fail(SERVICE, err.message);
  }
}

// ---- authentication ------------------------------------------------------------------------
class AuthError extends Error {
  constructor(status, code, message, headers = {}) {
    super(message);
    Object.assign(this, { status, code, headers });
  }
}

const unauthenticated = (message, error) =>
  new AuthError(401, 'unauthorized', message, { 'www-authenticate': bearerChallenge(REALM, error, error ? message : undefined) });

/** Reads a claim by key; a key starting with "/" is a JSON pointer into nested claims. */
function claim(payload, key) {
  if (!key.startsWith('/')) return payload[key];
  let node = payload;
  for (const raw of key.slice(1).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = node[part];
  }
  return node;
}

/** Roles/scopes from every AUTH_ROLE_CLAIMS claim: arrays or space-delimited strings. */
function rolesFrom(payload) {
  const out = new Set();
  for (const key of config.roleClaims) {
    const v = claim(payload, key);
    if (Array.isArray(v)) v.forEach((r) => out.add(String(r)));
    else if (typeof v === 'string') v.split(/\s+/).filter(Boolean).forEach((r) => out.add(r));
  }
  return [...out];
}

async function authenticateJwt(token) {
  if (!token) throw unauthenticated('empty bearer token', 'invalid_token');
  try {
    decodeProtectedHeader(token);
  } catch {
    throw unauthenticated('malformed token', 'invalid_token');
  }
  let payload;
  try {
    ({ payload } = await jwtVerify(token, jwtKey, jwtOptions));
  } catch (err) {
    const why = err.code === 'ERR_JWT_EXPIRED' ? 'token expired' : err.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' ? `${err.claim} claim invalid` : 'token verification failed';
    throw unauthenticated(why, 'invalid_token');
  }
  let tenant;
  for (const key of config.tenantClaims) {
    const v = claim(payload, key);
    if (typeof v === 'string' && v) {
      tenant = v;
      break;
    }
  }
  return { method: 'jwt', subject: payload.sub ?? null, tenant, tenantTrusted: true, roles: rolesFrom(payload) };
}

function authenticateApiKey(raw) {
  const result = apiKeys.verify(raw);
  if (!result.ok) throw new AuthError(401, 'unauthorized', 'invalid API key');
  const { entry } = result;
  return {
    method: 'api_key', subject: entry.name ?? entry.prefix ?? entry.id, tenant: entry.tenant, tenantTrusted: true,
    roles: [...entry.roles, ...entry.scopes],
  };
}

function authenticateDev(req) {
  const user = req.headers['x-dev-user-id'];
  const tenant = req.headers[config.devTenantHeader];
  if (!user) throw unauthenticated('X-Dev-User-Id header is required in dev auth mode');
  if (!tenant) throw unauthenticated(`${config.devTenantHeader} header is required in dev auth mode`);
  const roles = (req.headers['x-dev-roles'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return { method: 'dev', subject: user, tenant, tenantTrusted: false, roles };
}

/** Picks the mode from what the caller sent, then applies the X-Org-Id tenant-scope rule. */
async function authenticate(req) {
  const token = bearerToken(req);
  const apiKey = req.headers[config.apiKeyHeader];
  let principal;
  if (token !== null && config.jwtAuth) principal = await authenticateJwt(token);
  else if (token !== null) throw unauthenticated('bearer tokens are not accepted (JWT_AUTH_ENABLED=false)', 'invalid_token');
  else if (apiKey !== undefined && config.apiKeyAuth) principal = authenticateApiKey(apiKey);
  else if (config.devAuth && req.headers['x-dev-user-id'] !== undefined) principal = authenticateDev(req);
  else throw unauthenticated('credentials required');

  const orgHeader = req.headers['x-org-id'];
  // Seed rule: X-Org-Id is the tenant scope "unless tenant scope comes from a claim/key". So it fills in
  // a missing tenant, but never overrides one that came from trusted auth (or from X-Dev-Org-Id).
  if (!principal.tenant && orgHeader) return { ...principal, tenant: orgHeader, tenantTrusted: false };
  if (!principal.tenant) {
    throw new AuthError(403, 'tenant_missing', 'no tenant scope: the credential carries none and X-Org-Id is absent');
  }
  if (orgHeader !== undefined && orgHeader !== principal.tenant) {
    throw new AuthError(403, 'tenant_mismatch', 'X-Org-Id does not match the authenticated tenant');
  }
  return principal;
}

const LEVELS = ['viewer', 'operator', 'admin'];
/** True when the principal holds `level` or a higher role (admin ⊇ operator ⊇ viewer). */
function hasRole(principal, level) {
  return LEVELS.slice(LEVELS.indexOf(level)).some((l) => principal.roles.includes(config.roles[l]));
}

function requireRole(principal, level) {
  if (!hasRole(principal, level)) {
    throw new AuthError(403, 'forbidden', `requires role ${config.roles[level]} or higher`, {
      'www-authenticate': bearerChallenge(REALM, 'insufficient_scope', undefined, { scope: config.roles[level] }),
    });
  }
}

// ---- application -----------------------------------------------------------------------------
const tenantState = new Map(); // tenant → { config, rules }
const audit = [];
const stateFor = (t) => {
  if (!tenantState.has(t)) tenantState.set(t, { config: { surfaces: ['home'], k_max: 50 }, rules: [] });
  return tenantState.get(t);
};

async function recommend(req, res, principal, requestId) {
  const body = await readJson(req);
  const user = body.user ?? {};
  if (typeof body.surface !== 'string' || !body.surface) return sendJson(res, 400, { error: 'surface is required' }, { 'x-request-id': requestId });
  if (!user.user_id && !user.session_id) return sendJson(res, 400, { error: 'user.user_id or user.session_id is required' }, { 'x-request-id': requestId });
  const k = Math.min(Math.max(Number(body.k) || 10, 1), 50);
  const items = Array.from({ length: k }, (_, i) => ({ item_id: `${principal.tenant}:${body.surface}:${i + 1}`, score: 1 - i / (k + 1) }));
  sendJson(res, 200, { request_id: requestId, tenant: principal.tenant, surface: body.surface, items }, { 'x-request-id': requestId });
}

async function admin(req, res, principal, path) {
  const m = /^\/v1\/admin\/tenants\/([^/]+)\/(config|rules|audit)$/.exec(path);
  if (!m) return sendJson(res, 404, { error: 'not_found' });
  const [, tenant, what] = m;
  const decoded = decodePath(tenant);
  const method = req.method;
  const level = what === 'audit' ? 'admin' : method === 'GET' ? 'viewer' : 'operator';
  if (!((method === 'GET') || (method === 'PUT' && what !== 'audit'))) return sendJson(res, 405, { error: 'method_not_allowed' });
  requireRole(principal, level);
  if (decoded !== principal.tenant) throw new AuthError(403, 'tenant_mismatch', 'path tenant does not match the authenticated tenant');
  const state = stateFor(decoded);
  if (what === 'audit') return sendJson(res, 200, { tenant: decoded, entries: audit.filter((e) => e.tenant === decoded) });
  if (method === 'GET') return sendJson(res, 200, { tenant: decoded, [what]: state[what] });
  state[what] = await readJson(req);
  audit.push({ at: new Date().toISOString(), tenant: decoded, actor: principal.subject, method: principal.method, changed: what });
  sendJson(res, 200, { tenant: decoded, [what]: state[what] });
}

async function handle(req, res) {
  const path = new URL(req.url, 'http://x').pathname;
  const requestId = req.headers['x-request-id'] || randomUUID();
  if (path === '/healthz' || path === '/readyz') return sendJson(res, 200, { status: 'ok' });
  if (path !== '/v1/recommend' && !path.startsWith('/v1/admin/')) return sendJson(res, 404, { error: 'not_found' });
  try {
    const principal = await authenticate(req);
    if (path === '/v1/recommend') {
      if (req.method !== 'POST') return sendJson(res, 405, { error: 'method_not_allowed' });
      return await recommend(req, res, principal, requestId);
    }
    return await admin(req, res, principal, path);
  } catch (err) {
    if (!(err instanceof AuthError)) throw err;
    sendJson(res, err.status, { error: err.code, message: err.message, request_id: requestId }, { ...err.headers, 'x-request-id': requestId });
  }
}

serve(SERVICE, handle, { port: portFromEnv(SERVICE, env, 8000) });

// DataPress example: the [auth] TOML block (OIDC discovery, JWKS, scopes, tenant filtering,
// X-Admin-Token fallback, degraded start). Start:
//   node examples/datapress/server.mjs --config examples/datapress/datapress.toml
// (or DATAPRESS_CONFIG=path). PORT overrides [server].port. DATAPRESS_ADMIN_TOKEN sets the admin token.
import { jwtVerify } from 'jose';
import { loadConfig, resolvePointer } from './config.mjs';
import { JwksCache, JwksUnavailableError } from './jwks.mjs';
import { serve, sendJson, bearerChallenge, bearerToken, safeEqual, fail, portFromEnv, decodePath } from '../_shared/http.mjs';

const SERVICE = 'datapress';
const VERSION = '0.1.0-example';
const REALM = 'datapress';

const argIndex = process.argv.indexOf('--config');
const configFile = argIndex > 0 ? process.argv[argIndex + 1] : process.env.DATAPRESS_CONFIG;
if (!configFile) fail(SERVICE, 'no config file: pass --config FILE or set DATAPRESS_CONFIG');

let cfg;
try {
  cfg = loadConfig(configFile);
} catch (err) {
  fail(SERVICE, err.message);
}
const { auth } = cfg;
const adminToken = process.env.DATAPRESS_ADMIN_TOKEN || cfg.server.admin_token || '';
let datasets = cfg.datasets.length ? cfg.datasets : [
  { id: 'public-stats', title: 'Public statistics' },
  { id: 'sales', title: 'Sales', tenant: 'tenant-a' },
];
let reloads = 0;

let jwks = null;
if (auth.enabled) {
  // DATAPRESS_JWKS_COOLDOWN_SECS (example-only knob): minimum gap between unknown-kid re-fetches.
  const cooldown = Number(process.env.DATAPRESS_JWKS_COOLDOWN_SECS ?? 10);
  if (!Number.isFinite(cooldown) || cooldown < 0) fail(SERVICE, 'DATAPRESS_JWKS_COOLDOWN_SECS must be a non-negative number of seconds');
  jwks = new JwksCache({ issuer: auth.issuer, refreshSecs: auth.jwks_refresh_secs, cooldownMs: cooldown * 1000 });
  try {
    await jwks.refresh();
  } catch (err) {
    const why = err.cause?.code ?? err.message;
    if (!auth.start_degraded) fail(SERVICE, `issuer ${auth.issuer} unreachable at startup: ${why} (start_degraded = false)`, 3);
    process.stderr.write(`${SERVICE}: warning: issuer ${auth.issuer} unreachable at startup (${why}); starting degraded\n`);
  }
  jwks.start();
}

// ---- request authentication ----------------------------------------------------------------
class HttpError extends Error {
  constructor(status, code, message, headers = {}) {
    super(message);
    Object.assign(this, { status, code, headers });
  }
}

const invalidToken = (message) =>
  new HttpError(401, 'invalid_token', message, { 'www-authenticate': bearerChallenge(REALM, 'invalid_token', message) });

function scopesOf(payload) {
  const out = new Set();
  for (const v of [payload.scope, payload.scp]) {
    if (typeof v === 'string') v.split(/\s+/).filter(Boolean).forEach((s) => out.add(s));
    else if (Array.isArray(v)) v.forEach((s) => out.add(String(s)));
  }
  return out;
}

async function verifyBearer(token) {
  if (!token) throw invalidToken('empty bearer token');
  try {
    const { payload } = await jwtVerify(token, jwks.getKey, {
      issuer: auth.issuer,
      audience: auth.audience || undefined,
      algorithms: auth.algorithms,
      clockTolerance: auth.leeway_secs,
      // A token without exp would never expire (found by the end-to-end probe: jwt:no-exp).
      requiredClaims: ['exp'],
    });
    return payload;
  } catch (err) {
    if (err instanceof JwksUnavailableError) {
      throw new HttpError(503, 'auth_unavailable', 'token cannot be verified right now: identity provider unreachable', { 'retry-after': '10' });
    }
    const why = {
      ERR_JWT_EXPIRED: 'token expired',
      ERR_JWT_CLAIM_VALIDATION_FAILED: `${err.claim} claim check failed`,
      ERR_JOSE_ALG_NOT_ALLOWED: 'token algorithm not allowed',
      ERR_JWKS_NO_MATCHING_KEY: 'no matching signing key',
      ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'signature verification failed',
    }[err.code] ?? 'malformed or unverifiable token';
    throw invalidToken(why);
  }
}

function requireScopes(payload, required) {
  const have = scopesOf(payload);
  const missing = required.filter((s) => !have.has(s));
  if (missing.length) {
    throw new HttpError(403, 'insufficient_scope', `missing scope(s): ${missing.join(' ')}`, {
      'www-authenticate': bearerChallenge(REALM, 'insufficient_scope', undefined, { scope: required.join(' ') }),
    });
  }
}

/** Tenant from tenant_claim; enforces allowed_tenants. Returns undefined when no tenant_claim is set. */
function tenantOf(payload) {
  if (!auth.tenant_claim) return undefined;
  const value = resolvePointer(payload, auth.tenant_claim);
  if (typeof value !== 'string' || value === '') {
    throw new HttpError(403, 'tenant_missing', `token has no tenant at ${auth.tenant_claim}`);
  }
  if (auth.allowed_tenants.length && !auth.allowed_tenants.includes(value)) {
    throw new HttpError(403, 'tenant_not_allowed', 'tenant is not in allowed_tenants');
  }
  return value;
}

/** Reads: { anonymous: true } or { tenant } of a verified token. */
async function authorizeRead(req) {
  if (!auth.enabled) return { anonymous: true, all: true };
  const token = bearerToken(req);
  if (token === null) {
    if (auth.anonymous_read) return { anonymous: true };
    throw new HttpError(401, 'unauthorized', 'bearer token required', { 'www-authenticate': bearerChallenge(REALM) });
  }
  const payload = await verifyBearer(token);
  if (!auth.anonymous_read) requireScopes(payload, auth.read_scopes);
  return { tenant: tenantOf(payload), subject: payload.sub };
}

async function authorizeReload(req) {
  const presented = req.headers['x-admin-token'];
  const fallback = !auth.enabled || auth.admin_token_fallback;
  if (presented !== undefined && fallback) {
    if (adminToken && safeEqual(presented, adminToken)) return { admin: true };
    throw new HttpError(401, 'unauthorized', 'invalid X-Admin-Token', auth.enabled ? { 'www-authenticate': bearerChallenge(REALM) } : {});
  }
  if (!auth.enabled) throw new HttpError(401, 'unauthorized', 'X-Admin-Token required');
  const token = bearerToken(req);
  if (token === null) throw new HttpError(401, 'unauthorized', 'bearer token required', { 'www-authenticate': bearerChallenge(REALM) });
  const payload = await verifyBearer(token);
  requireScopes(payload, auth.reload_scopes);
  return { tenant: tenantOf(payload), subject: payload.sub };
}

// ---- routes ----------------------------------------------------------------------------------
function visible(who) {
  if (who.all || (who.tenant === undefined && !who.anonymous)) return datasets; // no tenant filtering configured
  if (who.anonymous) return datasets.filter((d) => !d.tenant);
  return datasets.filter((d) => !d.tenant || d.tenant === who.tenant);
}

async function handle(req, res) {
  const path = new URL(req.url, 'http://x').pathname;
  if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
  if (path === '/version') return sendJson(res, 200, { name: SERVICE, version: VERSION });
  if (path === '/readyz') {
    const ready = !jwks || jwks.ready;
    return sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'degraded', jwks: jwks ? jwks.stats : null });
  }
  try {
    if (path === '/api/datasets/reload') {
      if (req.method !== 'POST') return sendJson(res, 405, { error: 'method_not_allowed' });
      await authorizeReload(req);
      reloads += 1;
      try {
        if (cfg.datasets.length) datasets = loadConfig(configFile).datasets;
      } catch (err) {
        return sendJson(res, 500, { error: 'reload_failed', message: err.message });
      }
      return sendJson(res, 200, { reloaded: true, reloads, datasets: datasets.length });
    }
    if (path === '/api/datasets' || path.startsWith('/api/datasets/')) {
      if (req.method !== 'GET') return sendJson(res, 405, { error: 'method_not_allowed' });
      const who = await authorizeRead(req);
      const list = visible(who);
      if (path === '/api/datasets') return sendJson(res, 200, { datasets: list });
      const id = decodePath(path.slice('/api/datasets/'.length));
      const found = list.find((d) => d.id === id);
      return found ? sendJson(res, 200, found) : sendJson(res, 404, { error: 'not_found' });
    }
    return sendJson(res, 404, { error: 'not_found' });
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    sendJson(res, err.status, { error: err.code, message: err.message }, err.headers);
  }
}

serve(SERVICE, handle, { port: portFromEnv(SERVICE, { PORT: process.env.PORT ?? cfg.server.port }, 8080), onClose: () => jwks?.stop() });

// Relay example: HS256 JWTs (issue / rotate / revoke), hashed API keys (raw key shown once, masked
// on read), and admin-only operations. Start: node examples/relay/server.mjs  (env: see README.md)
import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { SignJWT, jwtVerify, decodeProtectedHeader } from 'jose';
import { ApiKeyStore, parseApiKeyFile } from '../_shared/apikeys.mjs';
import {
  serve, sendJson, readJson, bearerChallenge, bearerToken, safeEqual, fail, portFromEnv,
  decodePath,
} from '../_shared/http.mjs';

const SERVICE = 'relay';
const REALM = 'relay';
const env = process.env;

// ---- configuration -------------------------------------------------------------------------
if (!env.JWT_SIGNING_KEY) fail(SERVICE, 'JWT_SIGNING_KEY is required (base64-encoded HMAC secret, >= 32 bytes decoded)');
if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(env.JWT_SIGNING_KEY.trim())) fail(SERVICE, 'JWT_SIGNING_KEY is not base64');
const signingKey = Buffer.from(env.JWT_SIGNING_KEY.trim().replace(/-/g, '+').replace(/_/g, '/'), 'base64');
if (signingKey.length < 32) fail(SERVICE, `JWT_SIGNING_KEY decodes to ${signingKey.length} bytes; HS256 needs at least 32`);
const issuer = env.JWT_ISSUER || 'relay';
const audience = env.JWT_AUDIENCE || undefined;
const ttlSecs = Number(env.JWT_TTL_SECS ?? 900);
const backend = env.SESSION_STORE_BACKEND || 'memory';
if (backend !== 'memory') fail(SERVICE, `SESSION_STORE_BACKEND=${backend} is not supported by this example (use memory)`);
const adminPassword = env.ADMIN_PASSWORD || '';
if (!adminPassword) process.stderr.write(`${SERVICE}: warning: ADMIN_PASSWORD not set; /auth/login is disabled\n`);

let apiKeys = new ApiKeyStore();
if (env.RELAY_API_KEYS_FILE) {
  try {
    apiKeys = ApiKeyStore.fromFile(env.RELAY_API_KEYS_FILE);
  } catch (err) {
    fail(SERVICE, err.message);
  }
}

// Optional local persistence of created/revoked keys (hashes only): loaded after the seed file so a
// persisted revocation wins; rewritten atomically (temp + fsync + rename, mode 0600) on every change.
const persistFile = env.RELAY_API_KEYS_PERSIST_FILE || '';
if (persistFile && existsSync(persistFile)) {
  try {
    parseApiKeyFile(readFileSync(persistFile, 'utf8'), persistFile).entries.forEach((e) => apiKeys.add(e));
  } catch (err) {
    fail(SERVICE, err.message);
  }
}
function persistKeys() {
  if (!persistFile) return;
  const tmp = `${persistFile}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify({ keys: apiKeys.list() }, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, persistFile);
}

// Session store (memory backend): issued sessions and revoked token ids. Tokens minted elsewhere
// with the same key are accepted statelessly unless their jti has been revoked.
const sessions = new Map(); // jti → { sub, roles, issuedAt }
const revoked = new Set();
let debugEnabled = false;

// ---- authentication ------------------------------------------------------------------------
class HttpError extends Error {
  constructor(status, code, message, headers = {}) {
    super(message);
    Object.assign(this, { status, code, headers });
  }
}
const invalidToken = (m) => new HttpError(401, 'invalid_token', m, { 'www-authenticate': bearerChallenge(REALM, 'invalid_token', m) });

async function issue(sub, roles, tenant) {
  const jti = randomUUID();
  const jwt = new SignJWT({ roles, ...(tenant ? { tenant_id: tenant } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub).setIssuer(issuer).setJti(jti).setIssuedAt().setExpirationTime(`${ttlSecs}s`);
  if (audience) jwt.setAudience(audience);
  sessions.set(jti, { sub, roles, issuedAt: new Date().toISOString() });
  return { access_token: await jwt.sign(signingKey), token_type: 'Bearer', expires_in: ttlSecs, jti };
}

async function authenticate(req) {
  const token = bearerToken(req);
  if (token !== null) {
    if (!token) throw invalidToken('empty bearer token');
    try {
      decodeProtectedHeader(token);
    } catch {
      throw invalidToken('malformed token');
    }
    let payload;
    try {
      ({ payload } = await jwtVerify(token, signingKey, { algorithms: ['HS256'], issuer, audience, clockTolerance: 30, requiredClaims: ['exp'] }));
    } catch (err) {
      throw invalidToken(err.code === 'ERR_JWT_EXPIRED' ? 'token expired' : err.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' ? `${err.claim} claim check failed` : 'token verification failed');
    }
    if (payload.jti && revoked.has(payload.jti)) throw invalidToken('token revoked');
    const roles = Array.isArray(payload.roles) ? payload.roles.map(String) : typeof payload.role === 'string' ? [payload.role] : [];
    return { method: 'jwt', sub: payload.sub, roles, tenant: payload.tenant_id ?? null, jti: payload.jti, exp: payload.exp };
  }
  const raw = req.headers['x-api-key'];
  if (raw !== undefined) {
    const result = apiKeys.verify(raw);
    if (!result.ok) throw new HttpError(401, 'invalid_api_key', 'invalid API key');
    const e = result.entry;
    return { method: 'api_key', sub: e.name ?? e.id, roles: [...e.roles, ...e.scopes], tenant: e.tenant ?? null, keyId: e.id };
  }
  throw new HttpError(401, 'unauthorized', 'credentials required', { 'www-authenticate': bearerChallenge(REALM) });
}

function requireAdmin(principal) {
  if (!principal.roles.includes('admin')) {
    throw new HttpError(403, 'forbidden', 'admin role required', {
      'www-authenticate': bearerChallenge(REALM, 'insufficient_scope', undefined, { scope: 'admin' }),
    });
  }
}

const maskKey = (e) => ({
  id: e.id, name: e.name ?? null, masked: `${e.prefix ?? e.id}…${'*'.repeat(4)}`, scopes: e.scopes, roles: e.roles,
  tenant: e.tenant ?? null, status: e.status, expiresAt: e.expiresAt ?? null,
});

// ---- routes ----------------------------------------------------------------------------------
const routes = {
  'POST /auth/login': async (req, res) => {
    const body = await readJson(req);
    if (!adminPassword) return sendJson(res, 403, { error: 'login_disabled', message: 'ADMIN_PASSWORD is not configured' });
    if (body.username !== 'admin' || typeof body.password !== 'string' || !safeEqual(body.password, adminPassword)) {
      return sendJson(res, 401, { error: 'invalid_credentials' });
    }
    sendJson(res, 200, await issue('admin', ['admin'], null));
  },
  'POST /auth/rotate': async (req, res, p) => {
    if (p.method !== 'jwt') throw new HttpError(400, 'bad_request', 'only JWT sessions can be rotated');
    if (p.jti) revoked.add(p.jti);
    sessions.delete(p.jti);
    sendJson(res, 200, await issue(p.sub, p.roles, p.tenant));
  },
  'POST /auth/logout': async (req, res, p) => {
    if (p.method !== 'jwt' || !p.jti) throw new HttpError(400, 'bad_request', 'only JWT sessions with a jti can be revoked');
    revoked.add(p.jti);
    sessions.delete(p.jti);
    res.writeHead(204).end();
  },
  'GET /auth/me': async (req, res, p) => sendJson(res, 200, { sub: p.sub, method: p.method, roles: p.roles, tenant: p.tenant }),
  'GET /auth/api-keys': async (req, res, p) => {
    requireAdmin(p);
    sendJson(res, 200, { keys: apiKeys.list().map(maskKey) });
  },
  'POST /auth/api-keys': async (req, res, p) => {
    requireAdmin(p);
    const body = await readJson(req);
    const raw = `rly_${randomBytes(24).toString('base64url')}`;
    const entry = {
      hash: ApiKeyStore.hash(raw), id: raw.slice(0, 12), prefix: raw.slice(0, 12), name: String(body.name ?? 'unnamed'),
      scopes: Array.isArray(body.scopes) ? body.scopes.map(String) : [], roles: [], tenant: body.tenant ?? undefined,
      status: 'active', expiresAt: null,
    };
    apiKeys.add(entry);
    persistKeys();
    sendJson(res, 201, { ...maskKey(entry), key: raw, note: 'the raw key is shown only once' });
  },
  'POST /admin/debug': async (req, res, p) => {
    requireAdmin(p);
    const body = await readJson(req);
    debugEnabled = Boolean(body.enabled);
    sendJson(res, 200, { debug: debugEnabled });
  },
  'GET /admin/diagnostics': async (req, res, p) => {
    requireAdmin(p);
    sendJson(res, 200, { sessions: sessions.size, revoked: revoked.size, apiKeys: apiKeys.size, debug: debugEnabled, backend });
  },
  'POST /v1/messages': async (req, res, p) => {
    const body = await readJson(req);
    sendJson(res, 200, { relayed: true, from: p.sub, tenant: p.tenant, text: typeof body.text === 'string' ? body.text : '' });
  },
};

async function handle(req, res) {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/health') return sendJson(res, 200, { status: 'ok' });
  let key = `${req.method} ${url.pathname}`;
  let id = null;
  const del = /^\/auth\/api-keys\/([^/]+)$/.exec(url.pathname);
  if (del && req.method === 'DELETE') [key, id] = ['DELETE /auth/api-keys/:id', decodePath(del[1])];
  try {
    if (key === 'POST /auth/login') return await routes[key](req, res);
    if (key === 'DELETE /auth/api-keys/:id') {
      const p = await authenticate(req);
      requireAdmin(p);
      const entry = apiKeys.revoke(id);
      if (entry) persistKeys();
      return entry ? sendJson(res, 200, maskKey(entry)) : sendJson(res, 404, { error: 'not_found' });
    }
    const route = routes[key];
    if (!route) return sendJson(res, 404, { error: 'not_found' });
    await route(req, res, await authenticate(req));
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    sendJson(res, err.status, { error: err.code, message: err.message }, err.headers);
  }
}

serve(SERVICE, handle, { port: portFromEnv(SERVICE, env, 8000) });

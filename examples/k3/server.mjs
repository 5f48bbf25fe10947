// K3 example: S3-compatible object storage with bearer JWT, SigV4 (header + presigned query) and
// SigV2 (query) auth, K3 presigned tokens (k3token.mjs), tenant headers derived from the credential, public probes, suspended orgs.
// Start: node examples/k3/server.mjs   (env: see README.md)
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify } from 'jose';
import { verifySigV4, isSigV4, parseQuery, SigError } from './sigv4.mjs';
import { verifySigV2Query, isSigV2Query } from './sigv2.mjs';
import { verifyK3Token, isK3Token } from './k3token.mjs';
import { serve, sendJson, readBody, bearerChallenge, bearerToken, envFlag, envList, fail, portFromEnv, decodePath } from '../_shared/http.mjs';

const SERVICE = 'k3';
const REALM = 'k3';
const env = process.env;

// ---- configuration -------------------------------------------------------------------------
const authEnabled = envFlag(env, 'K3_AUTH_ENABLED', true);
const region = env.K3_REGION || 'us-east-1';
const orgClaim = env.K3_ORG_CLAIM || 'org_id';
let identities = { orgs: {}, access_keys: {} };
if (env.K3_IDENTITIES_FILE) {
  try {
    const doc = JSON.parse(readFileSync(env.K3_IDENTITIES_FILE, 'utf8'));
    identities = { orgs: doc.orgs ?? {}, access_keys: doc.access_keys ?? doc.accessKeys ?? {} };
  } catch (err) {
    fail(SERVICE, `K3_IDENTITIES_FILE ${env.K3_IDENTITIES_FILE}: ${err.code === 'ENOENT' ? 'file not found' : err.message}`);
  }
  for (const [akid, v] of Object.entries(identities.access_keys)) {
    if (typeof v?.secret !== 'string' || typeof v?.org !== 'string') fail(SERVICE, `K3_IDENTITIES_FILE: access_keys.${akid} needs "secret" and "org" strings`);
  }
}
let jwks = null;
if (env.K3_JWKS_URL) jwks = createRemoteJWKSet(new URL(env.K3_JWKS_URL));
else if (env.K3_JWKS_FILE) {
  try {
    jwks = createLocalJWKSet(JSON.parse(readFileSync(env.K3_JWKS_FILE, 'utf8')));
  } catch (err) {
    fail(SERVICE, `K3_JWKS_FILE ${env.K3_JWKS_FILE}: ${err.message}`);
  }
}
const jwtOptions = {
  issuer: env.K3_JWT_ISSUER || undefined,
  audience: env.K3_JWT_AUDIENCE || undefined,
  algorithms: envList(env, 'K3_JWT_ALGORITHMS', ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']),
  clockTolerance: 30,
  requiredClaims: ['exp'], // a token without exp would never expire
};
if (authEnabled && !jwks && Object.keys(identities.access_keys).length === 0) {
  fail(SERVICE, 'K3_AUTH_ENABLED=true but no credentials configured: set K3_JWKS_URL/K3_JWKS_FILE and/or K3_IDENTITIES_FILE');
}

// ---- authentication → tenant context --------------------------------------------------------
class HttpError extends Error {
  constructor(status, code, message, headers = {}) {
    super(message);
    Object.assign(this, { status, code, headers });
  }
}
const TENANT_HEADERS = ['x-organization-id', 'x-organization-name', 'x-organization-status'];

function claimAt(payload, key) {
  if (!key.startsWith('/')) return payload[key];
  return key.slice(1).split('/').reduce((n, p) => (n && typeof n === 'object' ? n[p.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), payload);
}

function orgContext(orgId) {
  const org = identities.orgs[orgId];
  if (!org) throw new HttpError(403, 'AccessDenied', 'organization is not known to this K3 instance');
  return { id: orgId, name: org.name ?? orgId, status: org.status ?? 'active' };
}

async function authenticate(req, url, pairs, body) {
  const token = bearerToken(req);
  if (token !== null) {
    const invalid = (m) => new HttpError(401, 'InvalidToken', m, { 'www-authenticate': bearerChallenge(REALM, 'invalid_token', m) });
    if (!jwks) throw invalid('bearer tokens are not accepted (no JWKS configured)');
    let payload;
    try {
      ({ payload } = await jwtVerify(token, jwks, jwtOptions));
    } catch (err) {
      throw invalid(err.code === 'ERR_JWT_EXPIRED' ? 'token expired' : 'token verification failed');
    }
    const orgId = claimAt(payload, orgClaim);
    if (typeof orgId !== 'string' || !orgId) throw new HttpError(403, 'AccessDenied', `token has no organization claim (${orgClaim})`);
    return { method: 'jwt', subject: payload.sub, org: orgContext(orgId) };
  }
  const lookupSecret = (akid) => (Object.hasOwn(identities.access_keys, akid) ? identities.access_keys[akid].secret : undefined);
  const rawPath = req.url.split('?')[0];
  const common = { method: req.method, rawPath, pairs, rawHeaders: req.rawHeaders, now: Date.now(), lookupSecret };
  let signed = null;
  if (isSigV4(req, pairs)) signed = { method: 'sigv4', ...verifySigV4({ ...common, body, region }) };
  else if (isSigV2Query(pairs)) signed = { method: 'sigv2', ...verifySigV2Query(common) };
  else if (isK3Token(pairs)) signed = { method: 'k3-token', ...verifyK3Token({ ...common, lookupOrg: (akid) => identities.access_keys[akid]?.org }) };
  if (signed) return { ...signed, subject: signed.accessKeyId, org: orgContext(identities.access_keys[signed.accessKeyId].org) };
  throw new HttpError(401, 'AccessDenied', 'authentication required', { 'www-authenticate': bearerChallenge(REALM) });
}

/** Replaces whatever tenant headers the client sent with ones derived from the credential. */
function applyTenantHeaders(req, org) {
  for (const h of TENANT_HEADERS) delete req.headers[h];
  req.headers['x-organization-id'] = org.id;
  req.headers['x-organization-name'] = org.name;
  req.headers['x-organization-status'] = org.status;
}

// ---- storage + metrics -----------------------------------------------------------------------
const objects = new Map(); // `${org}\0${bucket}\0${key}` → { body, contentType }
const metrics = { requests: 0, rejected: 0 };
const xmlEscape = (s) => String(s).replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

function sendS3Error(res, status, code, message, headers = {}) {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml', ...headers });
  res.end(body);
}

function tenantOf(req) {
  return { id: req.headers['x-organization-id'], name: req.headers['x-organization-name'], status: req.headers['x-organization-status'] };
}

function route(req, res, url) {
  const org = tenantOf(req);
  const echo = { 'x-organization-id': org.id ?? '' };
  if (url.pathname === '/_whoami') return sendJson(res, 200, { organization: org }, echo);
  const m = /^\/([^/]+)(?:\/(.+))?$/.exec(url.pathname);
  if (!m) return sendS3Error(res, 404, 'NoSuchBucket', 'no bucket in path');
  const bucket = decodePath(m[1]);
  const key = m[2] === undefined ? undefined : decodePath(m[2]);
  const prefix = `${org.id}\0${bucket}\0`;
  if (key === undefined && req.method === 'GET') {
    const keys = [...objects.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)).sort();
    const contents = keys.map((k) => `<Contents><Key>${xmlEscape(k)}</Key><Size>${objects.get(prefix + k).body.length}</Size></Contents>`).join('');
    res.writeHead(200, { 'content-type': 'application/xml', ...echo });
    return res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult><Name>${xmlEscape(bucket)}</Name>${contents}</ListBucketResult>`);
  }
  if (key === undefined) return sendS3Error(res, 405, 'MethodNotAllowed', 'only GET is supported on a bucket');
  if (req.method === 'PUT') {
    objects.set(prefix + key, { body: req.body, contentType: req.headers['content-type'] ?? 'application/octet-stream' });
    res.writeHead(200, { etag: `"${req.body.length}"`, ...echo });
    return res.end();
  }
  if (req.method === 'GET' || req.method === 'HEAD') {
    const obj = objects.get(prefix + key);
    if (!obj) return sendS3Error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
    res.writeHead(200, { 'content-type': obj.contentType, 'content-length': obj.body.length, ...echo });
    return res.end(req.method === 'HEAD' ? undefined : obj.body);
  }
  return sendS3Error(res, 405, 'MethodNotAllowed', `${req.method} is not supported`);
}

const PUBLIC = new Set(['/health', '/healthz', '/ready', '/readyz']);

async function handle(req, res) {
  const url = new URL(req.url, 'http://x');
  if (PUBLIC.has(url.pathname)) return sendJson(res, 200, { status: 'ok' });
  if (url.pathname === '/metrics') {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    return res.end(`k3_requests_total ${metrics.requests}\nk3_auth_rejected_total ${metrics.rejected}\n`);
  }
  metrics.requests += 1;
  try {
    const body = await readBody(req, 16 << 20);
    if (authEnabled) {
      const pairs = parseQuery(req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '');
      const principal = await authenticate(req, url, pairs, body);
      applyTenantHeaders(req, principal.org);
    } else if (!req.headers['x-organization-id']) {
      // Pass-through mode: the caller supplies tenant headers itself.
      throw new HttpError(400, 'MissingOrganization', 'K3_AUTH_ENABLED=false: send x-organization-id');
    } else {
      const known = identities.orgs[req.headers['x-organization-id']];
      req.headers['x-organization-status'] = known?.status ?? req.headers['x-organization-status'] ?? 'active';
      req.headers['x-organization-name'] = known?.name ?? req.headers['x-organization-name'] ?? req.headers['x-organization-id'];
    }
    if (req.headers['x-organization-status'] === 'suspended') throw new HttpError(403, 'AccountSuspended', 'organization is suspended');
    req.body = body;
    return route(req, res, url);
  } catch (err) {
    if (!(err instanceof HttpError) && !(err instanceof SigError)) throw err;
    metrics.rejected += 1;
    sendS3Error(res, err.status, err.code, err.message, err.headers ?? {});
  }
}

serve(SERVICE, handle, { port: portFromEnv(SERVICE, env, 9000) });

// agentflow example: agentflow.json with "auth": "jwt" (HS* via JWT_SECRET_KEY / JWT_ALGORITHM) or
// { "method": "custom", "path": "graph.auth:ApiKeyAuth" }, plus an authorization step that keeps
// thread deletion admin-only. Start:
//   node examples/agentflow/server.mjs --config examples/agentflow/agentflow.json
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { jwtVerify, decodeProtectedHeader } from 'jose';
import { serve, sendJson, readJson, bearerChallenge, bearerToken, fail, portFromEnv, decodePath } from '../_shared/http.mjs';

const SERVICE = 'agentflow';
const REALM = 'agentflow';

const argIndex = process.argv.indexOf('--config');
const configFile = path.resolve(argIndex > 0 ? process.argv[argIndex + 1] : process.env.AGENTFLOW_CONFIG || 'agentflow.json');
let config;
try {
  config = JSON.parse(readFileSync(configFile, 'utf8'));
} catch (err) {
  fail(SERVICE, `${configFile}: ${err.code === 'ENOENT' ? 'file not found' : err.message}`);
}
const baseDir = path.dirname(configFile);

/** Minimal .env reader: KEY=VALUE, optional quotes, # comments. Real environment variables win. */
function loadDotEnv(file) {
  if (!existsSync(file)) fail(SERVICE, `${configFile}: "env" points to ${file}, which does not exist`);
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m || line.trim().startsWith('#')) continue;
    let value = m[2];
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
    else value = value.replace(/\s+#.*$/, '');
    if (process.env[m[1]] === undefined) process.env[m[1]] = value;
  }
}
if (typeof config.env === 'string') loadDotEnv(path.resolve(baseDir, config.env));
const env = process.env;

/** "graph.auth:ApiKeyAuth" → import of <config dir>/graph/auth.mjs, export ApiKeyAuth. */
async function loadExport(spec, field) {
  const [modulePart, name = 'default'] = String(spec).split(':');
  const rel = /\.(m?js)$/.test(modulePart) ? modulePart : `${modulePart.replace(/\./g, '/')}.mjs`;
  const file = path.resolve(baseDir, rel);
  if (!existsSync(file)) fail(SERVICE, `${configFile}: ${field} "${spec}" → ${file} does not exist`);
  const mod = await import(pathToFileURL(file).href);
  if (!(name in mod)) fail(SERVICE, `${configFile}: ${field} "${spec}": module has no export "${name}"`);
  return mod[name];
}

// ---- authentication backends -----------------------------------------------------------------
class HttpError extends Error {
  constructor(status, code, message, headers = {}) {
    super(message);
    Object.assign(this, { status, code, headers });
  }
}

let authenticate;
const authSetting = config.auth ?? null;
if (authSetting === null) {
  process.stderr.write(`${SERVICE}: warning: "auth" is null: every route is public. Never run this in production.\n`);
  authenticate = async () => ({ user_id: 'anonymous', role: 'anonymous' });
} else if (authSetting === 'jwt') {
  const secret = env.JWT_SECRET_KEY;
  const alg = env.JWT_ALGORITHM || 'HS256';
  if (!secret) fail(SERVICE, '"auth": "jwt" needs JWT_SECRET_KEY (in the environment or the "env" file)');
  if (!/^HS(256|384|512)$/.test(alg)) fail(SERVICE, `JWT_ALGORITHM=${alg} is not supported (use HS256, HS384 or HS512)`);
  const key = new TextEncoder().encode(secret);
  const invalid = (m) => new HttpError(401, 'invalid_token', m, { 'www-authenticate': bearerChallenge(REALM, 'invalid_token', m) });
  authenticate = async (req) => {
    const token = bearerToken(req);
    if (token === null) throw new HttpError(401, 'unauthorized', 'bearer token required', { 'www-authenticate': bearerChallenge(REALM) });
    let header;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw invalid('malformed token');
    }
    if (header.alg !== alg) throw invalid('token algorithm does not match JWT_ALGORITHM');
    try {
      const { payload } = await jwtVerify(token, key, { algorithms: [alg], clockTolerance: 5, requiredClaims: ['exp'] });
      const roles = Array.isArray(payload.roles) ? payload.roles.map(String) : [];
      const role = typeof payload.role === 'string' ? payload.role : roles.includes('admin') ? 'admin' : 'user';
      return { user_id: payload.sub ?? 'unknown', role, roles };
    } catch (err) {
      throw invalid(err.code === 'ERR_JWT_EXPIRED' ? 'token expired' : 'token verification failed');
    }
  };
} else if (typeof authSetting === 'object' && authSetting.method === 'custom' && authSetting.path) {
  const Backend = await loadExport(authSetting.path, 'auth.path');
  let backend;
  try {
    backend = new Backend({ env, baseDir });
  } catch (err) {
    fail(SERVICE, `${configFile}: auth backend "${authSetting.path}": ${err.message}`);
  }
  authenticate = async (req) => {
    const user = await backend.authenticate(req);
    if (!user) throw new HttpError(401, 'unauthorized', 'missing or invalid credentials');
    return user;
  };
} else {
  fail(SERVICE, `${configFile}: "auth" must be null, "jwt" or { "method": "custom", "path": "module:Export" }`);
}

/** Default authorization: invoke/stream for every user; deleting threads is admin-only. */
const defaultAuthorize = (user, action) => (action === 'threads:delete' ? user.role === 'admin' || user.roles?.includes('admin') : true);
const authorize = config.authorization ? await loadExport(config.authorization, 'authorization') : defaultAuthorize;

// ---- the "graph" ------------------------------------------------------------------------------
const threads = new Map();

function runGraph(body, user) {
  if (!Array.isArray(body.messages) || body.messages.length === 0) throw new HttpError(400, 'bad_request', '"messages" must be a non-empty array');
  const threadId = String(body.config?.thread_id ?? 'default');
  const last = body.messages[body.messages.length - 1];
  const reply = { role: 'assistant', content: `echo: ${String(last?.content ?? '')}` };
  const history = threads.get(threadId) ?? [];
  history.push(...body.messages, reply);
  threads.set(threadId, history);
  return { thread_id: threadId, user_id: user.user_id, messages: [reply] };
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/ping') return sendJson(res, 200, { status: 'ok' });
  const del = /^\/v1\/threads\/([^/]+)$/.exec(url.pathname);
  const action = req.method === 'POST' && url.pathname === '/v1/graph/invoke' ? 'graph:invoke'
    : req.method === 'POST' && url.pathname === '/v1/graph/stream' ? 'graph:stream'
      : req.method === 'DELETE' && del ? 'threads:delete' : null;
  if (!action) return sendJson(res, 404, { error: 'not_found' });
  try {
    const user = await authenticate(req); // rejected before any graph execution
    if (!(await authorize(user, action, { threadId: del ? decodePath(del[1]) : undefined }))) {
      throw new HttpError(403, 'forbidden', `not allowed to ${action}`, authSetting === 'jwt'
        ? { 'www-authenticate': bearerChallenge(REALM, 'insufficient_scope', undefined, { scope: 'admin' }) } : {});
    }
    if (action === 'threads:delete') {
      const id = decodePath(del[1]);
      const existed = threads.delete(id);
      return sendJson(res, existed ? 200 : 404, existed ? { deleted: id } : { error: 'not_found' });
    }
    const result = runGraph(await readJson(req), user);
    if (action === 'graph:invoke') return sendJson(res, 200, result);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    for (const m of result.messages) res.write(`event: message\ndata: ${JSON.stringify(m)}\n\n`);
    res.end(`event: end\ndata: ${JSON.stringify({ thread_id: result.thread_id })}\n\n`);
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    sendJson(res, err.status, { error: err.code, message: err.message }, err.headers);
  }
}

serve(SERVICE, handle, { port: portFromEnv(SERVICE, env, 8000) });

// Plumbing shared by the example services: listening, JSON replies, body reading, shutdown.
// No authentication logic lives here: each example verifies credentials in its own code.
import { createServer } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';

/** JSON reply. Bodies never contain stack traces or the credentials that were presented. */
export function sendJson(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

/** RFC 6750 challenge. `error` is omitted when no credentials were presented (section 3.1). */
export function bearerChallenge(realm, error, description, extra = {}) {
  const parts = [`realm="${realm}"`];
  if (error) parts.push(`error="${error}"`);
  if (description) parts.push(`error_description="${description.replace(/["\\]/g, '')}"`);
  for (const [k, v] of Object.entries(extra)) parts.push(`${k}="${v}"`);
  return `Bearer ${parts.join(', ')}`;
}

/** Reads the whole request body as a Buffer, refusing bodies over `limit` bytes. */
export function readBody(req, limit = 1 << 20) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        reject(Object.assign(new Error('body too large'), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Parses a JSON body; a malformed one becomes a 400, never a 500. */
export async function readJson(req) {
  const raw = await readBody(req);
  if (raw.length === 0) return {};
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw Object.assign(new Error('request body is not valid JSON'), { status: 400 });
  }
}

/** Constant-time string comparison (hashing first so lengths never leak through timing). */
export function safeEqual(a, b) {
  const ha = createHash('sha256').update(String(a)).digest();
  const hb = createHash('sha256').update(String(b)).digest();
  return timingSafeEqual(ha, hb);
}

/** The Bearer token of a request, '' when the scheme is Bearer but empty, null when absent. */
export function bearerToken(req) {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Bearer(?:\s+(.*))?$/i.exec(header.trim());
  if (!match) return null;
  return (match[1] ?? '').trim();
}

/** Boolean env parsing: true/1/yes/on. */
export function envFlag(env, name, fallback = false) {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  return /^(true|1|yes|on)$/i.test(v.trim());
}

/** Comma-separated env list, trimmed, empties dropped. */
export function envList(env, name, fallback = []) {
  const v = env[name];
  if (v === undefined || v.trim() === '') return fallback;
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

/** Startup configuration error: one line on stderr, exit 2 (3 for environment problems). */
export function fail(service, message, code = 2) {
  process.stderr.write(`${service}: error: ${message}\n`);
  process.exit(code);
}

/**
 * Starts the server on 127.0.0.1:$PORT (0 = any free port), prints one machine-readable line
 * `{"listening":"http://127.0.0.1:PORT","service":NAME}` on stdout, and shuts down cleanly on
 * SIGTERM/SIGINT (exit 0). Handler errors become a bare 500 without details.
 */
export function serve(service, handler, { port = 0, onClose } = {}) {
  const server = createServer(async (req, res) => {
    try {
      await handler(req, res);
    } catch (err) {
      const status = typeof err?.status === 'number' ? err.status : 500;
      if (status === 500) process.stderr.write(`${service}: internal error: ${err?.message ?? err}\n`);
      if (!res.headersSent) sendJson(res, status, { error: status === 500 ? 'internal_error' : err.message });
      else res.end();
    }
  });
  server.on('error', (err) => fail(service, `cannot listen on 127.0.0.1:${port}: ${err.code ?? err.message}`, 3));
  server.listen(port, '127.0.0.1', () => {
    const { port: actual } = server.address();
    process.stdout.write(`${JSON.stringify({ listening: `http://127.0.0.1:${actual}`, service })}\n`);
  });
  const shutdown = () => {
    onClose?.();
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  return server;
}

/** PORT from env; invalid values are a startup error. */
export function portFromEnv(service, env, fallback) {
  const raw = env.PORT ?? String(fallback);
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(service, `PORT must be an integer 0-65535, got "${raw}"`);
  return port;
}

/** decodeURIComponent that turns malformed percent-encoding into a 400 instead of a 500. */
export function decodePath(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw Object.assign(new Error('malformed percent-encoding in path'), { status: 400 });
  }
}

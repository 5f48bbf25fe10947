// Loads and validates datapress.toml: the [auth] block exactly as DataPress documents it.
import { readFileSync } from 'node:fs';
import { parse } from 'smol-toml';

export const AUTH_DEFAULTS = Object.freeze({
  enabled: false,
  issuer: undefined,
  audience: '',
  algorithms: ['RS256'],
  leeway_secs: 60,
  jwks_refresh_secs: 3600,
  read_scopes: [],
  reload_scopes: [],
  anonymous_read: false,
  tenant_claim: '',
  allowed_tenants: [],
  admin_token_fallback: true,
  start_degraded: true,
});

const ALLOWED_ALGS = /^(RS|PS|ES)(256|384|512)$/;
const POINTER = /^(\/([^~/]|~[01])*)*$/;

const types = {
  enabled: 'boolean', issuer: 'string', audience: 'string', algorithms: 'string[]', leeway_secs: 'integer',
  jwks_refresh_secs: 'integer', read_scopes: 'string[]', reload_scopes: 'string[]', anonymous_read: 'boolean',
  tenant_claim: 'string', allowed_tenants: 'string[]', admin_token_fallback: 'boolean', start_degraded: 'boolean',
};

function checkType(key, value, file) {
  const want = types[key];
  const ok = want === 'string[]' ? Array.isArray(value) && value.every((v) => typeof v === 'string')
    : want === 'integer' ? Number.isInteger(value) && value >= 0
      : typeof value === want;
  if (!ok) throw new Error(`${file}: [auth].${key} must be ${want === 'integer' ? 'a non-negative integer' : `a ${want}`}`);
}

/** Returns { auth, server, datasets, swagger } or throws Error('<file>: <what>'). */
export function loadConfig(file) {
  let doc;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${err.code === 'ENOENT' ? 'file not found' : err.message.split('\n')[0]}`);
  }
  const raw = doc.auth ?? {};
  for (const key of Object.keys(raw)) {
    if (!(key in types)) throw new Error(`${file}: unknown key [auth].${key} (known: ${Object.keys(types).join(', ')})`);
    checkType(key, raw[key], file);
  }
  const auth = { ...AUTH_DEFAULTS, ...raw };
  if (auth.enabled) {
    if (!auth.issuer) throw new Error(`${file}: [auth].issuer is required when [auth].enabled = true`);
    try {
      new URL(auth.issuer);
    } catch {
      throw new Error(`${file}: [auth].issuer is not a URL: "${auth.issuer}"`);
    }
    const bad = auth.algorithms.filter((a) => !ALLOWED_ALGS.test(a));
    if (bad.length || auth.algorithms.length === 0) {
      throw new Error(`${file}: [auth].algorithms allows only RS/ES/PS variants (RS256…PS512), got ${JSON.stringify(bad.length ? bad : auth.algorithms)}`);
    }
    if (auth.tenant_claim && !POINTER.test(auth.tenant_claim)) {
      throw new Error(`${file}: [auth].tenant_claim must be a JSON pointer such as "/tid", got "${auth.tenant_claim}"`);
    }
  }
  // Documented rule: the background refresh interval is clamped to at least 60 s.
  auth.jwks_refresh_secs = Math.max(60, auth.jwks_refresh_secs);
  const datasets = Array.isArray(doc.datasets) ? doc.datasets : [];
  return { auth, server: doc.server ?? {}, datasets, swagger: doc.swagger ?? {} };
}

/** RFC 6901 JSON pointer lookup. */
export function resolvePointer(obj, pointer) {
  if (pointer === '') return obj;
  let node = obj;
  for (const raw of pointer.slice(1).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined;
    node = node[part];
  }
  return node;
}

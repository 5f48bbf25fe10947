import { discoveryUrl } from './wait.js';
import { isLoopbackHost } from './http.js';
import type { DoctorCa } from './tls/doctor.js';

export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
  hint?: string;
}

export interface DoctorReport {
  from: string;
  ok: boolean;
  checks: DoctorCheck[];
}

export interface DoctorOptions {
  timeoutMs?: number;
  /** A CA to trust for https URLs besides the system's (`--ca`, or the home's local CA). */
  ca?: DoctorCa;
  now?: number;
}

async function fetchJson(
  url: string,
  timeoutMs: number,
  send: typeof fetch,
): Promise<{ ok: true; status: number; body: unknown } | { ok: false; error: string }> {
  try {
    const response = await send(url, {
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    const text = await response.text();
    try {
      return { ok: true, status: response.status, body: JSON.parse(text) };
    } catch {
      return { ok: true, status: response.status, body: text };
    }
  } catch (error) {
    const code = (error as Error & { cause?: { code?: string } }).cause?.code;
    return { ok: false, error: code ?? (error as Error).message };
  }
}

function hostHint(from: URL, target: URL): string | undefined {
  if (isLoopbackHost(target.hostname) && !isLoopbackHost(from.hostname)) {
    return `the issuer publishes ${target.origin}, which is loopback: inside a container that is the container itself. Start the issuer with --host 0.0.0.0 --issuer-url ${from.origin} (or http://host.docker.internal:${target.port || 80}) so both sides use one URL`;
  }
  if (isLoopbackHost(from.hostname) && !isLoopbackHost(target.hostname)) {
    return `the issuer publishes ${target.origin} but you reached it at ${from.origin}; this host may not resolve ${target.hostname} (add it to /etc/hosts, or check from where the service runs)`;
  }
  return undefined;
}

type Discovery = { issuer: string; jwks_uri?: unknown };

/**
 * Checks, from one base URL as a service would see it: discovery answers, `issuer` equals the
 * URL the service is configured with (byte for byte), and the JWKS it points at is reachable.
 * Each stage adds its check; a failed URL or discovery ends the report there.
 */
export async function doctorIssuer(
  from: string,
  options: DoctorOptions = {},
): Promise<DoctorReport> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const checks: DoctorCheck[] = [];
  const done = () => ({ from, ok: checks.every((c) => c.ok), checks });
  let fromUrl: URL;
  try {
    fromUrl = new URL(from);
  } catch {
    checks.push({
      name: 'url',
      ok: false,
      detail: `"${from}" is not a URL`,
      hint: 'give the issuer URL the service is configured with, e.g. http://127.0.0.1:9400',
    });
    return done();
  }
  let send: typeof fetch = fetch;
  if (fromUrl.protocol === 'https:') {
    const tls = await import('./tls/doctor.js');
    const now = options.now ?? Date.now();
    checks.push(await tls.tlsCheck(fromUrl, options.ca, { timeoutMs, now }));
    send = (await import('./tls/fetch.js')).fetchTrusting(options.ca?.pem);
  }
  const doc = await checkDiscovery(from, fromUrl, timeoutMs, checks, send);
  if (!doc) return done();
  checks.push(issuerCheck(doc.issuer, from, fromUrl));
  checks.push(await jwksCheck(doc, fromUrl, timeoutMs, send));
  return done();
}

/** The discovery document, if it answers with one (the check it adds says so either way). */
async function checkDiscovery(
  from: string,
  fromUrl: URL,
  timeoutMs: number,
  checks: DoctorCheck[],
  send: typeof fetch,
): Promise<Discovery | undefined> {
  const discovery = discoveryUrl(from);
  const result = await fetchJson(discovery, timeoutMs, send);
  if (!result.ok) {
    checks.push({
      name: 'discovery',
      ok: false,
      detail: `${discovery}: ${result.error}`,
      hint:
        fromUrl.hostname === 'localhost' || fromUrl.hostname === '127.0.0.1'
          ? 'is `authctl idp serve` running? inside Docker, 127.0.0.1 is the container: use host.docker.internal or the compose service name'
          : 'check the host name resolves and the issuer listens on a reachable address (--host 0.0.0.0 for containers)',
    });
    return undefined;
  }
  const doc = result.body as { issuer?: unknown; jwks_uri?: unknown };
  if (
    result.status !== 200 ||
    typeof doc !== 'object' ||
    doc === null ||
    typeof doc.issuer !== 'string'
  ) {
    checks.push({
      name: 'discovery',
      ok: false,
      detail: `${discovery} answered HTTP ${result.status} without a discovery document`,
      hint: 'is this the issuer URL (not the JWKS or token URL)? a proxy may be rewriting the path',
    });
    return undefined;
  }
  checks.push({ name: 'discovery', ok: true, detail: `${discovery} answered` });
  return doc as Discovery;
}

function issuerCheck(issuer: string, from: string, fromUrl: URL): DoctorCheck {
  if (issuer === from) return { name: 'issuer', ok: true, detail: `issuer is exactly ${issuer}` };
  let hint = `configure the service with issuer = "${issuer}", or start the issuer with --issuer-url ${from}`;
  if (issuer.replace(/\/+$/, '') === from.replace(/\/+$/, ''))
    hint = `only a trailing slash differs: tokens carry iss "${issuer}" and most verifiers compare byte for byte. Use exactly "${issuer}" in the service config`;
  else {
    try {
      hint = hostHint(fromUrl, new URL(issuer)) ?? hint;
    } catch {
      // keep the generic hint
    }
  }
  return {
    name: 'issuer',
    ok: false,
    detail: `discovery says issuer "${issuer}" but you asked "${from}"`,
    hint,
  };
}

async function jwksCheck(
  doc: Discovery,
  fromUrl: URL,
  timeoutMs: number,
  send: typeof fetch,
): Promise<DoctorCheck> {
  if (typeof doc.jwks_uri !== 'string')
    return { name: 'jwks', ok: false, detail: 'discovery has no jwks_uri' };
  const jwks = await fetchJson(doc.jwks_uri, timeoutMs, send);
  let jwksUrl: URL | undefined;
  try {
    jwksUrl = new URL(doc.jwks_uri);
  } catch {
    // reported below
  }
  if (!jwks.ok)
    return {
      name: 'jwks',
      ok: false,
      detail: `${doc.jwks_uri}: ${jwks.error}`,
      hint:
        (jwksUrl && hostHint(fromUrl, jwksUrl)) ??
        'the JWKS URL from discovery must be reachable from where the service runs',
    };
  const keys = (jwks.body as { keys?: unknown[] })?.keys;
  if (jwks.status !== 200 || !Array.isArray(keys))
    return {
      name: 'jwks',
      ok: false,
      detail: `${doc.jwks_uri} answered HTTP ${jwks.status} without a JWKS`,
      hint: 'a fault may be injected (`authctl idp fault clear`)',
    };
  if (keys.length === 0)
    return {
      name: 'jwks',
      ok: false,
      detail: `${doc.jwks_uri} has no keys`,
      hint: 'mint a token once (`authctl token mint`) or clear an injected "empty" fault',
    };
  return { name: 'jwks', ok: true, detail: `${doc.jwks_uri}: ${keys.length} key(s)` };
}

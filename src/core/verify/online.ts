import { CheckContext } from './context.js';
import type { ConfigDocument } from './document.js';
import type { OnlineCheck } from './engine/checker.js';
import type { Finding, Target } from './types.js';

export interface OnlineOptions {
  /** Per-request timeout in milliseconds (default 5000). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface OnlineOutcome {
  findings: Finding[];
  requiredUnreachable: boolean;
}

/** Which JWK can verify which JWS algorithm. */
function keyFits(alg: string, jwk: Record<string, unknown>): boolean {
  if (typeof jwk.alg === 'string') return jwk.alg === alg;
  if (jwk.use === 'enc') return false;
  if (/^(RS|PS)\d+$/.test(alg)) return jwk.kty === 'RSA';
  const curve = ({ ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' } as Record<string, string>)[alg];
  if (curve) return jwk.kty === 'EC' && jwk.crv === curve;
  if (alg === 'EdDSA') return jwk.kty === 'OKP';
  return false;
}

type Fetched = { ok: true; body: unknown; ms: number } | { ok: false; reason: string };

async function getJson(
  url: string,
  timeoutMs: number,
  fetchFn: typeof fetch,
  now: () => number,
): Promise<Fetched> {
  const started = now();
  let response: Response;
  try {
    response = await fetchFn(url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: 'application/json' },
      redirect: 'follow',
    });
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    const reason =
      e.name === 'TimeoutError' || e.name === 'AbortError'
        ? `no answer within ${timeoutMs} ms`
        : (e.cause?.code ?? e.message);
    return { ok: false, reason };
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    return { ok: false, reason: `HTTP ${response.status}` };
  }
  try {
    // The timeout signal also bounds the body: a server that sends headers and then trickles is cut off here.
    return { ok: true, body: await response.json(), ms: now() - started };
  } catch (error) {
    const name = (error as Error).name;
    return {
      ok: false,
      reason:
        name === 'TimeoutError' || name === 'AbortError'
          ? `no answer within ${timeoutMs} ms`
          : 'the response is not JSON',
    };
  }
}

/**
 * What only a live issuer can tell: discovery's issuer equals the configured one byte for byte,
 * the JWKS is reachable (within the service's refresh interval) and has keys for the allowed
 * algorithms, and the scopes the service requires are advertised.
 */
export async function runOnlineChecks(
  items: { check: OnlineCheck; document: ConfigDocument }[],
  target: Target,
  options: OnlineOptions,
): Promise<OnlineOutcome> {
  const fetchFn = options.fetch ?? fetch;
  const findings: Finding[] = [];
  let requiredUnreachable = false;
  for (const { check, document } of items) {
    const ctx = new CheckContext(document, target, findings);
    const timeoutMs = Math.min(options.timeoutMs ?? 5000, (check.refreshSecs ?? Infinity) * 1000);
    const get = (url: string) => getJson(url, timeoutMs, fetchFn, () => performance.now());
    const unreachable = await checkIssuer(ctx, check, get);
    if (unreachable && check.required) requiredUnreachable = true;
  }
  return { findings, requiredUnreachable };
}

type Get = (url: string) => Promise<Fetched>;

/** One configured issuer, live: true when its discovery or JWKS could not be fetched. */
async function checkIssuer(ctx: CheckContext, check: OnlineCheck, get: Get): Promise<boolean> {
  const discoveryUrl = `${check.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const discovery = await get(discoveryUrl);
  if (!discovery.ok) {
    ctx.report('online/issuer-unreachable', check.path, {
      at: 'value',
      message: `cannot fetch ${discoveryUrl}: ${discovery.reason}${refuses(check)}`,
      fix: 'check the issuer URL and that the IdP is reachable from here (authctl idp serve for a local one)',
    });
    return true;
  }
  const doc = discovery.body as Record<string, unknown>;
  if (doc === null || typeof doc !== 'object' || typeof doc.issuer !== 'string') {
    ctx.report('online/discovery-invalid', check.path, {
      at: 'value',
      message: `${discoveryUrl} has no "issuer"`,
      fix: 'point issuer at an OpenID Connect issuer',
    });
    return false;
  }
  checkIssuerValue(ctx, check, doc.issuer);
  const advertised = stringList(doc.id_token_signing_alg_values_supported);
  checkAdvertised(ctx, check, advertised, stringList(doc.scopes_supported));
  if (typeof doc.jwks_uri !== 'string') {
    ctx.report('online/discovery-invalid', check.path, {
      at: 'value',
      message: `${discoveryUrl} has no jwks_uri`,
      fix: 'the issuer must publish its signing keys',
    });
    return false;
  }
  return checkJwks(ctx, check, doc.jwks_uri, advertised, get);
}

const stringList = (value: unknown): string[] | undefined =>
  Array.isArray(value) ? (value as string[]) : undefined;

/** iss is compared byte for byte: a trailing slash alone fails validation. */
function checkIssuerValue(ctx: CheckContext, check: OnlineCheck, issuer: string): void {
  if (issuer === check.issuer) return;
  const slashOnly = issuer.replace(/\/+$/, '') === check.issuer.replace(/\/+$/, '');
  ctx.report('online/issuer-mismatch', check.path, {
    at: 'value',
    message: `the issuer says its iss is "${issuer}" but the config has "${check.issuer}"${slashOnly ? ' (only the trailing slash differs, which still fails iss validation)' : ''}`,
    fix: `set it to exactly "${issuer}"`,
  });
}

/** The service's algorithms and scopes against what discovery advertises (when it lists them). */
function checkAdvertised(
  ctx: CheckContext,
  check: OnlineCheck,
  advertised: string[] | undefined,
  supportedScopes: string[] | undefined,
): void {
  for (const alg of check.algorithms ?? [])
    if (advertised && !advertised.includes(alg))
      ctx.report('online/algorithm-not-advertised', check.path, {
        at: 'value',
        message: `the issuer does not advertise ${alg}: its id_token_signing_alg_values_supported lists only ${advertised.join(', ')}`,
        fix: `allow ${oneOf(advertised)}`,
      });
  for (const scope of check.scopes ?? [])
    if (supportedScopes && !supportedScopes.includes(scope))
      ctx.report('online/scope-not-advertised', check.path, {
        at: 'value',
        message: `scope "${scope}" is not in the issuer's scopes_supported`,
        fix: `define the scope at the IdP or fix its name (the issuer lists ${supportedScopes.slice(0, 8).join(', ')})`,
      });
}

/** The JWKS is reachable and holds a key for every allowed algorithm: true when unreachable. */
async function checkJwks(
  ctx: CheckContext,
  check: OnlineCheck,
  jwksUri: string,
  advertised: string[] | undefined,
  get: Get,
): Promise<boolean> {
  const jwks = await get(jwksUri);
  if (!jwks.ok) {
    ctx.report('online/jwks-unreachable', check.path, {
      at: 'value',
      message: `cannot fetch the JWKS ${jwksUri}: ${jwks.reason}${check.refreshSecs ? ` (the service refreshes every ${check.refreshSecs}s)` : ''}`,
      fix: 'make jwks_uri reachable from the service',
    });
    return true;
  }
  const keys = Array.isArray((jwks.body as { keys?: unknown })?.keys)
    ? (jwks.body as { keys: Record<string, unknown>[] }).keys
    : [];
  for (const alg of check.algorithms ?? [])
    if (!keys.some((jwk) => jwk && typeof jwk === 'object' && keyFits(alg, jwk)))
      ctx.report('online/no-key-for-algorithm', check.path, {
        at: 'value',
        message: `the JWKS (${keys.length} key${keys.length === 1 ? '' : 's'}: ${describeKeys(keys)}) has no key that can verify ${alg}`,
        fix: fixForMissingKey(keys, advertised),
      });
  return false;
}

const oneOf = (algs: string[]) => (algs.length === 1 ? algs[0]! : `one of ${algs.join(', ')}`);

/**
 * A key in the JWKS is not proof the issuer signs with it (a JWKS may hold keys for other uses or a
 * rotation): suggest only algorithms the JWKS can verify AND discovery advertises, so this fix never
 * contradicts the algorithm-not-advertised finding about the same issuer.
 */
function fixForMissingKey(
  keys: Record<string, unknown>[],
  advertised: string[] | undefined,
): string {
  if (!keys.length) return 'publish the signing key in the JWKS (it is empty)';
  const verifiable = (advertised ?? []).filter((alg) =>
    keys.some((jwk) => jwk && typeof jwk === 'object' && keyFits(alg, jwk)),
  );
  if (verifiable.length)
    return `allow ${oneOf(verifiable)}: the issuer advertises it and its JWKS has a key for it`;
  if (advertised)
    return `the issuer advertises ${advertised.join(', ')} but its JWKS has no key for ${advertised.length === 1 ? 'it' : 'them'}: fix the issuer's keys, or allow an algorithm of the JWKS's keys (${describeKeys(keys)})`;
  return `allow an algorithm the JWKS has a key for (${describeKeys(keys)}); the issuer does not advertise which one it signs with`;
}

function describeKeys(keys: Record<string, unknown>[]): string {
  if (!keys.length) return 'the JWKS is empty';
  return keys.map((k) => String(k.alg ?? `${k.kty}${k.crv ? `/${k.crv}` : ''}`)).join(', ');
}

/** Why an unreachable issuer stops the service: `(auth.start_degraded = false: …)`. */
function refuses(check: OnlineCheck): string {
  if (!check.required) return '';
  return ` (${check.requiredBy ? `${check.requiredBy}: ` : ''}the service will refuse to start)`;
}

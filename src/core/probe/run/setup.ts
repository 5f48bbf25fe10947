import type { JWTAlgorithm } from '../../keys/algorithms.js';
import { registerSecret } from '../../mask.js';
import { mintToken } from '../../token/mint.js';
import { attackerKeyFor } from '../attacker.js';
import type { AttackerKey } from '../../token/forge.js';
import { planCases, type CaseContext, type ProbeCase } from '../cases.js';
import { resolveCredential, type ResolvedCredential } from '../credentials.js';
import { HttpClient } from '../http.js';
import { startJkuServer, type JkuServer } from '../jku.js';
import type { ProbeSpec } from '../spec.js';
import type { RunProbeOptions } from './types.js';

export type Mint = CaseContext['mint'];

/** What every stage of one run shares: options, the HTTP client, the token minter, the attacker's JWKS. */
export interface ProbeRun {
  options: RunProbeOptions;
  spec: ProbeSpec;
  started: number;
  timeoutMs: number;
  concurrency: number;
  client: HttpClient;
  mint: Mint;
  attackerKey: AttackerKey;
  /** Serves the attacker JWKS for the jku forgery (not in a dry run, nor without bearer credentials). */
  jku?: JkuServer;
  /** The jku server while it starts (serveJku waits for it and sets `jku`). */
  jkuStarting?: Promise<JkuServer>;
}

/**
 * mintToken bound to the keystore, cached by options (many cases share a token). Signed on the
 * threadpool: a run mints its tokens (RSA: ~0.3 ms each) while its requests are in flight.
 * A token whose `exp` is `skewSeconds` in the past is reused only within the second it was minted:
 * the skew search (skew.ts) needs that lag to the second, and an endpoint measured later in a long
 * run would otherwise get a token older than it says.
 */
export function cachedMint(options: RunProbeOptions): Mint {
  const cache = new Map<string, Promise<string>>();
  const parts = new WeakMap<object, string>();
  const bases = new WeakMap<object, string>();
  return (base, extra) => {
    // Keys are `name:json,` runs, later names winning as in the merge: one key, one merged token.
    let key = extra
      ? baseKey(base, bases, parts) + optionsKey(extra, parts)
      : optionsKey(base, parts);
    const o = extra ? { ...base, ...extra } : base;
    if (o.skewSeconds !== undefined) key += `minted:${Math.floor(Date.now() / 1000)}`;
    let hit = cache.get(key);
    if (!hit) {
      hit = mintToken({ ...o, keystore: options.keystore, signAsync: true }).then((r) => r.token);
      cache.set(key, hit);
    }
    return hit;
  };
}

/** A template's options (the same object for every case of it): serialised once. */
function baseKey(
  base: Record<string, unknown>,
  bases: WeakMap<object, string>,
  parts: WeakMap<object, string>,
): string {
  let key = bases.get(base);
  if (key === undefined) bases.set(base, (key = optionsKey(base, parts)));
  return key;
}

/**
 * Equal for options whose JSON is equal (the attacker key aside: one per run). Every case of every
 * endpoint asks for a token with its template's claims, audience and mapping, which are built once
 * and never changed: each such object is serialised once (memoised by identity in `parts`), not
 * once per case; the small objects a case adds (its defect) are new each time, so serialised anew.
 */
export function optionsKey(
  options: Record<string, unknown>,
  parts: WeakMap<object, string>,
): string {
  let key = '';
  for (const name in options) {
    const value = options[name];
    if (value === undefined || name === 'attackerKey') continue;
    let part: string | undefined;
    if (value !== null && typeof value === 'object') {
      part = parts.get(value);
      if (part === undefined) parts.set(value, (part = JSON.stringify(value)));
    } else part = JSON.stringify(value);
    key += `${name}:${part},`;
  }
  return key;
}

/** The attacker signs like the first JWT credential (else the spec's [jwt]); an HMAC alg gets RS256. */
function attackerAlg(spec: ProbeSpec): JWTAlgorithm {
  const firstJwt = Object.values(spec.credentials).find((c) => c.type === 'jwt');
  const asymmetric = (alg?: JWTAlgorithm) => (alg && !alg.startsWith('HS') ? alg : undefined);
  return (
    asymmetric(firstJwt?.type === 'jwt' ? firstJwt.alg : undefined) ??
    asymmetric(spec.jwt.alg) ??
    'RS256'
  );
}

/** Opens a run: the HTTP client, the attacker key and (when tokens are sent) the jku server. */
export async function openRun(options: RunProbeOptions): Promise<ProbeRun> {
  const started = performance.now();
  const { spec } = options;
  const timeoutMs = options.timeoutMs ?? spec.timeoutMs ?? 10_000;
  const concurrency = options.concurrency ?? spec.concurrency ?? 16;
  const client = new HttpClient({
    baseUrl: spec.baseUrl,
    timeoutMs,
    retries: options.retries ?? 2,
    maxSockets: Math.max(8, concurrency),
  });
  const attackerKey = await attackerKeyFor(attackerAlg(spec), options.keystore.dir);
  const bearer = Object.values(spec.credentials).some(
    (c) => c.type === 'jwt' || c.type === 'idp' || c.type === 'env',
  );
  // Not waited for here: only the stream's jku case needs it, so it starts while the first
  // requests are under way (serveJku), not before them (issue #17).
  const jkuStarting =
    !options.dryRun && bearer ? startJkuServer({ keys: [attackerKey.publicJwk] }) : undefined;
  jkuStarting?.catch(() => {}); // its error is thrown by serveJku
  const mint = cachedMint(options);
  return { options, spec, started, timeoutMs, concurrency, client, mint, attackerKey, jkuStarting };
}

/** Waits for the jku server (when the run has one): the stream's case context names its URL. */
export async function serveJku(run: ProbeRun): Promise<void> {
  if (run.jkuStarting) run.jku = await run.jkuStarting;
}

export async function closeRun(run: ProbeRun): Promise<void> {
  run.client.close();
  const jku = run.jku ?? (await run.jkuStarting?.catch(() => undefined));
  await jku?.close();
}

/** Resolves every credential an endpoint names; their secrets are masked from now on. */
export async function resolveCredentials(run: ProbeRun): Promise<Map<string, ResolvedCredential>> {
  const { options, spec } = run;
  const credentials = new Map<string, ResolvedCredential>();
  const used = [...new Set(spec.endpoints.flatMap((e) => [...e.allow, ...e.deny]))];
  const resolveOptions = {
    spec,
    config: options.config,
    keystore: options.keystore,
    env: options.env,
    mint: run.mint,
    cwd: options.cwd,
    fetch: options.fetch,
    dryRun: options.dryRun,
    cliGlobals: options.cliGlobals,
  };
  // Side by side (each mints or fetches its first token), settled in the spec's order: of two
  // that fail, the error is the first one's, as when they were resolved one after another.
  const settled = await Promise.allSettled(
    used.map((name) => resolveCredential(name, resolveOptions)),
  );
  // Known to every renderer from now on, whatever message or response happens to quote one
  // (the error of another credential included).
  for (const outcome of settled)
    if (outcome.status === 'fulfilled') outcome.value.secrets.forEach(registerSecret);
  for (const [i, outcome] of settled.entries()) {
    if (outcome.status === 'rejected') throw outcome.reason;
    credentials.set(used[i]!, outcome.value);
  }
  return credentials;
}

/** The case context of the run (shared by the planning pass, the stream and the dry run). */
export function caseContext(
  run: ProbeRun,
  credentials: Map<string, ResolvedCredential>,
  warnings?: string[],
): CaseContext {
  const { spec, options } = run;
  return {
    spec,
    credentials,
    mint: run.mint,
    warnings,
    weakSecrets: options.weakSecrets,
    jkuUrl: run.jku?.url ?? 'http://127.0.0.1:9/.well-known/jwks.json',
    attackerKey: run.attackerKey,
    url: (p) => run.client.url(p),
    now: options.now,
  };
}

/**
 * The run's matrix, planned: the controls, and how many other cases there are when a progress
 * display wants the total; the other cases are built endpoint by endpoint as they are sent
 * (`streamCases`). No cap on the count: memory does not grow with it.
 */
export async function planMatrix(
  run: ProbeRun,
  credentials: Map<string, ResolvedCredential>,
): Promise<{ controls: ProbeCase[]; others?: number }> {
  return planCases(caseContext(run, credentials), run.options.onProgress !== undefined);
}

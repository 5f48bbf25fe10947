// OIDC discovery + JWKS cache for DataPress: background refresh every jwks_refresh_secs, and a
// rate-limited re-fetch when a token names a kid we do not know (the issuer rotated its keys).
import { createLocalJWKSet } from 'jose';

/** Minimum gap between two re-fetches triggered by unknown kids (stops kid-spraying DoS on the IdP). */
export const UNKNOWN_KID_COOLDOWN_MS = 10_000;
const FETCH_TIMEOUT_MS = 5_000;

export class JwksUnavailableError extends Error {}

async function getJson(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET ${url} returned HTTP ${res.status}`);
  return res.json();
}

export class JwksCache {
  #issuer;
  #refreshMs;
  #cooldownMs;
  #now;
  #keySet = null;
  #jwksUri = null;
  #timer = null;
  #lastOnDemand = -Infinity;
  #inflight = null;
  stats = { fetches: 0, lastFetchAt: null, lastError: null, kids: [] };

  constructor({ issuer, refreshSecs, cooldownMs = UNKNOWN_KID_COOLDOWN_MS, now = () => Date.now() }) {
    this.#cooldownMs = cooldownMs;
    this.#issuer = issuer.replace(/\/+$/, '');
    this.#refreshMs = refreshSecs * 1000;
    this.stats.refreshSecs = refreshSecs;
    this.#now = now;
  }

  get ready() {
    return this.#keySet !== null;
  }

  /** Discovery then JWKS. Rejects (and records lastError) when the issuer is unreachable. */
  refresh() {
    this.#inflight ??= this.#load().finally(() => {
      this.#inflight = null;
    });
    return this.#inflight;
  }

  async #load() {
    try {
      if (!this.#jwksUri) {
        const doc = await getJson(`${this.#issuer}/.well-known/openid-configuration`);
        if (typeof doc.issuer !== 'string' || doc.issuer.replace(/\/+$/, '') !== this.#issuer) {
          throw new Error(`discovery document issuer "${doc.issuer}" does not match configured issuer "${this.#issuer}"`);
        }
        if (typeof doc.jwks_uri !== 'string') throw new Error('discovery document has no jwks_uri');
        this.#jwksUri = doc.jwks_uri;
      }
      const jwks = await getJson(this.#jwksUri);
      if (!Array.isArray(jwks?.keys)) throw new Error(`${this.#jwksUri} is not a JWKS (no "keys" array)`);
      this.#keySet = createLocalJWKSet(jwks);
      this.stats.fetches += 1;
      this.stats.lastFetchAt = new Date(this.#now()).toISOString();
      this.stats.lastError = null;
      this.stats.kids = jwks.keys.map((k) => k.kid ?? null);
    } catch (err) {
      this.stats.lastError = err.cause?.code ?? err.message;
      throw err;
    }
  }

  start() {
    this.#timer = setInterval(() => this.refresh().catch(() => {}), this.#refreshMs);
    this.#timer.unref();
  }

  stop() {
    if (this.#timer) clearInterval(this.#timer);
  }

  /** An on-demand re-fetch, at most once per cooldown. Returns whether a fetch was attempted. */
  async #refetchOnDemand() {
    const now = this.#now();
    if (now - this.#lastOnDemand < this.#cooldownMs) return false;
    this.#lastOnDemand = now;
    await this.refresh().catch(() => {});
    return true;
  }

  /** Key resolver for jose's jwtVerify. */
  getKey = async (protectedHeader, token) => {
    if (!this.#keySet) {
      await this.#refetchOnDemand();
      if (!this.#keySet) throw new JwksUnavailableError('signing keys unavailable (issuer unreachable)');
    }
    try {
      return await this.#keySet(protectedHeader, token);
    } catch (err) {
      if (err.code !== 'ERR_JWKS_NO_MATCHING_KEY') throw err;
      if (!(await this.#refetchOnDemand())) throw err;
      return this.#keySet(protectedHeader, token);
    }
  };
}

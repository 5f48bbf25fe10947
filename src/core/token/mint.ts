import type { CompactJWSHeaderParameters as JWSHeaderParameters, JWK } from 'jose';
import type { KeyObject } from 'node:crypto';
import { usageError } from '../errors.js';
import { isHmac, type JWTAlgorithm } from '../keys/algorithms.js';
import type { Keystore } from '../keys/keystore.js';
import { buildClaims, DEFAULT_CLAIMS_MAPPING, type ClaimsMapping } from './claims.js';
import type { DefectSpec } from './defects.js';
import type { Forged } from './defects/types.js';
import type { AttackerKey } from './forge.js';
import { signJws, signJwsAsync } from './jws.js';

export const DEFAULT_ISSUER = 'http://127.0.0.1:9400';
export const DEFAULT_TTL_SECONDS = 900;
export const DEFAULT_DEFECT_SKEW_SECONDS = 600;

export interface MintTokenOptions {
  keystore: Keystore;
  issuer?: string;
  subject?: string;
  audience?: string[];
  /** Lifetime in seconds (default 15 min). */
  ttlSeconds?: number;
  /** Absolute times, seconds since epoch. */
  notBefore?: number;
  issuedAt?: number;
  jti?: string;
  alg?: JWTAlgorithm;
  kid?: string;
  scopes?: string[];
  roles?: string[];
  tenant?: string;
  /** Extra claims by JSON pointer or name. */
  claims?: Record<string, unknown>;
  /** Extra JOSE header fields. */
  header?: Record<string, unknown>;
  mapping?: Partial<ClaimsMapping>;
  /** HMAC secret for HS* (else the keystore's generated secret). */
  secret?: Uint8Array;
  /** One defect, or several that compose (see combineDefects). */
  defect?: DefectSpec | readonly DefectSpec[];
  /** How far in the past/future `expired` and `not-yet-valid` put the time claims (default 10 min). */
  skewSeconds?: number;
  /** For the `jku` defect: where the attacker JWKS is served. */
  jkuUrl?: string;
  /** Reuse one attacker key across forgeries (the probe serves its JWKS). */
  attackerKey?: AttackerKey;
  /** Milliseconds since epoch. */
  clock?: () => number;
  /**
   * Sign on libuv's threadpool instead of the calling thread: the mock issuer signs many tokens at
   * once, and a probe run mints while its requests are in flight. Forgeries still sign inline.
   */
  signAsync?: boolean;
}

export interface MintTokenResult {
  token: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** ISO time of `exp`, if the token has one (worked out when read, from `claims`). */
  readonly expiresAt?: string;
  defect?: string;
  /** The attacker JWKS to serve at the jku URL (jku defect only). */
  attackerJwks?: { keys: JWK[] };
}

/** Mints a JWT from the keystore (or an HMAC secret), optionally with deliberate defects. */
export async function mintToken(options: MintTokenOptions): Promise<MintTokenResult> {
  const now = Math.floor((options.clock ?? Date.now)() / 1000);
  const alg = options.alg ?? 'RS256';
  const mapping: ClaimsMapping = { ...DEFAULT_CLAIMS_MAPPING, ...options.mapping };
  const ttl = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  const claims = validClaims(options, now, ttl, mapping);
  const signer = await signingKeyFor(options, alg);
  const header: JWSHeaderParameters = {
    alg,
    typ: 'JWT',
    ...(signer.kid ? { kid: signer.kid } : {}),
    ...options.header,
  };
  if (options.kid && !signer.kid) header.kid = options.kid;

  const defects = defectList(options.defect);
  if (!defects.length) {
    const sign = options.signAsync ? signJwsAsync : signJws;
    const token = await sign(header, claims, signer.key);
    return {
      token,
      header,
      claims,
      // Worked out when read: the issuer never reads it, and an ISO date per token was 1.3 µs
      // of its token endpoint (issue #17).
      get expiresAt() {
        return expiresAt(claims);
      },
    };
  }
  return mintWithDefects(options, { header, claims, signer, alg, mapping, now, ttl }, defects);
}

const expiresAt = (claims: Record<string, unknown>) =>
  typeof claims.exp === 'number' ? new Date(claims.exp * 1000).toISOString() : undefined;

/** What mintToken has made of the options before the defects apply. */
interface ValidToken {
  header: JWSHeaderParameters;
  claims: Record<string, unknown>;
  signer: Awaited<ReturnType<typeof signingKeyFor>>;
  alg: JWTAlgorithm;
  mapping: ClaimsMapping;
  now: number;
  ttl: number;
}

/**
 * The token with `defects`: claim defects change the claims, then at most one forgery (combineDefects
 * checks) makes the token. The registry loads here only: a valid token needs none of it.
 */
async function mintWithDefects(
  options: MintTokenOptions,
  { header, claims, signer, alg, mapping, now, ttl }: ValidToken,
  defects: readonly DefectSpec[],
): Promise<MintTokenResult> {
  const { CLAIM_DEFECT_KINDS, DEFECT_REGISTRY, defectName } = await import('./defects.js');
  const result = (forged: Forged): MintTokenResult => ({
    token: forged.token,
    header: forged.header ?? header,
    claims,
    get expiresAt() {
      return expiresAt(claims);
    },
    defect: defects.map(defectName).join(','),
    ...(forged.attackerJwks ? { attackerJwks: forged.attackerJwks } : {}),
  });
  const skew = options.skewSeconds ?? DEFAULT_DEFECT_SKEW_SECONDS;
  for (const defect of defects) {
    const build = DEFECT_REGISTRY[defect.kind].build;
    if ('claims' in build)
      build.claims(claims, { mapping, now, ttl, skew, variant: defect.variant });
  }
  const sign = async () =>
    options.signAsync
      ? signJwsAsync(header, claims, signer.key)
      : signJws(header, claims, signer.key);
  const forgery = defects.find((d) => !CLAIM_DEFECT_KINDS.includes(d.kind));
  const build = forgery && DEFECT_REGISTRY[forgery.kind].build;
  if (!build || !('forge' in build)) return result({ token: await sign() });
  // Forgeries need jose and throwaway keys: load them only for --defect.
  const kit = await import('./forge.js');
  return result(
    await build.forge({
      header,
      claims,
      alg,
      ...signer,
      keystore: options.keystore,
      variant: forgery.variant,
      jkuUrl: options.jkuUrl,
      attackerKey: options.attackerKey,
      sign,
      kit,
    }),
  );
}

/** The claims of the valid token, before any defect. */
function validClaims(
  options: MintTokenOptions,
  now: number,
  ttl: number,
  mapping: ClaimsMapping,
): Record<string, unknown> {
  const issuedAt = options.issuedAt ?? now;
  return buildClaims({
    issuer: options.issuer ?? DEFAULT_ISSUER,
    subject: options.subject,
    audience: options.audience,
    issuedAt,
    notBefore: options.notBefore,
    expiresAt: (options.notBefore ?? issuedAt) + ttl,
    jti: options.jti,
    scopes: options.scopes,
    roles: options.roles,
    tenant: options.tenant,
    extra: options.claims,
    mapping,
  });
}

interface Signer {
  key: KeyObject | Uint8Array;
  kid?: string;
  publicJwk?: JWK;
}

/** The given HMAC secret for HS*, else the keystore's key for `alg` (created on first use). */
async function signingKeyFor(options: MintTokenOptions, alg: JWTAlgorithm): Promise<Signer> {
  if (isHmac(alg) && options.secret) {
    if (options.secret.length === 0)
      throw usageError('ERR_EMPTY_SECRET', 'the HMAC secret is empty', {
        field: 'secret',
        hint: 'give a non-empty secret (use {{defect}} blank-secret to test empty-key forgeries)',
      });
    return { key: options.secret };
  }
  const signing = await options.keystore.signingKey(alg, { kid: options.kid });
  return { key: signing.key, kid: signing.record.kid, publicJwk: signing.record.publicJwk };
}

function defectList(defect: MintTokenOptions['defect']): readonly DefectSpec[] {
  if (defect === undefined) return [];
  return Array.isArray(defect) ? defect : [defect as DefectSpec];
}

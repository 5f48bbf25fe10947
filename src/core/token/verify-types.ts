import type { ClaimsMapping } from './claims.js';
import type { DecodedToken } from './decode.js';
import type { VerificationKeys } from './keysource.js';

export type CheckName =
  | 'encoding'
  | 'header'
  | 'algorithm'
  | 'signature'
  | 'issuer'
  | 'audience'
  | 'expiry'
  | 'not-before'
  | 'scope'
  | 'role'
  | 'tenant';

export interface VerifyCheck {
  check: CheckName;
  status: 'pass' | 'fail' | 'skip';
  /** Stable code for failures, e.g. ERR_JWT_EXPIRED. */
  code?: string;
  message: string;
}

export interface VerifyTokenOptions {
  token: string;
  keys: VerificationKeys;
  /** Allowed algorithms; default: what the available keys can verify. */
  algorithms?: string[];
  issuer?: string;
  audience?: string[];
  leewaySeconds?: number;
  requireScopes?: string[];
  requireRoles?: string[];
  tenant?: string;
  mapping?: Partial<ClaimsMapping>;
  clock?: () => number;
}

export interface VerifyTokenResult {
  valid: boolean;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  checks: VerifyCheck[];
  /** kid of the key that verified the signature. */
  verifiedWith?: string;
  /** False when no audience was expected, so `aud` was not checked at all. */
  audienceChecked: boolean;
}

/** The checks found so far; each stage adds its own. */
export interface VerifyReport {
  checks: VerifyCheck[];
  pass(check: CheckName, message: string): void;
  fail(check: CheckName, code: string, message: string): void;
  skip(check: CheckName, message: string): void;
  /** Set by the signature stage: the kid of the key that verified it. */
  verifiedWith?: string;
}

/** What every stage of verifyToken reads: the options, the decoded token and the time. */
export interface VerifyContext {
  options: VerifyTokenOptions;
  decoded: DecodedToken;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** Seconds since epoch. */
  now: number;
  leeway: number;
  mapping: ClaimsMapping;
}

/** One named step of verifyToken: reads the context, adds its checks to the report. */
export type VerifyStage = (ctx: VerifyContext, report: VerifyReport) => void | Promise<void>;

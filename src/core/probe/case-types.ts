import type { AttackerKey } from '../token/forge.js';
import type { MintTokenOptions } from '../token/mint.js';
import type { ResolvedCredential } from './credentials.js';
import type { ProbeRequest } from './http.js';
import type { ProbeEndpoint, ProbeSpec } from './spec.js';

// The shapes every case family builds: kept apart from cases.ts so the families (which cases.ts runs)
// and the runner import them without an import cycle.

/** What a correct service answers. */
export type Outcome = 'success' | 'unauthenticated' | 'forbidden' | 'either' | 'non2xx';

export type ProbeScheme = 'bearer' | 'apikey' | 'sigv4' | 'presigned' | 'headers' | 'none';

export interface ProbeCase {
  endpoint: ProbeEndpoint;
  /** `jwt:expired`, `deny:reader`, `deny:reader/head`, `allow:admin`. */
  id: string;
  /** The check (rule) this case belongs to, shared across endpoints: `jwt:expired`, `deny`, `variant:head`. */
  check: string;
  title: string;
  /** Controls run before and after everything else and must succeed. */
  control: boolean;
  credential?: string;
  outcome: Outcome;
  /** Accepted statuses (empty for success = any 2xx/3xx, and non2xx). */
  statuses: number[];
  /** A credential was presented, so a 401 should say error="invalid_token". */
  tokenPresented: boolean;
  /** How the endpoint's callers authenticate: a 401 should carry `WWW-Authenticate: Bearer` only for bearer. */
  scheme: ProbeScheme;
  /** A scope is missing, so a 403 should say error="insufficient_scope". */
  missingScope?: boolean;
  request: ProbeRequest;
  /** Secrets in the request (masked in output; looked for in echoed bodies). */
  secrets: string[];
  /**
   * The `authctl token mint ...` command that makes this case's token, for reproducible curl
   * commands: built on demand, for findings only (most cases never need one).
   */
  mintCommand?: () => string | undefined;
}

/** A case as a family describes it: the builder fills in endpoint, scheme, check and secrets. */
export type CaseDraft = Omit<ProbeCase, 'endpoint' | 'check' | 'secrets' | 'scheme'> & {
  check?: string;
  secrets?: string[];
};

/** A negative case (never a control). */
export type NegativeDraft = Omit<CaseDraft, 'control'>;

export interface CaseContext {
  spec: ProbeSpec;
  credentials: Map<string, ResolvedCredential>;
  /**
   * mintToken bound to the keystore, cached by options. With `extra` (a case's overrides, merged
   * over `options`), `options` must be a template's memoised mintOptions: keyed once, by identity.
   */
  mint: (
    options: Omit<MintTokenOptions, 'keystore'>,
    extra?: Omit<MintTokenOptions, 'keystore'>,
  ) => Promise<string>;
  /** Where the probe serves the attacker JWKS for the jku forgery. */
  jkuUrl: string;
  attackerKey: AttackerKey;
  /** Full URL of a path on the service (SigV4 signs the host). */
  url: (path: string) => string;
  /** The clock (expired presigned URLs are dated from it). */
  now?: () => Date;
  /** Spec problems worth a warning (an exclude entry that matches nothing). */
  warnings?: string[];
  /** Candidates for `jwt:weak-secret` (default: the bundled list). */
  weakSecrets?: readonly string[];
  /** Set by generateCases: the endpoint index that gets the weak-secret family. */
  weakSecretEndpoint?: number;
}

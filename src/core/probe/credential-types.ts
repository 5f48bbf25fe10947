import type { ProbeCredentialConfig } from './config.js';
import type { AuthctlConfig } from '../config/schema.js';
import type { Keystore } from '../keys/keystore.js';
import type { JWTAlgorithm } from '../keys/algorithms.js';
import type { ClaimsMapping } from '../token/claims.js';
import type { MintTokenOptions } from '../token/mint.js';
import type { IdpClient } from './idp-token.js';
import type { PresignedUrl } from './presigned.js';
import type { ProbeSpec } from './spec.js';

// The credential shapes, apart from credentials.ts so its helpers (hmac-secret.ts) and the case
// families import them without an import cycle.

/** What the probe needs to mint tokens like a credential's: the claims a valid token carries. */
export interface JwtTemplate {
  issuer: string;
  audience?: string[];
  subject?: string;
  tenant?: string;
  roles?: string[];
  scopes?: string[];
  alg: JWTAlgorithm;
  ttlSeconds?: number;
  claims: Record<string, unknown>;
  header: Record<string, unknown>;
  mapping: Partial<ClaimsMapping>;
  /** True when authctl's keystore holds the key the service trusts, so claim defects are meaningful. */
  signable: boolean;
  /** HS* only: the service's shared secret from the credential, the spec's [jwt] or config `[token]` (else the keystore's). */
  secret?: Uint8Array;
  /** The `token mint` flags naming where that secret comes from (`--secret-env VAR ...`), for reproduction commands. */
  secretFlags?: string[];
  /** Built from spec settings (so `authctl token mint` can reproduce it), or decoded from someone else's token. */
  origin: 'spec' | 'token';
  /** Global flags (`--home DIR`, `--config FILE`) the reproduction command needs to mint with the same keystore and config from any directory. */
  cliGlobals?: string[];
}

/** A credential ready to use: the headers a valid request carries (SigV4 signs per request). */
export interface ResolvedCredential {
  name: string;
  type: ProbeCredentialConfig['type'];
  /** Static headers of a valid request (not for sigv4). */
  headers: Record<string, string>;
  /** Secret values to mask in output and to look for in echoed bodies. */
  secrets: string[];
  /** For bearer-token credentials: how to mint tokens with defects. */
  jwt?: JwtTemplate;
  /** The valid token (jwt, idp, env). */
  token?: string;
  /** `idp` credentials: how to get fresh tokens of the issuer (revocation, key rotation). */
  idp?: IdpClient;
  apikey?: { key: string; header: string; scheme?: string; revoked?: string };
  /** A presigned URL the service issued (query-signed schemes: SigV4, SigV2, K3, custom). */
  presigned?: PresignedUrl;
  /** `env` credentials with revoked_env: the headers carrying the revoked token (case jwt:revoked). */
  revokedHeaders?: Record<string, string>;
  sigv4?: {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
    region: string;
    service: string;
    presign: boolean;
  };
}

export interface ResolveCredentialsOptions {
  spec: ProbeSpec;
  config: AuthctlConfig;
  keystore: Keystore;
  env: Readonly<Record<string, string | undefined>>;
  mint: (options: Omit<MintTokenOptions, 'keystore'>) => Promise<string>;
  /** Where `store` paths are relative to. */
  cwd: string;
  fetch?: typeof fetch;
  /** Do not fetch tokens; stand placeholders in for unset environment variables. */
  dryRun?: boolean;
  /** See JwtTemplate.cliGlobals. */
  cliGlobals?: string[];
}

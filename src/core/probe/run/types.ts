import type { AuthctlConfig } from '../../config/schema.js';
import type { Keystore } from '../../keys/keystore.js';
import type { RotationReport } from '../rotation.js';
import type { SkewResult } from '../skew.js';
import type { ProbeSpec } from '../spec.js';
import type { ProbeFinding } from '../verdict.js';

// The runner's input and output shapes, apart from its stages so each stage (and every renderer)
// imports them without an import cycle.

export interface RunProbeOptions {
  spec: ProbeSpec;
  config: AuthctlConfig;
  keystore: Keystore;
  /** The environment credentials read (`*_env`): the caller's, filled at the CLI edge. */
  env: Readonly<Record<string, string | undefined>>;
  /** Where `store` paths are relative to. */
  cwd: string;
  concurrency?: number;
  timeoutMs?: number;
  retries?: number;
  /** Build the matrix without sending anything. */
  dryRun?: boolean;
  /** Override the spec's measure_skew. */
  measureSkew?: boolean;
  /**
   * Called as cases are answered. Given, the run first counts its cases for the total (building
   * them once more): pass it only when progress is shown.
   */
  onProgress?: (done: number, total: number) => void;
  /** Candidates for `jwt:weak-secret` (default: the bundled list; `--secrets-file` adds to it). */
  weakSecrets?: readonly string[];
  /** Global flags for reproduction commands, e.g. ['--home', '/abs/keys', '--config', '/abs/authctl.toml']. */
  cliGlobals?: string[];
  fetch?: typeof fetch;
  /** The clock (default: the real time). */
  now?: () => Date;
}

export interface ProbeCaseResult {
  endpoint: string;
  case: string;
  check: string;
  title: string;
  control: boolean;
  credential?: string;
  expected: string;
  status?: number;
  passed?: boolean;
  ms?: number;
}

export interface ControlFailure {
  phase: 'before' | 'after';
  endpoint: string;
  credential?: string;
  expected: string;
  got: number;
  curl: string;
  /** The service's WWW-Authenticate (it often names the cause: `error_description="aud claim invalid"`). */
  wwwAuthenticate?: string;
  /** The first bytes of the body, masked, on one line. */
  body?: string;
}

export interface ProbeSummary {
  endpoints: number;
  checks: number;
  passed: number;
  failed: number;
  critical: number;
  error: number;
  warning: number;
  baselined: number;
  requests: number;
  durationMs: number;
}

export interface ProbeResult {
  baseUrl: string;
  source: string;
  dryRun: boolean;
  /** Spec problems that did not stop the run (an exclude entry matching no case). */
  warnings: string[];
  /** `ok`, `findings` (exit 1), or `control-failed` (exit 3). */
  status: 'ok' | 'findings' | 'control-failed';
  endpoints: string[];
  cases: ProbeCaseResult[];
  findings: ProbeFinding[];
  controlFailures: ControlFailure[];
  /** The first endpoint's clock skew (kept for readers of the older --json shape; see `skews`). */
  skew?: SkewResult;
  /** One per endpoint whose skew was measured (`skew` is the first of them). */
  skews?: SkewResult[];
  /** `[rotation]`: how long the service took to accept the new key and refuse the retired one. */
  rotation?: RotationReport;
  /** Requests the dry run would send (credentials masked). */
  requests?: Array<{ endpoint: string; case: string; expected: string; curl: string }>;
  summary: ProbeSummary;
}

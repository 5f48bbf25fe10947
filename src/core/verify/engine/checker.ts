import type { CheckContext } from '../context.js';
import type { ConfigDocument } from '../document.js';

/** What `--online` should check for one issuer a config refers to. */
export interface OnlineCheck {
  issuer: string;
  /** Key path of the issuer setting, for positions. */
  path: (string | number)[];
  algorithms?: string[];
  scopes?: string[];
  audience?: string | string[];
  /** How often the service refreshes its JWKS; the JWKS must answer within it. */
  refreshSecs?: number;
  /** The service refuses to start when the issuer is unreachable (exit 3 instead of a finding). */
  required?: boolean;
  /** The setting that makes it required (`auth.start_degraded = false`), for the message. */
  requiredBy?: string;
}

export interface ProfileDeps {
  /** Reads a file the config refers to; undefined when it does not exist. */
  readFile(file: string): Promise<string | undefined>;
  /** The process environment, when `--from-env` asked for it. */
  env?: Record<string, string | undefined>;
  /** Extra variables from `--env-file`, already parsed. */
  extraEnv?: Record<string, string>;
  /**
   * false: the run fetches no issuer (no --online), so a checker may skip building its --online
   * checks (a dense file's thousands of them are most of what checking it allocates).
   */
  online?: boolean;
}

export interface ProfileChecker {
  check(ctx: CheckContext, deps: ProfileDeps): Promise<OnlineCheck[]> | OnlineCheck[];
  /** How strongly a parsed document looks like this profile (0 = not at all). */
  detect(document: ConfigDocument): number;
}

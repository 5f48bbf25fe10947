import type { DemoExample } from './scenarios.js';

/** One numbered step of the transcript. */
export interface DemoStep {
  n: number;
  title: string;
  /** The equivalent command a user could copy. */
  command?: string;
  /** What came back, one fact per line. */
  result: string[];
  /** Did it behave as a correctly secured service must? (undefined: nothing to judge) */
  ok?: boolean;
  /** Machine-readable details (status codes, claims, probe summary). */
  data?: Record<string, unknown>;
}

export interface DemoOptions {
  example: DemoExample;
  /** Keystore directory; default a temp directory removed afterwards. */
  home?: string;
  /** examples/ directory (default: the installed package's). */
  examples?: string;
  onStep?: (step: DemoStep) => void;
  /**
   * The caller's environment (the CLI passes its own): the example service gets its PATH, the probe
   * all of it (credentials read from the environment).
   */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Ctrl-C: stops the service and the issuer at once (also after the run, e.g. with --keep);
   * a run still in progress then rejects instead of finishing its remaining steps.
   */
  signal?: AbortSignal;
}

export interface DemoResult {
  example: DemoExample;
  ok: boolean;
  steps: DemoStep[];
  urls: { issuer?: string; service?: string };
  /** Child processes still running (until close()). */
  pids: number[];
  /** Stops the service and the issuer and removes temp files; idempotent. */
  close(): Promise<void>;
  /** Synchronous last resort for exit handlers: kills the service and removes the temp dir. */
  killNow(): void;
}

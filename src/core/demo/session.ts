import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Keystore } from '../keys/keystore.js';
import { examplesDir } from './root.js';
import { SCENARIOS, type Scenario, type ScenarioContext } from './scenarios.js';
import type { ServiceProcess } from './spawn.js';
import type { DemoOptions, DemoStep } from './types.js';

/**
 * One demo run: its scratch directory, the processes it started, the steps so far. `close()` stops
 * the service and the issuer and removes the scratch directory; `killNow()` is the synchronous last
 * resort for exit handlers.
 */
export class DemoSession {
  readonly scenario: Scenario;
  readonly examples: string;
  readonly dir: string;
  readonly home: string;
  readonly steps: DemoStep[] = [];
  readonly ctx: ScenarioContext;
  keystore?: Keystore;
  service?: ServiceProcess;
  issuer?: { close(): Promise<void>; issuer: string };
  /** Resolves once the issuer holds its signing key (made in the background at its start). */
  issuerKey?: Promise<void>;
  // One shared promise: an abort and the run's own error path may both close, and both must wait for it.
  private closing?: Promise<void>;

  constructor(readonly options: DemoOptions) {
    this.scenario = SCENARIOS[options.example];
    this.examples = options.examples ?? examplesDir();
    this.dir = mkdtempSync(path.join(tmpdir(), 'authctl-demo-'));
    this.home = options.home ?? path.join(this.dir, 'keystore');
    this.ctx = { examples: this.examples, dir: this.dir };
    options.signal?.addEventListener('abort', () => void this.close(), { once: true });
  }

  /** Records (and reports) the next step; throws once the run is aborted. */
  step(s: Omit<DemoStep, 'n'>): DemoStep {
    this.options.signal?.throwIfAborted();
    const full = { n: this.steps.length + 1, ...s };
    this.steps.push(full);
    this.options.onStep?.(full);
    return full;
  }

  close = (): Promise<void> =>
    (this.closing ??= (async () => {
      await this.service?.stop();
      await this.issuer?.close();
      this.removeDir();
    })());

  killNow = (): void => {
    this.service?.kill();
    this.removeDir();
  };

  removeDir(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

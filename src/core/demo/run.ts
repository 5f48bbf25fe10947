import { DemoSession } from './session.js';
import {
  apiKeyStep,
  callSteps,
  issuerStep,
  keystoreStep,
  probeStep,
  serviceStep,
} from './steps.js';
import type { DemoOptions, DemoResult } from './types.js';

export type { DemoOptions, DemoResult, DemoStep } from './types.js';

/**
 * Runs one example end to end with authctl's own pieces: mock issuer, API key, the service,
 * a token, three calls, the probe. Leaves everything running until `close()` (the CLI closes at
 * once, or on Ctrl-C with --keep). On a failure it cleans up before rethrowing.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const run = new DemoSession(options);
  try {
    await keystoreStep(run);
    await issuerStep(run);
    await apiKeyStep(run);
    const url = await serviceStep(run);
    await callSteps(run, url);
    await probeStep(run, url);
    return {
      example: run.scenario.name,
      ok: run.steps.every((s) => s.ok !== false),
      steps: run.steps,
      urls: { issuer: run.issuer?.issuer, service: url },
      pids: [run.service!.pid],
      close: run.close,
      killNow: run.killNow,
    };
  } catch (error) {
    await run.close();
    // After an abort, the step that was running may have written into the temp dir after close() removed it.
    run.removeDir();
    throw error;
  }
}

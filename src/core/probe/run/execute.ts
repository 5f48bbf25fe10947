import { controlEvidence } from '../exchange.js';
import { environmentError } from '../../errors.js';
import type { ProbeCase } from '../cases.js';
import type { ResolvedCredential } from '../credentials.js';
import { caseCurl } from '../curl.js';
import { ProbeConnectionError, type ProbeRequest, type ProbeResponse } from '../http.js';
import { pool, Slots } from '../pool.js';
import { measureSkew, pickSkewTargets, type SkewHint, type SkewResult } from '../skew.js';
import { casePassed, describeExpected } from '../verdict.js';
import type { ProbeRun } from './setup.js';
import type { ControlFailure } from './types.js';

/**
 * Sends requests of one run: at most the run's concurrency in flight whichever stage sends them,
 * counts them, reports progress, turns a timeout into status 0. Once stopped (a stage failed), it
 * sends nothing more.
 */
export class Sender {
  requests = 0;
  private done = 0;
  private readonly slots: Slots;
  private stopped = false;

  constructor(
    private readonly run: ProbeRun,
    private readonly total: number,
  ) {
    this.slots = new Slots(run.concurrency);
  }

  /** No request starts after this (those in flight finish): the run is ending with an error. */
  stop(): void {
    this.stopped = true;
  }

  // One async function per request, the slot taken inline: this runs for every request of a run.
  async send(request: ProbeRequest): Promise<ProbeResponse> {
    const wait = this.slots.acquire();
    if (wait) await wait;
    try {
      if (this.stopped) throw new Error('the probe run stopped');
      this.requests++;
      return await this.run.client.send(request);
    } catch (error) {
      if (error instanceof ProbeConnectionError && error.code === 'ETIMEDOUT')
        return { status: 0, headers: {}, body: '', ms: this.run.timeoutMs };
      if (error instanceof ProbeConnectionError) {
        throw environmentError('ERR_PROBE_UNREACHABLE', `service unreachable: ${error.message}`, {
          where: this.run.spec.baseUrl,
          hint: 'start the service, check base_url, or add {{waitFor}} URL to wait until it is up',
        });
      }
      throw error;
    } finally {
      this.slots.release();
    }
  }

  /** One more case answered, for the progress display. */
  progress(): void {
    this.run.options.onProgress?.(++this.done, this.total);
  }

  /** Sends every case (at most `concurrency` in flight), answers in case order. */
  all(cases: ProbeCase[]): Promise<ProbeResponse[]> {
    return pool(cases, this.run.concurrency, async (c) => {
      const res = await this.send(c.request);
      this.progress();
      return res;
    });
  }
}

/** Runs the controls: the ones that did not get in. */
export async function runControls(
  run: ProbeRun,
  sender: Sender,
  controls: ProbeCase[],
  phase: 'before' | 'after',
): Promise<ControlFailure[]> {
  const answers = await sender.all(controls);
  return controls.flatMap((c, i) =>
    casePassed(c, answers[i]!)
      ? []
      : [
          {
            phase,
            endpoint: c.endpoint.id,
            credential: c.credential,
            expected: describeExpected(c),
            got: answers[i]!.status,
            curl: caseCurl(run.spec.baseUrl, c),
            ...controlEvidence(c, answers[i]!),
          },
        ],
  );
}

/**
 * Measures the clock skew each endpoint tolerates (when the spec or the caller asks for it), per
 * endpoint since services often mount a different verifier (or leeway) per router: the first
 * endpoint is bisected, and the others, side by side, check its result first (skew.ts).
 */
export async function skewStage(
  run: ProbeRun,
  sender: Sender,
  cases: ProbeCase[],
  credentials: Map<string, ResolvedCredential>,
): Promise<SkewResult[]> {
  const wanted = run.options.measureSkew ?? run.spec.measureSkew;
  const targets = wanted ? pickSkewTargets(cases, credentials) : [];
  let hint: Promise<SkewHint | undefined> | undefined;
  return pool(targets, run.concurrency, (target) => {
    const result = measureSkew({
      target,
      template: credentials.get(target.credential!)!.jwt!,
      mint: run.mint,
      send: (req) => sender.send(req),
      baseUrl: run.spec.baseUrl,
      hint,
    });
    // The first endpoint's result is every later one's hint; its failure fails the stage anyway.
    hint ??= result.then(
      (skew) =>
        skew.atLeast ? undefined : { seconds: skew.toleratedSeconds, endpoint: skew.endpoint },
      () => undefined,
    );
    return result;
  });
}

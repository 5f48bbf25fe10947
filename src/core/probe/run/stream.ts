import type { ProbeCase } from '../cases.js';
import type { Sender } from './execute.js';
import { FindingsCollector } from './findings.js';
import { caseResult } from './results.js';
import type { ProbeRun } from './setup.js';
import type { ProbeCaseResult } from './types.js';

/** What streaming the matrix leaves behind: one small result per case, the findings, one jku case. */
export interface Streamed {
  results: ProbeCaseResult[];
  collector: FindingsCollector;
  /** The first `jwt:jku` case, to name in the finding when the service fetched the attacker JWKS. */
  jkuCase?: ProbeCase;
}

/**
 * Sends the cases as `batches` yields them (one batch per endpoint), at most `concurrency` in
 * flight, and judges each answer at once, so neither the case (its request and tokens) nor the
 * answer (up to 64 KiB of body) is kept: memory stays bounded by the window, not the spec. After
 * the first failure (an unreachable service) no new case starts and the failure is thrown.
 */
export async function streamAndJudge(
  run: ProbeRun,
  sender: Sender,
  batches: AsyncIterable<ProbeCase[]>,
): Promise<Streamed> {
  const out: Streamed = { results: [], collector: new FindingsCollector(run.spec.baseUrl) };
  const queue = new CaseQueue(batches[Symbol.asyncIterator]());
  let seq = 0;
  let failed = false;
  const worker = async () => {
    while (!failed) {
      const c = queue.take() ?? (await queue.refill());
      if (!c) return;
      const at = seq++;
      if (c.id === 'jwt:jku') out.jkuCase ??= c;
      try {
        const res = await sender.send(c.request);
        sender.progress();
        out.results[at] = caseResult(c, res);
        out.collector.add(c, res, at);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: run.concurrency }, worker));
  return out;
}

/**
 * The cases of the current endpoint, taken one at a time with no promise per case (this runs for
 * every case of a run); the next endpoint's batch is built while these are sent, so the workers
 * do not all wait at each endpoint.
 */
export class CaseQueue {
  private batch: ProbeCase[] = [];
  private at = 0;
  private done = false;
  private pending: Promise<IteratorResult<ProbeCase[]>>;

  constructor(private readonly batches: AsyncIterator<ProbeCase[]>) {
    this.pending = this.fetch();
  }

  /** The next case of the current batch, if any is left. */
  take(): ProbeCase | undefined {
    return this.at < this.batch.length ? this.batch[this.at++] : undefined;
  }

  /** The next case once the next batch is built; undefined when every batch is taken. */
  async refill(): Promise<ProbeCase | undefined> {
    while (this.at >= this.batch.length) {
      if (this.done) return undefined;
      const pending = this.pending;
      const result = await pending;
      if (result.done) {
        this.done = true;
        return undefined;
      }
      // The first worker back moves on to the batch (and starts the next); the others take from it.
      if (this.pending === pending) {
        this.batch = result.value;
        this.at = 0;
        this.pending = this.fetch();
      }
    }
    return this.batch[this.at++];
  }

  private fetch(): Promise<IteratorResult<ProbeCase[]>> {
    const next = this.batches.next();
    // A failure is thrown to the worker that awaits it; a run that stops first never reads it.
    next.catch(() => {});
    return next;
  }
}

/**
 * `items` with its first item already being built: started before the controls are sent, the first
 * endpoint's cases (and most of the run's tokens, first minted there) are built while the controls'
 * answers are on their way. Read once, by the stream or, when a control fails, to list what did not run.
 */
export function started<T>(items: AsyncIterable<T>): AsyncIterable<T> {
  const iterator = items[Symbol.asyncIterator]();
  let first: Promise<IteratorResult<T>> | undefined = iterator.next();
  // A failure is the stream's, thrown when it is read, not an unhandled rejection meanwhile.
  first.catch(() => {});
  const next = () => {
    const result = first ?? iterator.next();
    first = undefined;
    return result;
  };
  return { [Symbol.asyncIterator]: () => ({ next }) };
}

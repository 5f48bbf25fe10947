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
 * Sends the cases as `cases` yields them, at most `concurrency` in flight, and judges each answer
 * at once, so neither the case (its request and tokens) nor the answer (up to 64 KiB of body) is
 * kept: memory stays bounded by the window, not the spec. After the first failure (an unreachable
 * service) no new case starts and the failure is thrown.
 */
export async function streamAndJudge(
  run: ProbeRun,
  sender: Sender,
  cases: AsyncIterable<ProbeCase>,
): Promise<Streamed> {
  const out: Streamed = { results: [], collector: new FindingsCollector(run.spec.baseUrl) };
  const iterator = cases[Symbol.asyncIterator]();
  let seq = 0;
  let failed = false;
  const worker = async () => {
    while (!failed) {
      const next = await iterator.next();
      if (next.done) return;
      const c = next.value;
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
 * `cases` with its first case already being built: started before the controls are sent, the first
 * endpoint's cases (and most of the run's tokens, first minted there) are built while the controls'
 * answers are on their way. Read once, by the stream or, when a control fails, to list what did not run.
 */
export function started(cases: AsyncIterable<ProbeCase>): AsyncIterable<ProbeCase> {
  const iterator = cases[Symbol.asyncIterator]();
  let first: Promise<IteratorResult<ProbeCase>> | undefined = iterator.next();
  // A failure is the stream's, thrown when it is read, not an unhandled rejection meanwhile.
  first.catch(() => {});
  const next = () => {
    const result = first ?? iterator.next();
    first = undefined;
    return result;
  };
  return { [Symbol.asyncIterator]: () => ({ next }) };
}

/** How often to re-ask while waiting out a bound: 50 looks per bound, between 100 ms and 5 s. */
export function pollInterval(withinMs: number): number {
  return Math.min(5_000, Math.max(100, Math.round(withinMs / 50)));
}

export interface PollOutcome<T> {
  /** `isDone` held on the last answer. */
  done: boolean;
  last: T;
  /** From `since` to the last answer (ms). */
  elapsedMs: number;
}

/**
 * Asks until `isDone(answer)` or the bound has passed since `since` (a `performance.now()` time),
 * asking at least once, so a bound of 0 means "on the next request". Sequential: one request at a
 * time, as a client retrying would.
 */
export async function pollUntil<T>(
  ask: () => Promise<T>,
  isDone: (answer: T) => boolean,
  options: { since: number; withinMs: number },
): Promise<PollOutcome<T>> {
  const interval = pollInterval(options.withinMs);
  for (;;) {
    const last = await ask();
    const elapsedMs = performance.now() - options.since;
    if (isDone(last)) return { done: true, last, elapsedMs };
    if (elapsedMs >= options.withinMs) return { done: false, last, elapsedMs };
    const wait = Math.min(interval, options.withinMs - elapsedMs);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

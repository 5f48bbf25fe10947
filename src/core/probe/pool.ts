/**
 * Runs `fn` over `items` with at most `limit` in flight; results in input order. After the first
 * failure no new item starts (an unreachable service must not be sent the rest of the matrix).
 */
export async function pool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      const index = next++;
      try {
        results[index] = await fn(items[index]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * At most `limit` holders at once; the others wait in arrival order. Every request of a run takes
 * one, so stages that run side by side (the stream and the skew bisections) share the run's
 * concurrency instead of adding theirs up.
 */
export class Slots {
  private held = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /**
   * Takes a slot: undefined when one was free (no promise to wait on: most requests of a run),
   * else a promise that resolves once one is handed over. Every acquire is followed by a release.
   */
  acquire(): Promise<void> | undefined {
    if (this.held < this.limit) {
      this.held++;
      return undefined;
    }
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    // The slot goes straight to the next waiter (held stays the same), else it is freed.
    const next = this.waiting.shift();
    if (next) next();
    else this.held--;
  }
}

/**
 * `build` over `items`, up to `depth` of them under way at once, each result yielded in input
 * order (a slow early item holds back the later ones' turn, not their building). A failure is
 * thrown when its turn comes; a reader that stops first never sees it.
 */
export async function* ahead<T, R>(
  items: readonly T[],
  depth: number,
  build: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  const building: Promise<R>[] = [];
  let next = 0;
  const fill = () => {
    for (; building.length < depth && next < items.length; next++) {
      const built = build(items[next]!);
      built.catch(() => {});
      building.push(built);
    }
  };
  fill();
  while (building.length) {
    const result = await building.shift()!;
    fill();
    yield result;
  }
}

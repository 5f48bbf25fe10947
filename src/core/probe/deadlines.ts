/** One request's deadline: `cancel` it when the request ends first. */
export interface Deadline {
  readonly at: number;
  expire: (() => void) | undefined;
}

/**
 * The deadlines of one client's requests, which all wait the same time: they expire in the order
 * they were set, so one timer (for the oldest) serves them all. A run sends thousands of requests,
 * and a timer per request (created, listed, cleared) cost more than the rest of its bookkeeping.
 */
export class Deadlines {
  private readonly queue: Deadline[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly waitMs: number) {}

  /** Calls `expire` after the wait, unless the deadline is cancelled first. */
  add(expire: () => void): Deadline {
    const deadline: Deadline = { at: performance.now() + this.waitMs, expire };
    this.compact();
    this.queue.push(deadline);
    this.timer ??= this.arm(this.waitMs);
    return deadline;
  }

  /** Requests end mostly in the order they started: the cancelled ones at the front are dropped now. */
  cancel(deadline: Deadline): void {
    deadline.expire = undefined;
    while (this.head < this.queue.length && !this.queue[this.head]!.expire) this.head++;
    if (this.head === this.queue.length) this.clear();
  }

  /**
   * Unref'd: an open request's socket keeps the process alive, and when the last one ends no
   * timer must hold it (a library caller's run would otherwise end `waitMs` late).
   */
  private arm(wait: number): NodeJS.Timeout {
    return setTimeout(() => this.sweep(), wait).unref();
  }

  /** Expires what is due, drops what was cancelled, and waits for the oldest left. */
  private sweep(): void {
    this.timer = undefined;
    const now = performance.now();
    while (this.head < this.queue.length) {
      const deadline = this.queue[this.head]!;
      if (deadline.expire && deadline.at > now) break;
      this.head++;
      const expire = deadline.expire;
      deadline.expire = undefined;
      expire?.();
    }
    this.compact();
    if (this.head < this.queue.length) {
      const wait = Math.max(1, Math.ceil(this.queue[this.head]!.at - now));
      this.timer = this.arm(wait);
    } else this.clear();
  }

  /** Behind a slow request, the ended ones are dropped once they are most of the queue. */
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Stops the timer and forgets every deadline (none is pending, or the client is closed). */
  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
    this.head = 0;
  }
}

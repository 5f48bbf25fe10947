/**
 * The issuer's access log: lines are gathered and written together, at most every FLUSH_MS or
 * every MAX_PENDING lines, whichever comes first. A write per request cost ~5% of a JWKS or
 * discovery answer under load, and one per event-loop turn still did, at tens of thousands of
 * requests a second (issue #17); a person reading the log cannot tell 50 ms from none.
 */
const FLUSH_MS = 50;
const MAX_PENDING = 1024;

export interface AccessLog {
  /** Adds one line (no newline). */
  line(text: string): void;
  /** Writes what is pending now (before the issuer's stop message, and when it stops). */
  flush(): void;
  /** Flushes and stops batching: no timer, no exit hook left behind; a later line is written at once. */
  close(): void;
}

export function batchedLog(
  write: (text: string) => void,
  style: (line: string) => string,
  /** The run's exit hook (`io.atExit`): registers, and returns its remover. */
  atExit: (last: () => void) => () => void,
): AccessLog {
  let pending: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  // After close() (a token answered while the server closed), nothing is left to flush it.
  let closed = false;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    write(text);
  };
  // A process that exits another way (an uncaught error) still writes its last lines.
  const removeExitHook = atExit(flush);
  return {
    line(text) {
      pending.push(`${style(text)}\n`);
      if (closed || pending.length >= MAX_PENDING) flush();
      // Unref'd: the log never keeps the process alive; the exit hook writes what is left.
      else if (!timer) timer = setTimeout(flush, FLUSH_MS).unref();
    },
    flush,
    close() {
      closed = true;
      flush();
      removeExitHook();
    },
  };
}

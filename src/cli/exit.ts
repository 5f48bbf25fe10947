/**
 * Ending the process without losing output. `process.exit()` drops whatever a pipe reader has not
 * taken yet (Node writes to pipes asynchronously), so `authctl probe --json | jq` used to get the
 * first 64-128 KiB. We wait until everything written so far has reached the OS, then exit: waiting
 * for the streams (rather than letting the event loop run dry) means no stray handle (a keep-alive
 * socket, a prompt's stdin) can keep a finished command alive.
 */

type OutStream = NodeJS.WritableStream & { destroyed?: boolean; writable?: boolean };

/** Resolves once every earlier write to `stream` is flushed (writes complete in order), or the stream is gone. */
export function drained(stream: OutStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writable === false) return resolve();
    // The callback runs after this empty write, hence after every write queued before it; it also runs
    // (with an error) when the reader has gone away, so this never waits on a closed pipe.
    stream.write('', () => resolve());
  });
}

/** What a shell reports for a command killed by SIGPIPE (128 + 13). */
export const EXIT_CLOSED_PIPE = 141;

/**
 * A reader that stops early (`authctl apikey list | head -1`) is not an error of ours: stop writing and
 * exit quietly instead of crashing on an unhandled EPIPE. A failure code set so far is kept; otherwise
 * 141, as for a shell tool killed by SIGPIPE: not 0, since not all output was delivered (and a probe
 * cut off by `| head` before it judged anything must not pass a `set -o pipefail` step).
 */
export function exitQuietlyOnClosedPipe(
  streams: OutStream[],
  status: () => number | undefined,
): void {
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(status() || EXIT_CLOSED_PIPE);
      throw error;
    });
  }
}

/** Exits with `code` once stdout and stderr have drained. */
export async function exitAfterDrain(code: number, streams: OutStream[]): Promise<never> {
  await Promise.all(streams.map(drained));
  process.exit(code);
}

import { EventEmitter } from 'node:events';
import { fstatSync, statSync, writeSync, type Stats } from 'node:fs';

/**
 * stdout and stderr for a command's output. On a pipe, a socket or a file they write straight to
 * the file descriptor: Node's own process.stdout for a pipe is a net.Socket, and making it loads the
 * net and stream modules, about 3.5 ms of every start (issue #17), for output that is a few hundred
 * bytes. A socket is what a Node parent's `stdio: 'pipe'` gives (execa, spawnSync, test runners).
 * /dev/null too (`2>/dev/null` in scripts), where Node's stream would load the stream modules.
 * A terminal, or anything else, gets Node's stream as before.
 *
 * Writes are synchronous, as Node's are to pipes and files on Linux and macOS, so nothing is left to
 * flush at exit. A pipe another process made non-blocking answers EAGAIN when full (a slow reader of
 * `authctl probe --json`): from then on the rest goes through Node's stream, which waits for the
 * reader, in order, and exitAfterDrain (exit.ts) waits for it.
 */
export function outputStream(fd: 1 | 2): NodeJS.WritableStream & { isTTY?: boolean } {
  const stream = () => (fd === 1 ? process.stdout : process.stderr);
  let kind: Stats;
  try {
    kind = fstatSync(fd);
  } catch {
    return stream();
  }
  return kind.isFIFO() || kind.isFile() || kind.isSocket() || isDevNull(kind)
    ? (new DescriptorWriter(fd, stream) as unknown as NodeJS.WritableStream)
    : stream();
}

/** A character device is a terminal or /dev/null; telling a terminal (node:tty) would load net. */
function isDevNull(kind: Stats): boolean {
  if (!kind.isCharacterDevice() || process.platform === 'win32') return false;
  try {
    return statSync('/dev/null').rdev === kind.rdev;
  } catch {
    return false;
  }
}

type Callback = (error?: Error | null) => void;

class DescriptorWriter extends EventEmitter {
  readonly isTTY = false;
  destroyed = false;
  writable = true;
  /** Node's stream, once the descriptor answered EAGAIN: everything after goes there. */
  private fallback?: NodeJS.WritableStream;

  constructor(
    private readonly fd: number,
    private readonly stream: () => NodeJS.WritableStream,
  ) {
    super();
  }

  write(chunk: string | Uint8Array, encodingOrCallback?: unknown, maybeCallback?: Callback) {
    const callback = (
      typeof encodingOrCallback === 'function' ? encodingOrCallback : maybeCallback
    ) as Callback | undefined;
    if (this.fallback) return this.fallback.write(chunk, callback);
    if (this.destroyed) return false;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let offset = 0;
    try {
      while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN')
        return this.handOver(bytes.subarray(offset), callback);
      return this.fail(error as Error, callback);
    }
    if (callback) process.nextTick(callback);
    return true;
  }

  private handOver(rest: Uint8Array, callback?: Callback): boolean {
    this.fallback = this.stream();
    this.fallback.on('error', (error) => this.emit('error', error));
    return this.fallback.write(rest, callback);
  }

  /** As Node's streams do: the error as an 'error' event (a closed pipe's EPIPE: exit.ts). */
  private fail(error: Error, callback?: Callback): false {
    this.destroyed = true;
    this.writable = false;
    process.nextTick(() => {
      callback?.(error);
      this.emit('error', error);
    });
    return false;
  }
}

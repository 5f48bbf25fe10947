import { usageError } from '../core/errors.js';
import { nodeFs } from '../core/node.js';
import type { Io } from './command.js';

type Input = NodeJS.ReadableStream & { isTTY?: boolean };

/** Marks standardInput()'s stand-in for process.stdin: readAll reads fd 0 itself. */
const FD0 = Symbol('fd 0');

/** All of a stream as bytes: one reader for every command that takes input on stdin. No heavy imports (start-up path). */
export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  if ((stream as { [FD0]?: boolean })[FD0]) return readFd0();
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

let input: Input | undefined;

/**
 * The process's standard input (main.ts asks on first use). A pipe, socket or file on fd 0 (a
 * shell's pipe is a FIFO, Node's spawn with `input` a socket pair) gets a stand-in whose isTTY is
 * false without making process.stdin, and which readAll reads with fs.read: the stream (a
 * net.Socket for a pipe) and its async iteration cost ~3-4 ms of CPU, a tenth of
 * `printf %s "$KEY" | authctl apikey verify` (issue #17). Anything else the stand-in is asked is
 * process.stdin's. A terminal or /dev/null (character devices) gets process.stdin itself.
 */
export function standardInput(): Input {
  return (input ??= readableFd0() ? fd0StandIn() : process.stdin);
}

function readableFd0(): boolean {
  try {
    const stat = nodeFs.fstatSync(0);
    return stat.isFIFO() || stat.isSocket() || stat.isFile();
  } catch {
    return false; // fd 0 closed: process.stdin reports it as it always has
  }
}

function fd0StandIn(): Input {
  const stdin = () => process.stdin as unknown as Record<PropertyKey, unknown>;
  return new Proxy({} as Input, {
    get(_, key) {
      if (key === FD0) return true;
      if (key === 'isTTY') return false;
      const value = Reflect.get(stdin(), key);
      return typeof value === 'function' ? value.bind(process.stdin) : value;
    },
    has: (_, key) => key === FD0 || key === 'isTTY' || key in stdin(),
    set: (_, key, value) => Reflect.set(stdin(), key, value),
  });
}

/**
 * fd 0 to its end; a non-blocking pipe or socket (EAGAIN) is left to process.stdin from where it
 * stopped. readSync: the commands reading stdin have nothing else to do until it ends, and fs.read's
 * callback would start libuv's thread pool for it (~1 ms of `printf %s "$KEY" | authctl apikey verify`).
 */
async function readFd0(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for (;;) {
    const buffer = Buffer.allocUnsafe(64 * 1024);
    let bytes: number;
    try {
      bytes = nodeFs.readSync(0, buffer, 0, buffer.length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      chunks.push(await readAll(process.stdin));
      return Buffer.concat(chunks);
    }
    if (bytes === 0) return Buffer.concat(chunks);
    chunks.push(buffer.subarray(0, bytes));
  }
}

/** A positional value, or stdin when it is `-` or missing and stdin is piped. */
export async function argumentOrStdin(
  io: Pick<Io, 'stdin'>,
  value: string | undefined,
  what: string,
): Promise<string> {
  if (value !== undefined && value !== '-') return value;
  if (value === undefined && io.stdin.isTTY) {
    throw usageError('ERR_MISSING_ARGUMENT', `no ${what} given`, {
      hint: `pass the ${what} as an argument, or pipe it on stdin (use - to read stdin)`,
    });
  }
  const text = (await readAll(io.stdin)).toString('utf8').trim();
  if (!text)
    throw usageError('ERR_MISSING_ARGUMENT', `no ${what} on stdin`, {
      hint: `pipe the ${what}, e.g. echo "$TOKEN" | authctl ...`,
    });
  return text;
}

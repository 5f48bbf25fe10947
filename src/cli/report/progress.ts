import type { CliContext } from '../context.js';

/** Draws the one progress line on stderr (`undefined` erases it). */
export type ProgressLine = (line: string | undefined) => void;

export interface Progress {
  /** `done` of `total` steps. */
  update(done: number, total: number): void;
  /** Erases the line, so what follows starts on a clean one. */
  done(): void;
}

const NONE: Progress = { update: () => {}, done: () => {} };
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)}s`;

/**
 * The progress line of this run, or undefined when none may be drawn: progress goes to stderr, only
 * on a terminal, never with --quiet or --json.
 */
export function progressLine(ctx: CliContext): ProgressLine | undefined {
  if (!ctx.io.stderr.isTTY || ctx.globals.quiet || ctx.globals.json) return undefined;
  return (line) => ctx.io.stderr.write(line === undefined ? '\r\x1b[2K' : `\r\x1b[2K  ${line}`);
}

/** A bar for counted work (a probe run): `label [#####.....] 120/400 1.3s`, redrawn at most every 80 ms. */
export function progressBar(draw: ProgressLine | undefined, label: string): Progress {
  if (!draw) return NONE;
  const started = Date.now();
  let last = 0;
  return {
    update(done, total) {
      const now = Date.now();
      if (done !== total && now - last <= 80) return;
      last = now;
      const filled = Math.round((done / Math.max(total, 1)) * 30);
      draw(`${label} [${'#'.repeat(filled).padEnd(30, '.')}] ${done}/${total} ${seconds(started)}`);
    },
    done: () => draw(undefined),
  };
}

/**
 * A spinner with the elapsed time for work without steps (RSA key generation, --online fetches).
 * Its timer is unref'd: it never keeps the process alive. Returns the function that stops it.
 */
export function spinner(draw: ProgressLine | undefined, label: string): () => void {
  if (!draw) return () => {};
  const started = Date.now();
  let frame = 0;
  // The first frame comes after 100 ms: quick work shows nothing, and a flash of text is noise.
  const timer = setInterval(
    () => draw(`${FRAMES[frame++ % FRAMES.length]} ${label} ${seconds(started)}`),
    100,
  );
  timer.unref();
  return () => {
    clearInterval(timer);
    if (frame) draw(undefined);
  };
}

/** Runs `work` with a spinner on stderr while it lasts (none for an empty label). */
export async function withSpinner<T>(
  draw: ProgressLine | undefined,
  label: string,
  work: () => Promise<T>,
): Promise<T> {
  const stop = spinner(label ? draw : undefined, label);
  try {
    return await work();
  } finally {
    stop();
  }
}

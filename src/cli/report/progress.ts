import type { CliContext } from '../context.js';

export interface Progress {
  /** `done` of `total` steps. */
  update(done: number, total: number): void;
  /** Erases the line, so what follows starts on a clean one. */
  done(): void;
}

const NONE: Progress = { update: () => {}, done: () => {} };
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Progress goes to stderr, only on a terminal, never with --quiet or --json. */
const shown = (ctx: CliContext, enabled: boolean) =>
  enabled && Boolean(ctx.io.stderr.isTTY) && !ctx.globals.quiet && !ctx.globals.json;
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)}s`;

/** A bar for counted work (a probe run): `label [#####.....] 120/400 1.3s`, redrawn at most every 80 ms. */
export function progressBar(ctx: CliContext, label: string, enabled = true): Progress {
  if (!shown(ctx, enabled)) return NONE;
  const started = Date.now();
  let last = 0;
  return {
    update(done, total) {
      const now = Date.now();
      if (done !== total && now - last <= 80) return;
      last = now;
      const filled = Math.round((done / Math.max(total, 1)) * 30);
      ctx.io.stderr.write(
        `\r\x1b[2K  ${label} [${'#'.repeat(filled).padEnd(30, '.')}] ${done}/${total} ${seconds(started)}`,
      );
    },
    done: () => ctx.io.stderr.write('\r\x1b[2K'),
  };
}

/**
 * A spinner with the elapsed time for work without steps (RSA key generation, --online fetches).
 * Its timer is unref'd: it never keeps the process alive. Returns the function that stops it.
 */
export function spinner(ctx: CliContext, label: string, enabled = true): () => void {
  if (!shown(ctx, enabled)) return () => {};
  const started = Date.now();
  let frame = 0;
  const draw = () =>
    ctx.io.stderr.write(
      `\r\x1b[2K  ${FRAMES[frame++ % FRAMES.length]} ${label} ${seconds(started)}`,
    );
  // The first frame comes after 100 ms: quick work shows nothing, and a flash of text is noise.
  const timer = setInterval(draw, 100);
  timer.unref();
  return () => {
    clearInterval(timer);
    if (frame) ctx.io.stderr.write('\r\x1b[2K');
  };
}

/** Runs `work` with a spinner on stderr while it lasts (none for an empty label). */
export async function withSpinner<T>(
  ctx: CliContext,
  label: string,
  work: () => Promise<T>,
): Promise<T> {
  const stop = spinner(ctx, label, label !== '');
  try {
    return await work();
  } finally {
    stop();
  }
}

import type { Deps as CoreDeps } from '../core/deps.js';
import path from 'node:path';
import type { ChalkInstance } from 'chalk';
import { Option, type Command } from 'commander';
import type { LoadedConfig } from '../core/config/load.js';
import { usageError } from '../core/errors.js';
import { progressLine, type ProgressLine } from './report/progress.js';
import type { CliContext } from './context.js';
import { examples, jsonText } from './output.js';
import type { GlobalOptions } from './types.js';

/**
 * The one shape of an authctl verb (issue #12 item 1), after cli/cli's `NewCmdX` + `xRun(opts)`:
 *
 * - `parse(values)` turns what commander read (positionals + every flag, read one way) into the verb's
 *   typed `Options`, doing *all* validation: a bad value is a usage error thrown here, before anything
 *   runs, and it is tested in-process (test/helpers/parse.ts) without spawning authctl.
 * - `run(opts, io, deps)` does the work and returns a `Result`: the value and its exit status. It
 *   prints nothing itself; status notes (stderr, silenced by --quiet) go through `io`.
 * - `render` turns the value into each format the verb offers; `declare` registers the verb and the
 *   CLI renders the Result in the chosen format (--format, --json, --output), in this file only.
 *
 * Exit status is a value: `Result.exitCode`, or a thrown AuthctlError (its kind fixes the code), both
 * reach `main.ts`, the one place that turns them into the process's exit code.
 */

/** Every output format a verb can offer; which ones it does is its `formats` list. */
export const FORMATS = ['text', 'json', 'github', 'sarif', 'junit', 'markdown', 'html'] as const;
export type Format = (typeof FORMATS)[number];

/** What commander read for one run: positionals in declaration order, flags merged with the globals. */
export interface Values<F> {
  args: unknown[];
  flags: F & Partial<GlobalOptions>;
}

/**
 * The verb's injected I/O: status notes on stderr and the input stream; never the result itself.
 * `E` is what a long-running verb shows while it runs (`emit`); `never` for the others.
 */
export interface Io<E = never> {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
  /** An error line for a run that still has a result to render (e.g. a report, then exit 3). */
  error(message: string, where?: string, hint?: string): void;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Whether stderr is a terminal (progress is only drawn there). */
  stderrIsTTY: boolean;
  /** Draws the progress line on stderr (undefined erases it); absent when none may be drawn. */
  progress?: ProgressLine;
  /** Whether stdout is a terminal (questions are only asked there). */
  stdoutIsTTY: boolean;
  /**
   * Raw stderr, for what a verb streams while it runs (an access log, a token shown once): not
   * silenced by --quiet, so the verb decides (status notes go through `info`).
   */
  stderr(text: string): void;
  /** Colours for what the verb writes to stderr itself (off unless stderr is a terminal). */
  statusColor: ChalkInstance;
  /**
   * Shows `event` on stdout now, rendered by the verb's `render.event` in the chosen format: what a
   * long-running verb prints before its run resolves (a server's ready line, a demo's steps).
   */
  emit(event: E): void;
  /**
   * For a `longRunning` verb: aborted, its reason the signal's name ('SIGINT', 'SIGTERM'), when the
   * process is told to stop; the run then stops what it started and resolves. Never aborted otherwise.
   */
  stop: AbortSignal;
  /**
   * Runs `last` (synchronous) if the process exits while the run lasts (process.exit, a crash): the
   * last resort that kills what the run started. Returns the function that removes it.
   */
  atExit(last: () => void): () => void;
}

/**
 * What a verb may use of the world, filled at the CLI edge (CliContext implements it): core's Deps
 * (clock, environment, cwd, fetch, randomness; src/core/deps.ts) plus the CLI's globals and config.
 */
export interface Deps extends CoreDeps {
  readonly globals: GlobalOptions;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  config(): Promise<LoadedConfig>;
  home(): Promise<string>;
}

/** What `run` returns: the value to render and the exit status (0 unless the check found problems). */
export interface Result<R> {
  value: R;
  /** See docs/output.md: 1 = the check ran and found problems. Usage/environment failures are thrown. */
  exitCode?: number;
}

export interface RenderContext {
  /** Colours for stdout (off when stdout is not a terminal). */
  color: ChalkInstance;
  /** Colours for stderr. */
  statusColor: ChalkInstance;
  verbose: boolean;
  cwd: string;
  /** The format being rendered (a `status` line may be only for text). */
  format: Format;
  /** Whether the rendering goes to a terminal (not a pipe, not a file). */
  terminal: boolean;
  /** Columns to lay a report out for: the terminal's, else $COLUMNS, else 120. */
  width: number;
}

/**
 * One renderer per format: `text` always; `json` defaults to the value itself (a `json` that returns
 * undefined prints nothing: a long-running verb whose document went out as an event).
 */
export type Renderers<R, E = never> = {
  text(value: R, rc: RenderContext): string;
  json?(value: R): unknown;
  /** A status line for stderr after a non-JSON rendering (e.g. a summary under a report). */
  status?(value: R, rc: RenderContext): string | undefined;
  /**
   * What went wrong, for stderr before the result, not silenced by --quiet, in every format (with
   * --json too, as for an error: docs/output.md), e.g. the refused controls of a probe run (exit 3).
   */
  stderr?(value: R, rc: RenderContext): string | undefined;
  /**
   * A long-running verb's events (`io.emit`), each on stdout as it happens: `text` in every format but
   * JSON; in JSON, `json`'s value as one line (JSON Lines, so a reader can take it as it comes), and
   * nothing for an event it returns undefined for (or when there is no `json`).
   */
  event?: { text(event: E, rc: RenderContext): string; json?(event: E): unknown };
} & Partial<Record<Exclude<Format, 'text' | 'json'>, (value: R, rc: RenderContext) => string>>;

/**
 * A verb that runs until it is stopped (a server, `demo --keep`): SIGINT and SIGTERM abort `io.stop`
 * while its run lasts. `repeat` says what a second signal does while it stops: `default` is Node's
 * (the process ends at once: the way out of a stop that hangs), `ignore` lets the stop finish (children
 * it started must not outlive it).
 */
export interface LongRunning {
  repeat: 'default' | 'ignore';
}

export interface Verb<F, O, R, E = never> {
  /** commander's name with positionals, e.g. `import <file>`. */
  name: string;
  summary: string;
  options?: Option[];
  /** Shown under "Examples:" in --help; the contract test requires at least one. */
  examples: string[];
  /** Report formats offered with --format (text and json always are); adds --format and -o/--output. */
  formats?: readonly Format[];
  /** Older names --format still accepts (`{ human: 'text' }`), not listed as choices. */
  formatAliases?: Readonly<Record<string, Format>>;
  /** Set for a verb that runs until stopped: see `LongRunning` and `Io.stop`. */
  longRunning?: LongRunning;
  parse(values: Values<F>): O | Promise<O>;
  run(opts: O, io: Io<E>, deps: Deps): Promise<Result<R>>;
  render: Renderers<R, E>;
}

/** Identity, for type inference: `export const list = verb({...})`. */
export function verb<F, O, R, E = never>(spec: Verb<F, O, R, E>): Verb<F, O, R, E> {
  return spec;
}

const EXIT_BRAND = Symbol.for('authctl.ExitStatus');

/**
 * Thrown once a result has been rendered with a non-zero exit status: not an error (nothing more is
 * printed), the status travelling to main.ts. Commands outside the shape throw it the same way.
 */
export class ExitStatus {
  // Branded like AuthctlError: `instanceof` holds across separately bundled chunks of dist/.
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && EXIT_BRAND in value;
  }
  readonly [EXIT_BRAND] = true;
  constructor(readonly code: number) {}
}

/** `--format` with the verb's formats, `-o/--output FILE`: the same flags in every report command. */
function outputOptions(
  formats: readonly Format[],
  aliases: Readonly<Record<string, Format>> = {},
): Option[] {
  const offered = [...new Set<Format>(['text', 'json', ...formats])];
  const older = Object.entries(aliases).map(([old, format]) => `${old} = ${format}`);
  const format = new Option(
    '--format <format>',
    `output format: ${offered.join(', ')} (--json = --format json${older.map((a) => `, ${a}`).join('')})`,
  )
    .choices(offered)
    .default('text');
  // An older name is accepted as the format it stands for, without being listed as a choice.
  const choose = format.parseArg!;
  if (older.length)
    format.argParser((value: string, previous: unknown) =>
      Object.hasOwn(aliases, value) ? aliases[value]! : choose(value, previous),
    );
  return [format, new Option('-o, --output <file>', 'write the report to FILE instead of stdout')];
}

/** Registers `spec` under `parent`: the only thing a group's `register` does for each verb. */
export function declare<F, O, R, E>(
  parent: Command,
  spec: Verb<F, O, R, E>,
  ctx: CliContext,
): Command {
  const command = parent.command(spec.name).description(spec.summary);
  const output = spec.formats ? outputOptions(spec.formats, spec.formatAliases) : [];
  for (const option of [...(spec.options ?? []), ...output]) command.addOption(option);
  command.addHelpText('after', examples(spec.examples));
  command.action(async (...received: unknown[]) => {
    const values = valuesOf<F>(received.at(-1) as Command);
    const opts = await spec.parse(values);
    const flags = values.flags as { format?: unknown; output?: unknown };
    const format = chosenFormat(spec, flags, ctx);
    const file = outputFile(spec, opts, flags);
    const result = await untilRun(spec.longRunning, (stop) =>
      spec.run(opts, ioOf(ctx, spec.render.event, format, stop), ctx),
    );
    await emit(ctx, spec, result, renderContext(ctx, format, file), file);
    if (result.exitCode) throw new ExitStatus(result.exitCode);
  });
  return command;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a list of verbs of different types
export type AnyVerb = Verb<any, any, any, any>;

/** Declares each verb of a group, in `--help` order. */
export function declareAll(parent: Command, verbs: AnyVerb[], ctx: CliContext): void {
  for (const spec of verbs) declare(parent, spec, ctx);
}

/** The one way flags are read: positionals as commander processed them, options merged with globals. */
export function valuesOf<F>(command: Command): Values<F> {
  return {
    args: [...command.processedArgs],
    flags: command.optsWithGlobals() as Values<F>['flags'],
  };
}

/** --json, else --format for a verb that offers formats (another verb's --format is its own flag). */
function chosenFormat(spec: AnyVerb, flags: { format?: unknown }, ctx: CliContext): Format {
  if (ctx.globals.json) return 'json';
  return spec.formats && typeof flags.format === 'string' ? (flags.format as Format) : 'text';
}

/**
 * `-o/--output FILE`, which `declare` writes the rendered result to: the verb's parsed `outputFile`
 * when its Options has one (a verb whose --output also accepts older values), else, for a verb that
 * offers formats, the flag as given. Another verb's --output is its own (`probe init` writes its file).
 */
function outputFile(spec: AnyVerb, opts: unknown, flags: { output?: unknown }): string | undefined {
  if (typeof opts === 'object' && opts !== null && 'outputFile' in opts)
    return (opts as { outputFile?: string }).outputFile;
  return spec.formats && typeof flags.output === 'string' ? flags.output : undefined;
}

/**
 * Runs `work` with the stop signal of a long-running verb: SIGINT/SIGTERM abort it while `work` lasts
 * (see LongRunning), and the handlers go when it settles. Other verbs get a signal never aborted.
 */
async function untilRun<T>(
  longRunning: LongRunning | undefined,
  work: (stop: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  if (!longRunning) return work(controller.signal);
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const off = () => signals.forEach((s) => process.off(s, onSignal));
  function onSignal(signal: NodeJS.Signals) {
    if (longRunning?.repeat === 'default') off();
    controller.abort(signal);
  }
  signals.forEach((s) => process.on(s, onSignal));
  try {
    return await work(controller.signal);
  } finally {
    off();
  }
}

type EventRenderer<E> = Renderers<unknown, E>['event'];

function ioOf<E>(
  ctx: CliContext,
  render: EventRenderer<E>,
  format: Format,
  stop: AbortSignal,
): Io<E> {
  const events = renderContext(ctx, format, undefined);
  return {
    info: (message) => ctx.out.info(message),
    warn: (message) => ctx.out.warn(message),
    debug: (message) => ctx.out.debug(message),
    error: (message, where, hint) => ctx.out.error(message, where, hint),
    get stdin() {
      return ctx.io.stdin; // on first use only (see main.ts)
    },
    stderrIsTTY: Boolean(ctx.io.stderr.isTTY),
    progress: progressLine(ctx),
    stdoutIsTTY: Boolean(ctx.io.stdout.isTTY),
    stderr: (text) => ctx.out.raw('stderr', text),
    statusColor: ctx.out.statusColor,
    emit: (event) => {
      const text = eventText(render, event, events);
      if (text) ctx.out.raw('stdout', text.endsWith('\n') ? text : `${text}\n`);
    },
    stop,
    atExit: (last) => {
      process.on('exit', last);
      return () => process.off('exit', last);
    },
  };
}

/** One event's text in the chosen format: JSON as one line (JSON Lines), else the `text` renderer. */
function eventText<E>(render: EventRenderer<E>, event: E, rc: RenderContext): string {
  if (!render) return '';
  if (rc.format !== 'json') return render.text(event, rc);
  const value = render.json?.(event);
  return value === undefined ? '' : jsonText(value, 0);
}

/** How to render for stdout, or for `file` (no colour, not a terminal). */
function renderContext(ctx: CliContext, format: Format, file: string | undefined): RenderContext {
  const terminal = !file && ctx.out.stdoutIsTTY;
  const columns = terminal ? (ctx.io.stdout as { columns?: number }).columns : undefined;
  const env = Number(ctx.env.COLUMNS);
  return {
    color: file ? ctx.out.plain : ctx.out.color,
    statusColor: ctx.out.statusColor,
    verbose: ctx.globals.verbose,
    cwd: ctx.cwd,
    format,
    terminal,
    width: columns && columns > 0 ? columns : env > 0 ? env : 120,
  };
}

/** Renders `result` in `rc.format`; to `file` when given (written atomically), else to stdout. */
async function emit<R, E>(
  ctx: CliContext,
  spec: Verb<unknown, unknown, R, E>,
  result: Result<R>,
  rc: RenderContext,
  file: string | undefined,
): Promise<void> {
  const problems = spec.render.stderr?.(result.value, rc);
  if (problems) ctx.out.raw('stderr', problems.endsWith('\n') ? problems : `${problems}\n`);
  const text = renderAs(spec.render, result.value, rc.format, rc);
  if (file) {
    const { writeFileAtomic } = await import('../core/fs/atomic.js');
    const target = path.resolve(ctx.cwd, file);
    await writeFileAtomic(target, text.endsWith('\n') || !text ? text : `${text}\n`);
    ctx.out.info(`wrote ${file}`);
  } else if (text) ctx.out.data(text);
  const status = spec.render.status?.(result.value, rc);
  if (status) ctx.out.info(status);
}

/** One format's rendering of `value` (exported for the renderers' own tests). */
export function renderAs<R, E>(
  render: Renderers<R, E>,
  value: R,
  format: Format,
  rc: RenderContext,
): string {
  if (format === 'json') {
    const doc = render.json ? render.json(value) : value;
    return doc === undefined ? '' : jsonText(doc);
  }
  if (format === 'text') return render.text(value, rc);
  const renderer = render[format];
  if (!renderer)
    throw usageError('ERR_BAD_FORMAT', `this command has no ${format} output`, {
      where: '--format',
      hint: 'run with --help to see the formats it offers',
    });
  return renderer(value, rc);
}

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
export const FORMATS = ['text', 'json', 'github', 'sarif', 'junit', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

/** What commander read for one run: positionals in declaration order, flags merged with the globals. */
export interface Values<F> {
  args: unknown[];
  flags: F & Partial<GlobalOptions>;
}

/** The verb's injected I/O: status notes on stderr and the input stream; never the result itself. */
export interface Io {
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
}

/** One renderer per format: `text` always; `json` defaults to the value itself. */
export type Renderers<R> = {
  text(value: R, rc: RenderContext): string;
  json?(value: R): unknown;
  /** A status line for stderr after a non-JSON rendering (e.g. a summary under a report). */
  status?(value: R, rc: RenderContext): string | undefined;
} & Partial<
  Record<'github' | 'sarif' | 'junit' | 'markdown', (value: R, rc: RenderContext) => string>
>;

export interface Verb<F, O, R> {
  /** commander's name with positionals, e.g. `import <file>`. */
  name: string;
  summary: string;
  options?: Option[];
  /** Shown under "Examples:" in --help; the contract test requires at least one. */
  examples: string[];
  /** Report formats offered with --format (text and json always are); adds --format and -o/--output. */
  formats?: readonly Format[];
  parse(values: Values<F>): O | Promise<O>;
  run(opts: O, io: Io, deps: Deps): Promise<Result<R>>;
  render: Renderers<R>;
}

/** Identity, for type inference: `export const list = verb({...})`. */
export function verb<F, O, R>(spec: Verb<F, O, R>): Verb<F, O, R> {
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
function outputOptions(formats: readonly Format[]): Option[] {
  const offered = [...new Set<Format>(['text', 'json', ...formats])];
  return [
    new Option('--format <format>', `output format: ${offered.join(', ')} (--json = --format json)`)
      .choices(offered)
      .default('text'),
    new Option('-o, --output <file>', 'write the report to FILE instead of stdout'),
  ];
}

/** Registers `spec` under `parent`: the only thing a group's `register` does for each verb. */
export function declare<F, O, R>(parent: Command, spec: Verb<F, O, R>, ctx: CliContext): Command {
  const command = parent.command(spec.name).description(spec.summary);
  const output = spec.formats ? outputOptions(spec.formats) : [];
  for (const option of [...(spec.options ?? []), ...output]) command.addOption(option);
  command.addHelpText('after', examples(spec.examples));
  command.action(async (...received: unknown[]) => {
    const values = valuesOf<F>(received.at(-1) as Command);
    const opts = await spec.parse(values);
    const result = await spec.run(opts, ioOf(ctx), ctx);
    const flags = values.flags as { format?: unknown; output?: unknown };
    await emit(ctx, spec, result, chosenFormat(spec, flags, ctx), outputFile(opts, flags));
    if (result.exitCode) throw new ExitStatus(result.exitCode);
  });
  return command;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a list of verbs of different types
export type AnyVerb = Verb<any, any, any>;

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
 * `-o/--output FILE`: the verb's parsed `outputFile` when its Options has one (a verb whose --output
 * also accepts older values), else the flag as given.
 */
function outputFile(opts: unknown, flags: { output?: unknown }): string | undefined {
  if (typeof opts === 'object' && opts !== null && 'outputFile' in opts)
    return (opts as { outputFile?: string }).outputFile;
  return typeof flags.output === 'string' ? flags.output : undefined;
}

function ioOf(ctx: CliContext): Io {
  return {
    info: (message) => ctx.out.info(message),
    warn: (message) => ctx.out.warn(message),
    debug: (message) => ctx.out.debug(message),
    error: (message, where, hint) => ctx.out.error(message, where, hint),
    stdin: ctx.io.stdin,
    stderrIsTTY: Boolean(ctx.io.stderr.isTTY),
    progress: progressLine(ctx),
    stdoutIsTTY: Boolean(ctx.io.stdout.isTTY),
  };
}

/** Renders `result` in `format`; to `file` when given (written atomically), else to stdout. */
async function emit<R>(
  ctx: CliContext,
  spec: Verb<unknown, unknown, R>,
  result: Result<R>,
  format: Format,
  file: string | undefined,
): Promise<void> {
  const rc: RenderContext = {
    color: file ? ctx.out.plain : ctx.out.color,
    statusColor: ctx.out.statusColor,
    verbose: ctx.globals.verbose,
    cwd: ctx.cwd,
    format,
    terminal: !file && ctx.out.stdoutIsTTY,
  };
  const text = renderAs(spec.render, result.value, format, rc);
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
export function renderAs<R>(render: Renderers<R>, value: R, format: Format, rc: RenderContext) {
  if (format === 'json') return jsonText(render.json ? render.json(value) : value);
  if (format === 'text') return render.text(value, rc);
  const renderer = render[format];
  if (!renderer)
    throw usageError('ERR_BAD_FORMAT', `this command has no ${format} output`, {
      where: '--format',
      hint: 'run with --help to see the formats it offers',
    });
  return renderer(value, rc);
}

import type { ChalkInstance } from 'chalk';
import { redactSecrets } from '../core/mask.js';
import { printable } from '../core/terminal.js';
import { plain } from './palette.js';
import type { CliIO, GlobalOptions } from './types.js';

interface Palettes {
  color: ChalkInstance;
  statusColor: ChalkInstance;
}

/**
 * All printing goes through here. Data meant for pipes goes alone on stdout; status goes to
 * stderr; `--json` prints exactly one JSON document on stdout.
 */
export class Output {
  /** No colours: for reports written to a file (--output). */
  readonly plain: ChalkInstance = plain;
  /**
   * Settles once the colours are ready: chalk is imported only when a stream gets colour (a
   * terminal, FORCE_COLOR), so a run in CI or into a pipe never loads it. `run()` awaits it first.
   */
  readonly ready: Promise<void>;
  private palettes?: Palettes;

  constructor(
    private readonly globals: GlobalOptions,
    private readonly io: CliIO,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    const stdout = colorEnabled(globals, io.stdout, env);
    const stderr = colorEnabled(globals, io.stderr, env);
    if (!stdout && !stderr) {
      this.palettes = { color: plain, statusColor: plain };
      this.ready = Promise.resolve();
    } else
      this.ready = import('chalk').then(({ Chalk }) => {
        this.palettes = {
          color: stdout ? new Chalk({ level: 1 }) : plain,
          statusColor: stderr ? new Chalk({ level: 1 }) : plain,
        };
      });
  }

  /** Colours for what goes to stdout (reports, results): `verify-config x.toml > report.txt` gets none. */
  get color(): ChalkInstance {
    return this.loaded().color;
  }

  /** Colours for what goes to stderr (status, warnings, errors). */
  get statusColor(): ChalkInstance {
    return this.loaded().statusColor;
  }

  private loaded(): Palettes {
    // A programming error, not a user's: whoever makes an Output awaits `ready` before printing.
    if (!this.palettes) throw new Error('Output: colours used before `await output.ready`');
    return this.palettes;
  }

  get json(): boolean {
    return this.globals.json;
  }

  get stdoutIsTTY(): boolean {
    return Boolean(this.io.stdout.isTTY);
  }

  /** A value for pipes (token, URL, key): stdout, on its own line. */
  data(text: string): void {
    this.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** The one JSON document of a --json run. */
  jsonDocument(value: unknown): void {
    this.io.stdout.write(`${jsonText(value)}\n`);
  }

  /** Status for humans on stderr; silenced by --quiet. */
  info(message: string): void {
    if (!this.globals.quiet) this.io.stderr.write(`${message}\n`);
  }

  warn(message: string): void {
    if (!this.globals.quiet)
      this.io.stderr.write(
        `${this.statusColor.yellow('warning:')} ${printable(redactSecrets(message))}\n`,
      );
  }

  /** Only with --verbose. */
  debug(message: string): void {
    if (this.globals.verbose) this.io.stderr.write(`${this.statusColor.dim(message)}\n`);
  }

  /** `authctl: error: <what> (<where>)` then `  hint: <how to fix>`; always on stderr. */
  error(message: string, where?: string, hint?: string): void {
    const c = this.statusColor;
    // Messages quote input files and services: no secret, no control character reaches the terminal.
    const safe = (s: string) => printable(redactSecrets(s));
    message = safe(message);
    where = where === undefined ? undefined : safe(where);
    hint = hint === undefined ? undefined : safe(hint);
    let text = `${c.red('authctl: error:')} ${message}${where ? ` (${where})` : ''}\n`;
    if (hint) text += `  ${c.cyan('hint:')} ${hint.replace(/\n/g, '\n  ')}\n`;
    this.io.stderr.write(text);
  }

  /**
   * The one way a failed run reports: with --json the `{"error":{code,message,hint}}` document on
   * stdout (so `... --json | jq` always has something to read), and the human line on stderr either way.
   */
  failure(failure: {
    code: string;
    message: string;
    where?: string;
    hint?: string;
    details?: Record<string, unknown>;
  }): void {
    const { code, message, where, hint, details } = failure;
    if (this.globals.json)
      this.jsonDocument({
        error: { code, message: redactSecrets(message), where, hint, ...details },
      });
    this.error(message, where, hint);
  }

  raw(stream: 'stdout' | 'stderr', text: string): void {
    this.io[stream].write(text);
  }
}

/**
 * A palette that never colours (files, reports written to disk). Cold command modules take it from
 * here, so they do not bundle a copy of their own (the hot file shares this module with them).
 */
export const noColor: ChalkInstance = plain;

/**
 * Whether one stream gets colour: never with --no-color or NO_COLOR (no-color.org: any non-empty value);
 * FORCE_COLOR forces it on, except 0/false which force it off (chalk's meaning); else only on a terminal.
 */
export function colorEnabled(
  globals: GlobalOptions,
  stream: { isTTY?: boolean },
  env: NodeJS.ProcessEnv,
): boolean {
  if (!globals.color || env.NO_COLOR) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  return Boolean(stream.isTTY);
}

/**
 * The text of a JSON document (no final newline), as every --json output and JSON report prints it;
 * `indent` 0 for one line (a long-running command's JSON Lines).
 */
export function jsonText(value: unknown, indent = 2): string {
  // JSON.stringify escapes C0 controls but not bidi overrides: escape those too (same value, and a
  // terminal showing the document is not tricked).
  return JSON.stringify(value, null, indent).replace(
    /[\u202A-\u202E\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16)}`,
  );
}

/** Left-aligned columns for listings. */
export function table(rows: string[][], header?: string[]): string {
  const all = header ? [header, ...rows] : rows;
  const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').length;
  const widths: number[] = [];
  for (const row of all)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visible(cell))));
  return all
    .map((row) =>
      row
        .map((cell, i) =>
          i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - visible(cell)),
        )
        .join('  '),
    )
    .join('\n');
}

/** Adds an "Examples:" section to a command's --help. */
export function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  ${line}`).join('\n')}\n`;
}

import type { ChalkInstance } from 'chalk';
import { Chalk } from 'chalk';
import { redactSecrets } from '../core/mask.js';
import { printable } from '../core/terminal.js';
import type { CliIO, GlobalOptions } from './context.js';

/**
 * All printing goes through here. Data meant for pipes goes alone on stdout; status goes to
 * stderr; `--json` prints exactly one JSON document on stdout.
 */
export class Output {
  readonly color: ChalkInstance;

  constructor(
    private readonly globals: GlobalOptions,
    private readonly io: CliIO,
  ) {
    const enabled = globals.color && !process.env.NO_COLOR && (Boolean(io.stderr.isTTY) || Boolean(process.env.FORCE_COLOR));
    this.color = new Chalk({ level: enabled ? 1 : 0 });
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
    // JSON.stringify escapes C0 controls but not bidi overrides: escape those too (same value, and a
    // terminal showing the document is not tricked).
    const text = JSON.stringify(value, null, 2).replace(/[\u202A-\u202E\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
    this.io.stdout.write(`${text}\n`);
  }

  /** Either the JSON document or the human rendering of a command's result. */
  result<T>(value: T, human: (value: T) => string, jsonValue: (value: T) => unknown = (v) => v): void {
    if (this.globals.json) this.jsonDocument(jsonValue(value));
    else {
      const text = human(value);
      if (text) this.data(text);
    }
  }

  /** Status for humans on stderr; silenced by --quiet. */
  info(message: string): void {
    if (!this.globals.quiet) this.io.stderr.write(`${message}\n`);
  }

  warn(message: string): void {
    if (!this.globals.quiet) this.io.stderr.write(`${this.color.yellow('warning:')} ${printable(redactSecrets(message))}\n`);
  }

  /** Only with --verbose. */
  debug(message: string): void {
    if (this.globals.verbose) this.io.stderr.write(`${this.color.dim(message)}\n`);
  }

  /** `authctl: error: <what> (<where>)` then `  hint: <how to fix>`; always on stderr. */
  error(message: string, where?: string, hint?: string): void {
    const c = this.color;
    // Messages quote input files and services: no secret, no control character reaches the terminal.
    const safe = (s: string) => printable(redactSecrets(s));
    message = safe(message);
    where = where === undefined ? undefined : safe(where);
    hint = hint === undefined ? undefined : safe(hint);
    let text = `${c.red('authctl: error:')} ${message}${where ? ` (${where})` : ''}\n`;
    if (hint) text += `  ${c.cyan('hint:')} ${hint.replace(/\n/g, '\n  ')}\n`;
    this.io.stderr.write(text);
  }

  raw(stream: 'stdout' | 'stderr', text: string): void {
    this.io[stream].write(text);
  }
}

/** Left-aligned columns for listings. */
export function table(rows: string[][], header?: string[]): string {
  const all = header ? [header, ...rows] : rows;
  const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').length;
  const widths: number[] = [];
  for (const row of all) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visible(cell))));
  return all
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - visible(cell)))).join('  '))
    .join('\n');
}

/** Adds an "Examples:" section to a command's --help. */
export function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  ${line}`).join('\n')}\n`;
}

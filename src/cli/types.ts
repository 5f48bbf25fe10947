/**
 * Types shared by the CLI's context and its output: in their own file so that context.ts and
 * output.ts do not import each other (issue #12: no type cycles).
 */

export interface GlobalOptions {
  config?: string;
  home?: string;
  /** `--json`, or `--format json`: one JSON document on stdout, errors included. */
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  color: boolean;
}

export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

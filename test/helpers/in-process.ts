import { PassThrough, Readable } from 'node:stream';
import { CliContext, type DepsOverrides, type GlobalOptions } from '../../src/cli/context.js';
import { run } from '../../src/cli/main.js';

(globalThis as Record<string, unknown>).__AUTHCTL_VERSION__ ??= '0.0.0-test';

export interface InProcessOptions {
  cwd: string;
  env?: Record<string, string>;
  input?: string;
  /** Deps the run uses instead of the real ones: a fixed clock, a fake fetch. */
  deps?: DepsOverrides;
}

/**
 * Runs the CLI in this process (no spawn), stdout and stderr captured, with the Deps a test hands
 * in: how tests set the clock without a test-only environment variable.
 */
export async function runInProcess(args: string[], options: InProcessOptions) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const globals: GlobalOptions = {
    json: args.includes('--json'),
    quiet: false,
    verbose: false,
    color: false,
  };
  const stdin = Readable.from(options.input === undefined ? [] : [options.input]);
  const env = { NO_COLOR: '1', ...options.env };
  const ctx = new CliContext(globals, { stdout, stderr, stdin }, env, options.cwd, options.deps);
  // Until exit status is a value (issue #12 item 2), commands report it through process.exitCode:
  // start each run from none and leave none behind for the test runner.
  process.exitCode = undefined;
  try {
    const code = await run(ctx, args);
    return { code, stdout: out, stderr: err };
  } finally {
    process.exitCode = undefined;
  }
}

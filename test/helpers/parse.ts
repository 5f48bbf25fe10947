import { PassThrough } from 'node:stream';
import { declare, type AnyVerb } from '../../src/cli/command.js';
import { CliContext } from '../../src/cli/context.js';
import { buildProgram } from '../../src/cli/main.js';

/** In-memory streams, so a test reads what a run printed without spawning authctl. */
export function memoryIo() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  return { io: { stdout, stderr, stdin }, stdout: () => out, stderr: () => err };
}

const PARSED = Symbol('parsed');

/**
 * The Options a verb's `parse` makes of `argv` (flags after the verb name), in-process: commander
 * parses them exactly as `authctl GROUP VERB ...argv` would (global flags included), then `run` is
 * replaced by a catcher, so nothing runs. Throws what parsing throws (usage errors).
 */
export async function parseVerb<O>(spec: AnyVerb, argv: string[] = []): Promise<O> {
  const { io } = memoryIo();
  const ctx = new CliContext(
    { json: false, quiet: true, verbose: false, color: false },
    io,
    {},
    process.cwd(),
  );
  const program = buildProgram(ctx);
  let parsed: O | undefined;
  declare(
    program.command('group'),
    {
      ...spec,
      run: async (opts: O) => {
        parsed = opts;
        // Stop here: nothing is rendered or written (an --output FILE among the flags included).
        throw PARSED;
      },
      render: { text: () => '' },
    },
    ctx,
  );
  const verbName = spec.name.split(' ')[0]!;
  try {
    await program.parseAsync(['group', verbName, ...argv], { from: 'user' });
  } catch (error) {
    if (error !== PARSED) throw error;
  }
  return parsed as O;
}

/**
 * Runs `authctl ...args` in this process (main.ts's `run`, the same code the binary runs) with
 * in-memory streams: for contract tests over many commands, where a process per case would be slow.
 */
export async function runInProcess(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { run, readGlobals } = await import('../../src/cli/main.js');
  const memory = memoryIo();
  const env = { NO_COLOR: '1', ...options.env };
  if (options.input !== undefined) {
    memory.io.stdin.isTTY = false as true;
    memory.io.stdin.end(options.input);
  }
  const ctx = new CliContext(readGlobals(args, env), memory.io, env, options.cwd ?? process.cwd());
  const code = await run(ctx, args);
  return { code, stdout: memory.stdout(), stderr: memory.stderr() };
}

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
        return { value: undefined };
      },
      render: { text: () => '' },
    },
    ctx,
  );
  const verbName = spec.name.split(' ')[0]!;
  await program.parseAsync(['group', verbName, ...argv], { from: 'user' });
  return parsed as O;
}

import { describe, expect, it } from 'vitest';
import { declare, ExitStatus, verb } from '../../src/cli/command.js';
import { CliContext } from '../../src/cli/context.js';
import { buildProgram } from '../../src/cli/main.js';
import { memoryIo } from '../helpers/parse.js';

/**
 * The long-running verb channel of command.ts (io.emit + render.event, io.stderr, render.stderr,
 * io.stop), with a toy verb run in-process: what reaches stdout and stderr, and when.
 */
function harness(globals: { json?: boolean; quiet?: boolean } = {}) {
  const memory = memoryIo();
  const ctx = new CliContext(
    { json: false, quiet: false, verbose: false, color: false, ...globals },
    memory.io,
    {},
    process.cwd(),
  );
  const program = buildProgram(ctx);
  const seen: { stdoutWhileRunning?: string; stopAborted?: boolean } = {};
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const toy = verb({
    name: 'toy',
    summary: 'a toy long-running verb',
    examples: ['authctl group toy'],
    longRunning: { repeat: 'default' },
    parse: () => ({}),
    async run(_opts, io) {
      io.emit('started');
      io.emit('ready');
      io.stderr('a raw stderr line\n');
      io.info('a status note');
      seen.stopAborted = io.stop.aborted;
      await released;
      return { value: { n: 2 }, exitCode: 1 };
    },
    render: {
      text: ({ n }) => `done after ${n} events`,
      json: ({ n }) => ({ n }),
      stderr: () => 'what went wrong',
      event: {
        text: (event: string) => `event ${event}`,
        json: (event: string) => (event === 'ready' ? { ready: true, bidi: '\u202E' } : undefined),
      },
    },
  });
  declare(program.command('group'), toy, ctx);
  const done = program.parseAsync(['group', 'toy'], { from: 'user' }).then(
    () => 0,
    (error: unknown) => (error instanceof ExitStatus ? error.code : Promise.reject(error)),
  );
  return {
    memory,
    seen,
    // Reads stdout while the run still waits, then lets it finish.
    async finish(): Promise<number> {
      for (let i = 0; i < 1000 && !memory.stdout().includes('\n'); i++)
        await new Promise((r) => setImmediate(r));
      seen.stdoutWhileRunning = memory.stdout();
      release();
      return done;
    },
  };
}

describe('long-running verbs: events as they happen, then the result', () => {
  it('text: each event on stdout before the run resolves, then the result; raw stderr is not --quiet', async () => {
    const run = harness({ quiet: true });
    expect(await run.finish()).toBe(1);
    expect(run.seen.stdoutWhileRunning).toBe('event started\nevent ready\n');
    expect(run.seen.stopAborted).toBe(false);
    expect(run.memory.stdout()).toBe('event started\nevent ready\ndone after 2 events\n');
    // --quiet silences the status note, not what the verb streams or what went wrong.
    expect(run.memory.stderr()).toBe('a raw stderr line\nwhat went wrong\n');
  });

  it('--json: an event is one JSON line (bidi escaped), the result document follows; the problem line stays on stderr', async () => {
    const run = harness({ json: true });
    expect(await run.finish()).toBe(1);
    expect(run.seen.stdoutWhileRunning).toBe('{"ready":true,"bidi":"\\u202e"}\n');
    const [line, ...rest] = run.memory.stdout().split('\n');
    expect(JSON.parse(line!)).toEqual({ ready: true, bidi: '\u202E' });
    expect(JSON.parse(rest.join('\n'))).toEqual({ n: 2 });
    expect(run.memory.stderr()).toContain('what went wrong\n');
  });
});

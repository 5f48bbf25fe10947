import { Option, type Command } from 'commander';
import type { ErrorCode } from '../core/error-codes.js';
import { EXIT_CODES, usageError } from '../core/errors.js';
import type { DemoResult, DemoStep } from '../core/demo/run.js';
import { DEMO_EXAMPLES, type DemoExample } from '../core/demo/scenarios.js';
import { closest } from '../core/suggest.js';
import type { CliContext } from './context.js';
import { declare, verb, type Deps, type Io, type RenderContext, type Result } from './command.js';

const EXIT_HELP = `
Exit codes:
  0  every step behaved as a secured service must (401 without and with a forged token, 2xx with a valid one, probe passed)
  1  a step did not (the transcript says which)
  2  bad flag
  3  the example service or the issuer could not start
`;

export interface DemoOptions {
  example: DemoExample;
  keep: boolean;
}

/** What the demo shows as it runs: its title, each step, then the outcome (the --json document). */
export type DemoEvent =
  | { kind: 'start'; example: DemoExample }
  | { kind: 'step'; step: DemoStep }
  | { kind: 'done'; result: DemoResult; keep: boolean };

function parseExample(value: string): DemoExample {
  if ((DEMO_EXAMPLES as readonly string[]).includes(value)) return value as DemoExample;
  const suggestion = closest(value, [...DEMO_EXAMPLES]);
  throw usageError('ERR_DEMO_EXAMPLE', `unknown example "${value}"`, {
    where: '--example',
    hint: suggestion ? `did you mean "${suggestion}"?` : `one of ${DEMO_EXAMPLES.join(', ')}`,
  });
}

/**
 * Runs the example; with --keep, leaves it running until Ctrl-C. Children must not outlive us: a
 * signal during the run stops the service and the issuer at once (runDemo then rejects: exit 130),
 * and while --keep waits it ends the wait.
 */
async function runDemoVerb(
  opts: DemoOptions,
  io: Io<DemoEvent>,
  deps: Deps,
): Promise<Result<undefined>> {
  const { example } = opts;
  io.emit({ kind: 'start', example });
  const { runDemo } = await import('../core/demo/run.js');
  let result: DemoResult | undefined;
  const removeLastResort = io.atExit(() => result?.killNow());
  try {
    const home = deps.globals.home ? await deps.home() : undefined;
    const onStep = (step: DemoStep) => io.emit({ kind: 'step', step });
    try {
      result = await runDemo({ example, home, env: deps.env, onStep, signal: io.stop });
    } catch (error) {
      // runDemo has cleaned up before rejecting.
      if (!io.stop.aborted) throw error;
    }
    if (!result || io.stop.aborted) return { value: undefined, exitCode: 130 };
    io.emit({ kind: 'done', result, keep: opts.keep });
    if (opts.keep) {
      io.info(
        `kept running: issuer ${result.urls.issuer ?? '(none)'}, ${example} ${result.urls.service}. Press Ctrl-C to stop.`,
      );
      await new Promise((resolve) => io.stop.addEventListener('abort', resolve, { once: true }));
    }
    if (result.ok) return { value: undefined };
    // The transcript (its `error` included) was the one --json document: the line goes to stderr.
    const { message, where, hint } = stepsFailed(example);
    io.error(message, where, hint);
    return { value: undefined, exitCode: EXIT_CODES.check };
  } finally {
    await result?.close();
    removeLastResort();
  }
}

/** A step did not behave as a secured service must: exit 1, the transcript says which. */
const stepsFailed = (example: DemoExample) => ({
  code: 'ERR_DEMO_STEP_FAILED' satisfies ErrorCode,
  message: `the ${example} example did not behave as expected`,
  where: `authctl demo --example ${example}`,
  hint: 'see the steps marked ✗ above',
});

function stepText(s: DemoStep, { color: c }: RenderContext): string {
  const mark = s.ok === undefined ? '' : s.ok ? ` ${c.green('✓')}` : ` ${c.red('✗')}`;
  const lines = [`${c.bold(`${s.n}. ${s.title}`)}${mark}`];
  if (s.command) lines.push(`   ${c.dim('$')} ${c.cyan(s.command)}`);
  for (const r of s.result) lines.push(`   ${r}`);
  return `${lines.join('\n')}\n`;
}

function doneText(result: DemoResult, { color: c }: RenderContext): string {
  const failed = result.steps.filter((s) => s.ok === false);
  const next =
    result.example === 'datapress'
      ? 'authctl demo --example k3'
      : 'authctl demo --example datapress';
  return [
    failed.length
      ? c.red(
          `${failed.length} step(s) did not behave as expected: ${failed.map((s) => s.n).join(', ')}`,
        )
      : c.green('Every step behaved as a secured service must.'),
    `Next: ${next} · authctl --help · the examples: examples/README.md`,
  ].join('\n');
}

function eventText(event: DemoEvent, rc: RenderContext): string {
  const c = rc.color;
  if (event.kind === 'start')
    return `${c.bold(`authctl demo: ${event.example}`)} — everything below runs locally on free loopback ports\n`;
  if (event.kind === 'step') return stepText(event.step, rc);
  return doneText(event.result, rc);
}

/** `authctl demo`: a long-running verb whose output is its events; the run's own result is empty. */
export const demo = verb({
  name: 'demo',
  summary:
    'see authctl work end to end: mock issuer + an example service on free ports, a token, three calls, the probe',
  options: [
    new Option('--example <name>', `which example service: ${DEMO_EXAMPLES.join(', ')}`).default(
      'datapress',
    ),
    new Option('--keep', 'leave the issuer and the service running until Ctrl-C'),
  ],
  examples: [
    'authctl demo',
    'authctl demo --example k3',
    'authctl demo --example recsys --keep',
    'authctl demo --json | jq .steps[].title',
  ],
  longRunning: { repeat: 'ignore' },
  parse: ({ flags }: { flags: { example: string; keep?: boolean } }): DemoOptions => ({
    example: parseExample(flags.example),
    keep: flags.keep === true,
  }),
  run: runDemoVerb,
  render: {
    text: () => '',
    json: () => undefined,
    event: {
      text: eventText,
      json: (event) =>
        event.kind === 'done'
          ? {
              example: event.result.example,
              ok: event.result.ok,
              urls: event.result.urls,
              steps: event.result.steps,
              kept: event.keep,
              ...(event.result.ok ? {} : { error: stepsFailed(event.result.example) }),
            }
          : undefined,
    },
  },
});

export function register(program: Command, ctx: CliContext): void {
  declare(program, demo, ctx).addHelpText('after', EXIT_HELP);
}

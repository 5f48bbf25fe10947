import type { Command } from 'commander';
import { checkError, usageError } from '../core/errors.js';
import type { DemoResult, DemoStep } from '../core/demo/run.js';
import { DEMO_EXAMPLES, type DemoExample } from '../core/demo/scenarios.js';
import { closest } from '../core/suggest.js';
import type { CliContext } from './context.js';
import { examples } from './output.js';
import { ExitStatus } from './command.js';

interface DemoFlags {
  example: string;
  keep?: boolean;
}

const EXIT_HELP = `
Exit codes:
  0  every step behaved as a secured service must (401 without and with a forged token, 2xx with a valid one, probe passed)
  1  a step did not (the transcript says which)
  2  bad flag
  3  the example service or the issuer could not start
`;

export function register(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description(
      'see authctl work end to end: mock issuer + an example service on free ports, a token, three calls, the probe',
    )
    .option('--example <name>', `which example service: ${DEMO_EXAMPLES.join(', ')}`, 'datapress')
    .option('--keep', 'leave the issuer and the service running until Ctrl-C')
    .addHelpText(
      'after',
      examples([
        'authctl demo',
        'authctl demo --example k3',
        'authctl demo --example recsys --keep',
        'authctl demo --json | jq .steps[].title',
      ]) + EXIT_HELP,
    )
    .action((flags: DemoFlags) => runDemoCommand(ctx, flags));
}

function parseExample(value: string): DemoExample {
  if ((DEMO_EXAMPLES as readonly string[]).includes(value)) return value as DemoExample;
  const suggestion = closest(value, [...DEMO_EXAMPLES]);
  throw usageError('ERR_DEMO_EXAMPLE', `unknown example "${value}"`, {
    where: '--example',
    hint: suggestion ? `did you mean "${suggestion}"?` : `one of ${DEMO_EXAMPLES.join(', ')}`,
  });
}

async function runDemoCommand(ctx: CliContext, flags: DemoFlags): Promise<void> {
  const example = parseExample(flags.example);
  const { runDemo } = await import('../core/demo/run.js');
  const c = ctx.out.color;
  const print = (s: DemoStep) => {
    if (ctx.out.json) return;
    const mark = s.ok === undefined ? '' : s.ok ? ` ${c.green('✓')}` : ` ${c.red('✗')}`;
    const lines = [`${c.bold(`${s.n}. ${s.title}`)}${mark}`];
    if (s.command) lines.push(`   ${c.dim('$')} ${c.cyan(s.command)}`);
    for (const r of s.result) lines.push(`   ${r}`);
    ctx.out.data(`${lines.join('\n')}\n`);
  };
  if (!ctx.out.json)
    ctx.out.data(
      `${c.bold(`authctl demo: ${example}`)} — everything below runs locally on free loopback ports\n`,
    );

  // Children must not outlive us: Ctrl-C (or SIGTERM) during the run stops the service and the
  // issuer at once (the run then rejects), and while --keep waits it ends the wait.
  let result: DemoResult | undefined;
  let interrupted = false;
  let stopKeeping: (() => void) | undefined;
  const abort = new AbortController();
  const onSignal = () => {
    interrupted = true;
    abort.abort();
    stopKeeping?.();
  };
  const onExit = () => result?.killNow();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', onExit);
  try {
    const home = ctx.globals.home ? await ctx.home() : undefined;
    try {
      result = await runDemo({ example, home, env: ctx.env, onStep: print, signal: abort.signal });
    } catch (error) {
      // runDemo has cleaned up before rejecting.
      if (!interrupted) throw error;
    }
    if (!result || interrupted) {
      throw new ExitStatus(130);
    }
    if (ctx.out.json) {
      ctx.out.jsonDocument({
        example: result.example,
        ok: result.ok,
        urls: result.urls,
        steps: result.steps,
        kept: Boolean(flags.keep),
      });
    } else {
      const failed = result.steps.filter((s) => s.ok === false);
      ctx.out.data(
        failed.length
          ? c.red(
              `${failed.length} step(s) did not behave as expected: ${failed.map((s) => s.n).join(', ')}`,
            )
          : c.green('Every step behaved as a secured service must.'),
      );
      ctx.out.data(
        `Next: ${example === 'datapress' ? 'authctl demo --example k3' : 'authctl demo --example datapress'} · authctl --help · the examples: examples/README.md`,
      );
    }
    if (flags.keep && !interrupted) {
      ctx.out.info(
        `kept running: issuer ${result.urls.issuer ?? '(none)'}, ${example} ${result.urls.service}. Press Ctrl-C to stop.`,
      );
      await new Promise<void>((resolve) => (stopKeeping = resolve));
    }
    if (!result.ok)
      throw checkError(
        'ERR_DEMO_STEP_FAILED',
        `the ${example} example did not behave as expected`,
        { where: `authctl demo --example ${example}`, hint: 'see the steps marked ✗ above' },
      );
  } finally {
    await result?.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', onExit);
  }
}

import { Command, CommanderError, Option } from 'commander';
import { AuthctlError, EXIT_CODES } from '../core/errors.js';
import { closest } from '../core/suggest.js';
import { ExitStatus } from './command.js';
import { COMMAND_GROUPS, findGroup } from './commands.js';
import { CliContext, type GlobalOptions } from './context.js';
import { exitAfterDrain, exitQuietlyOnClosedPipe } from './exit.js';
import { joinDashValues } from './dash-values.js';
import { flagNamer } from './fields.js';
import { outputStream } from './stdio.js';
import { examples } from './output.js';
import { standardInput } from './stdin.js';
import { authctlVersion } from './version.js';

const EXIT_CODE_HELP = `
Exit codes:
  0  success
  1  the check ran and found problems (invalid config, token rejected, probe finding)
  2  usage or input error (bad flag, unreadable or unparsable file)
  3  environment or network error (port in use, issuer unreachable)

Environment:
  AUTHCTL_HOME   keystore directory (overridden by --home)
  AUTHCTL_CONFIG_FILE, AUTHCTL_CONFIG_INLINE
                 the config file, or a whole config (TOML or JSON), when --config is not given
  AUTHCTL_DEBUG  set to 1 to print stack traces on errors
  AUTHCTL_NO_COMPILE_CACHE
                 set to 1 to keep no V8 code cache in $XDG_CACHE_HOME/authctl (docs/performance.md)
  NO_COLOR       disable colour (FORCE_COLOR=1 forces it, FORCE_COLOR=0 disables it)
`;

/** Global options that take a value: needed to find the command name in argv before parsing. */
const VALUE_OPTIONS = new Set(['--config', '--home']);

function firstPositional(args: string[]): { name?: string; next?: string } {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return { name: args[i + 1] };
    if (VALUE_OPTIONS.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith('-')) continue;
    return { name: arg, next: args.slice(i + 1).find((a) => !a.startsWith('-')) };
  }
  return {};
}

export function readGlobals(argv: string[], env: NodeJS.ProcessEnv): GlobalOptions {
  const value = (flag: string) => {
    const index = argv.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
    if (index < 0) return undefined;
    const arg = argv[index]!;
    return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[index + 1];
  };
  const has = (flag: string) => argv.includes(flag);
  return {
    config: value('--config'),
    home: value('--home'),
    // --format json is --json: usage and runtime errors are a JSON document too.
    json: has('--json') || value('--format') === 'json',
    quiet: has('--quiet') || has('-q'),
    verbose: has('--verbose') || has('-v') || env.AUTHCTL_DEBUG === '1',
    color: !has('--no-color') && !env.NO_COLOR,
  };
}

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('authctl')
    .description(
      'Mint and verify JWTs, run a mock OIDC issuer, manage API keys, sign AWS SigV4 requests and probe services for correct 401/403 behaviour.',
    )
    .version(authctlVersion(), '-V, --version', 'print the version')
    .option(
      '--config <file>',
      'use this config file instead of searching for authctl.toml / .authctlrc*',
    )
    .option(
      '--home <dir>',
      'keystore directory (default: $AUTHCTL_HOME, else .authctl/ beside the config)',
    )
    .option('--json', 'print one JSON document on stdout')
    .option('-q, --quiet', 'print only results, no status messages')
    .option('-v, --verbose', 'more detail, and stack traces on errors')
    .option('--no-color', 'disable colour (also NO_COLOR=1)')
    .showSuggestionAfterError(true)
    .showHelpAfterError(false)
    .enablePositionalOptions(false)
    .addHelpText(
      'after',
      examples([
        'authctl demo                                   # see everything work, no config needed',
        'authctl token mint --sub alice --aud api://orders',
        'authctl idp serve --port 9400',
        'authctl verify-config authctl.toml',
        'authctl apikey create --name ci',
        'authctl sign GET https://bucket.s3.amazonaws.com/key --region us-east-1 --service s3',
        'authctl probe --spec probe.toml',
      ]) + EXIT_CODE_HELP,
    );
  program.exitOverride();
  program.configureOutput({
    writeOut: (text) => ctx.io.stdout.write(text),
    writeErr: (text) => ctx.io.stderr.write(text),
    // Commander's own printing is skipped: the CommanderError it then throws carries the same text and
    // its code, and renderError reports it like every other failure (so --json gets its document too).
    outputError: () => {},
  });
  return program;
}

/** Only on a usage error: the catalogue (error-codes.ts) is not on the hot path. */
async function commanderFailure(error: CommanderError) {
  const { isErrorCode } = await import('../core/error-codes.js');
  // Commander says "error: unknown option '--fo'\n(Did you mean --foo?)": make it our one-line form.
  const [first, ...rest] = error.message.trim().split('\n');
  const message = first!.replace(/^error:\s*/, '');
  const suggestion = rest
    .join(' ')
    .replace(/^\(|\)$/g, '')
    .trim();
  // commander.unknownOption -> ERR_UNKNOWN_OPTION, the shape of authctl's own codes.
  const code = `ERR_${error.code
    .replace(/^commander\./, '')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toUpperCase()}`;
  return {
    code: isErrorCode(code) ? code : 'ERR_ERROR',
    message,
    hint: suggestion || 'run with --help to see the usage',
  };
}

/** Applies commander settings to every command so subcommands behave like the root. */
function configureTree(command: Command, parent: Command): void {
  for (const sub of command.commands) {
    sub.exitOverride();
    sub.showSuggestionAfterError(true);
    sub.configureOutput(parent.configureOutput());
    configureTree(sub, parent);
  }
}

export async function main(argv: string[]): Promise<never> {
  const args = argv.slice(2);
  const [stdout, stderr] = [outputStream(1), outputStream(2)];
  const ctx = new CliContext(
    readGlobals(args, process.env),
    {
      stdout,
      stderr,
      // Made on first use: only for the commands that read it (stdin.ts).
      get stdin() {
        return standardInput();
      },
    },
    process.env,
    process.cwd(),
  );
  // The status is known once run() returns: a pipe closed before that ends with 141 (see exit.ts).
  const status: { code?: number } = {};
  exitQuietlyOnClosedPipe([stdout, stderr], () => status.code);
  status.code = await run(ctx, args);
  return exitAfterDrain(status.code, [stdout, stderr]);
}

/**
 * Runs authctl with `args`; returns the exit code. Never exits the process itself. The one place an
 * exit status is decided: 0 when the command returns, a verb's `Result.exitCode` (thrown as
 * ExitStatus after rendering), or the exit code of the error it threw.
 */
export async function run(ctx: CliContext, args: string[]): Promise<number> {
  await ctx.out.ready; // chalk, when a stream gets colour (output.ts)
  const program = buildProgram(ctx);
  // The command whose action runs: a core error's fields are named as its flags.
  let running: Command | undefined;
  program.hook('preAction', (_root, action) => {
    running = action;
  });
  const { name, next } = firstPositional(args);
  const group = findGroup(name === 'help' ? next : name);
  if (name === 'help' && next !== undefined && !group) {
    // `authctl help tokn`: commander would print the root help and "a subcommand is required".
    const suggestion = closest(
      next,
      COMMAND_GROUPS.flatMap((g) => Object.keys(g.commands)),
    );
    ctx.out.failure({
      code: 'ERR_UNKNOWN_COMMAND',
      message: `unknown command '${next}'`,
      hint: suggestion ? `Did you mean ${suggestion}?` : 'run authctl --help to see the commands',
    });
    return EXIT_CODES.usage;
  }
  try {
    if (group) {
      const module = await group.load();
      module.register(program, ctx);
    } else {
      // Only names and summaries: enough for --help and "did you mean" on a typo.
      for (const group of COMMAND_GROUPS)
        for (const [name, summary] of Object.entries(group.commands))
          program.command(name).description(summary);
    }
    configureTree(program, program);
    if (args.length === 0) {
      program.outputHelp();
      return EXIT_CODES.usage;
    }
    await program.parseAsync(joinDashValues(program, args), { from: 'user' });
    return EXIT_CODES.ok;
  } catch (error) {
    return await renderError(ctx, error, running);
  }
}

async function renderError(ctx: CliContext, error: unknown, command?: Command): Promise<number> {
  if (error instanceof ExitStatus) return error.code;
  if (error instanceof CommanderError) {
    if (error.code === 'commander.help' && error.exitCode !== 0) {
      // A group run without its subcommand (`authctl token`): commander has shown its help on stderr.
      ctx.out.failure({
        code: 'ERR_SUBCOMMAND_REQUIRED',
        message: 'a subcommand is required',
        hint: 'pick one of the commands listed above',
      });
      return EXIT_CODES.usage;
    }
    if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code))
      return EXIT_CODES.ok;
    ctx.out.failure(await commanderFailure(error));
    return EXIT_CODES.usage;
  }
  if (error instanceof AuthctlError) {
    ctx.out.failure(error.render(flagNamer(command)));
    if (ctx.globals.verbose && error.cause)
      ctx.out.raw('stderr', `${String((error.cause as Error).stack ?? error.cause)}\n`);
    return error.exitCode;
  }
  const errno = (error as NodeJS.ErrnoException)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const hint = ctx.globals.verbose
    ? undefined
    : 'run again with --verbose (or AUTHCTL_DEBUG=1) for details';
  ctx.out.failure({ code: errno ?? 'ERR_UNEXPECTED', message, hint });
  if (ctx.globals.verbose && error instanceof Error) ctx.out.raw('stderr', `${error.stack}\n`);
  return EXIT_CODES.environment;
}

export { Option };

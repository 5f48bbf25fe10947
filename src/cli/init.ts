import path from 'node:path';
import { Option } from 'commander';
import { EXIT_CODES, usageError } from '../core/errors.js';
import { INIT_STYLES } from '../core/verify/init-styles.js';
import { verb, type Deps, type Io } from './command.js';

/** init's service styles (verify-config's --profile takes any registered profile or a profile file). */
const PROFILE_NAMES = INIT_STYLES.map((s) => s.name);

type InitFlags = Record<string, string | boolean | undefined>;

/** The answers the flags give (prompts, on a terminal, may change them in `run`). */
function parseInit({ flags }: { flags: InitFlags }) {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    flags: {
      profile: str(flags.profile),
      modes: str(flags.modes),
      issuer: str(flags.issuer),
      audience: str(flags.audience),
      tenants: str(flags.tenants),
      roles: str(flags.roles),
      tenantClaim: str(flags.tenantClaim),
      rolesClaim: str(flags.rolesClaim),
      baseUrl: str(flags.baseUrl),
      ci: str(flags.ci),
    },
    dir: str(flags.dir) ?? '.',
    yes: flags.yes === true,
    force: flags.force === true,
  };
}
type InitOptions = ReturnType<typeof parseInit>;

async function runInit(opts: InitOptions, io: Io, deps: Deps) {
  const flags = opts.flags;
  const { INIT_DEFAULTS, detectCi, planInit, splitList, writeInit } =
    await import('../core/verify/init.js');
  const list = (v: string | undefined) => (v === undefined ? undefined : splitList(v));
  let options = {
    ...INIT_DEFAULTS,
    ...defined({
      ...flags,
      profile: flags.profile as never,
      modes: list(flags.modes),
      tenants: list(flags.tenants),
      roles: list(flags.roles),
      ci: flags.ci as never,
    }),
  };
  options = await answers(options, opts, io, flags.modes === undefined);
  const dir = path.resolve(deps.cwd, opts.dir);
  if (!flags.ci) options.ci = detectCi(dir);
  const files = await planInit(options);
  const result = await writeInit(dir, files, opts.force);
  const shown = (f: string) => path.join(path.relative(deps.cwd, dir), f);
  const value = {
    dir,
    profile: options.profile,
    written: result.written,
    kept: result.kept,
    differs: result.differs,
    shown,
  };
  if (result.differs.length) {
    // A rerun with new answers that changed nothing must not look like success.
    io.error(
      `${result.differs.length} existing file${result.differs.length === 1 ? '' : 's'} kept with other content, so your answers were not applied to ${result.differs.length === 1 ? 'it' : 'them'}: ${result.differs.map(shown).join(', ')}`,
      undefined,
      'rerun with --force to rewrite them (or move them aside first)',
    );
    return { value, exitCode: EXIT_CODES.usage };
  }
  return { value };
}

/** On a terminal (and without --yes), the questions; else the flags' answers, said so on stderr. */
async function answers<T extends InitAnswers>(
  options: T,
  opts: InitOptions,
  io: Io,
  noModes: boolean,
): Promise<T> {
  const { INIT_CHECKS, INIT_MODES, splitList } = await import('../core/verify/init.js');
  const interactive = !opts.yes && Boolean(io.stdin.isTTY) && io.stdoutIsTTY;
  if (interactive) {
    try {
      return await askInit(options, INIT_MODES, INIT_CHECKS, splitList);
    } catch (error) {
      // Ctrl-C / closed terminal inside a prompt: nothing was written.
      if (
        (error as Error).name === 'ExitPromptError' ||
        (error as Error).name === 'AbortPromptError'
      ) {
        throw usageError('ERR_INIT_CANCELLED', 'init cancelled; nothing was written', {
          hint: 'run again, or pass --yes with flags in scripts',
        });
      }
      throw error;
    }
  }
  if (!opts.yes)
    io.info(
      `not a terminal, so no questions: writing the ${options.profile} defaults (pass --yes to say so, and flags such as --profile to choose)`,
    );
  if (noModes && options.profile === 'recsys') options.modes = ['jwt', 'apikey'];
  return options;
}

interface InitAnswers {
  profile: string;
  modes: string[];
  issuer: string;
  audience: string;
  tenants: string[];
  roles: string[];
}

type InitValue = Awaited<ReturnType<typeof runInit>>['value'];

function renderInit(r: InitValue): string {
  const { shown } = r;
  return [
    ...r.written.map((f) => `wrote ${shown(f)}`),
    ...r.kept.map(
      (f) =>
        `kept  ${shown(f)} ${r.differs.includes(f) ? '(exists with other content: these answers were NOT applied to it; --force rewrites it)' : '(exists, already as these answers would write it)'}`,
    ),
  ].join('\n');
}

export const init = verb({
  name: 'init',
  summary: 'write authctl.toml, a service auth block, .env.example, a probe spec and a CI workflow',
  options: [
    new Option('--profile <name>', 'service style').choices(PROFILE_NAMES),
    new Option(
      '--modes <list>',
      'auth modes, comma-separated: jwt, apikey (recsys); jwt or custom (agentflow)',
    ),
    new Option('--issuer <url>', 'token issuer (default: the mock issuer, http://127.0.0.1:9400)'),
    new Option('--audience <aud>', 'API audience (default api://orders)'),
    new Option('--tenants <list>', 'tenant ids, comma-separated (default acme)'),
    new Option(
      '--roles <list>',
      'viewer,operator,admin role names (default viewer,operator,admin)',
    ),
    new Option('--tenant-claim <pointer>', 'JSON pointer of the tenant claim (default /tid)'),
    new Option('--roles-claim <pointer>', 'JSON pointer of the roles claim (default /roles)'),
    new Option(
      '--base-url <url>',
      'service URL the probe spec targets (default http://127.0.0.1:8080)',
    ),
    new Option('--dir <dir>', 'where to write (default: current directory)'),
    new Option(
      '--ci <kind>',
      'CI file to write: github (workflow using the authctl action), gitlab (.gitlab-ci.yml using the binary), none (default: gitlab if .gitlab-ci.yml exists, else github)',
    ).choices(['github', 'gitlab', 'none']),
    new Option('-y, --yes', 'do not ask; use flags and defaults'),
    new Option('--force', 'overwrite existing files'),
  ],
  examples: [
    'authctl init                                   # asks, when run in a terminal',
    'authctl init --yes --profile datapress --tenants acme,globex',
    'authctl init --yes --profile recsys --modes jwt,apikey --dir service/',
    'authctl init --yes --profile datapress --ci gitlab',
  ],
  parse: parseInit,
  run: runInit,
  render: {
    text: renderInit,
    json: ({ shown: _shown, ...rest }) => rest,
    status: (r, rc) =>
      rc.format === 'json' || r.differs.length
        ? undefined
        : `next: authctl verify-config${r.profile === 'authctl' ? '' : ' (after copying .env.example to .env and filling in secrets)'}; authctl idp serve; authctl probe --spec probe.toml`,
  },
});

type InitChecks = typeof import('../core/verify/init.js').INIT_CHECKS;

/**
 * The interactive questions; @inquirer/prompts is loaded only here, only on a TTY. Each answer is checked
 * as it is typed (`validate`: the message shows under the question, which stays open), so a typo never
 * surfaces after the last question as an error about a flag nobody typed.
 */
async function askInit<
  T extends {
    profile: string;
    modes: string[];
    issuer: string;
    audience: string;
    tenants: string[];
    roles: string[];
  },
>(
  defaults: T,
  modesByProfile: Partial<Record<string, readonly string[]>>,
  checks: InitChecks,
  split: (value: string) => string[],
): Promise<T> {
  const { select, checkbox, input } = await import('@inquirer/prompts');
  const profile = await select({
    message: 'Which service style?',
    default: defaults.profile,
    choices: INIT_STYLES.map((s) => ({ value: s.name, name: s.summary })),
  });
  const choices = modesByProfile[profile];
  const modes = choices
    ? await checkbox({
        message: 'Which auth modes?',
        choices: choices.map((m) => ({ value: m, checked: m === 'jwt' })),
        required: true,
      })
    : ['jwt'];
  // inquirer shows a string returned by validate as the error and keeps asking; true accepts.
  const valid = (problem: string | undefined) => problem ?? true;
  const issuer = await input({
    message: 'Issuer URL',
    default: defaults.issuer,
    validate: (v) => valid(checks.issuer(v.trim())),
  });
  const audience = await input({
    message: 'Audience',
    default: defaults.audience,
    validate: (v) => valid(checks.audience(v)),
  });
  const tenants = await input({
    message: 'Tenants (comma-separated)',
    default: defaults.tenants.join(','),
    validate: (v) => valid(checks.tenants(split(v))),
  });
  const roles = await input({
    message: 'Roles: three names, for viewer, operator and admin (comma-separated)',
    default: defaults.roles.join(','),
    validate: (v) => valid(checks.roles(split(v))),
  });
  return {
    ...defaults,
    profile,
    modes,
    issuer: issuer.trim(),
    audience,
    tenants: split(tenants),
    roles: split(roles),
  };
}

function defined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

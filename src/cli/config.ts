import path from 'node:path';
import { Option, type Command } from 'commander';
import { EXIT_CODES, usageError } from '../core/errors.js';
import type { CliContext } from './context.js';
import { examples } from './output.js';
import { configuredProfiles, runVerifyInfo, type VerifyInfoFlags } from './verify-extra.js';
import { ExitStatus } from './command.js';

/** init's service styles (verify-config's --profile takes any registered profile or a profile file). */
const PROFILE_NAMES = ['authctl', 'datapress', 'agentflow', 'recsys', 'relay', 'k3'];
const FORMATS = ['text', 'json', 'github', 'sarif', 'junit', 'markdown'];
const EXIT_HELP = `
Exit codes:
  0  no errors (warnings allowed unless --strict)
  1  errors found (or warnings with --strict)
  2  usage error, unreadable file, or a syntax error in a file
  3  --online and an issuer the config cannot start without is unreachable
`;

interface VerifyFlags extends VerifyInfoFlags {
  baseline?: string;
  writeBaseline?: string;
  profile?: string;
  target: string;
  envFile: string[];
  fromEnv?: boolean;
  online?: boolean;
  timeout: string;
  format?: string;
  strict?: boolean;
}

/** `authctl verify-config`, `authctl init` and `authctl config schema`. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('verify-config')
    .description(
      'check service auth config (authctl, Spring, ASP.NET Core, oauth2-proxy, PostgREST, Hasura, Envoy, .env, or a profile file) for misconfiguration',
    )
    .argument(
      '[files...]',
      'config files (default: authctl.toml, agentflow.json, datapress.toml, config.toml, .env and the files of --list-profiles found here)',
    )
    .option(
      '--profile <name|file>',
      'which service the files configure: a built-in profile (--list-profiles) or a *.profile.{toml,json,yaml} file (default: detect per file)',
    )
    .addOption(
      new Option('--target <env>', 'deployment the config is for; changes severities')
        .choices(['development', 'staging', 'production'])
        .default('production'),
    )
    .option(
      '--env-file <file>',
      'a dotenv file to check and to resolve variables from (repeatable)',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .option('--from-env', 'check the process environment')
    .option('--online', "fetch each issuer's discovery document and JWKS and check them")
    .option('--timeout <duration>', 'per-request timeout for --online', '5s')
    .addOption(
      new Option(
        '--format <format>',
        'output format (default text; --json = --format json)',
      ).choices(FORMATS),
    )
    .option('--strict', 'exit 1 on warnings too')
    .option(
      '--baseline <file>',
      'accept the findings listed in this file (adopt verify-config gradually)',
    )
    .option('--write-baseline <file>', 'write the current findings as a baseline file')
    .option('--list-rules', 'list every rule with its severity per target, and exit')
    .option(
      '--list-profiles',
      'list the profiles (built-in and configured) with their files and formats, and exit',
    )
    .option(
      '--explain <rule>',
      'explain one rule (what it means, severities, which keys reach it), and exit',
    )
    .addHelpText(
      'after',
      examples([
        'authctl verify-config                                  # auto-detect files here',
        'authctl verify-config datapress.toml --target staging',
        'authctl verify-config agentflow.json --online',
        'authctl verify-config --profile relay --env-file .env.production',
        'authctl verify-config --from-env --profile recsys --strict',
        'authctl verify-config authctl.toml --format sarif > authctl.sarif',
        'authctl verify-config application.yml appsettings.Production.json envoy.yaml',
        'authctl verify-config config/ledger.yaml --profile ./ledger.profile.toml',
        'authctl verify-config --explain auth/leeway-too-large',
      ]) + EXIT_HELP,
    )
    .action((files: string[], flags: VerifyFlags) => runVerify(ctx, files, flags));

  program
    .command('init')
    .description(
      'write authctl.toml, a service auth block, .env.example, a probe spec and a CI workflow',
    )
    .addOption(new Option('--profile <name>', 'service style').choices(PROFILE_NAMES))
    .option(
      '--modes <list>',
      'auth modes, comma-separated: jwt, apikey (recsys); jwt or custom (agentflow)',
    )
    .option('--issuer <url>', 'token issuer (default: the mock issuer, http://127.0.0.1:9400)')
    .option('--audience <aud>', 'API audience (default api://orders)')
    .option('--tenants <list>', 'tenant ids, comma-separated (default acme)')
    .option('--roles <list>', 'viewer,operator,admin role names (default viewer,operator,admin)')
    .option('--tenant-claim <pointer>', 'JSON pointer of the tenant claim (default /tid)')
    .option('--roles-claim <pointer>', 'JSON pointer of the roles claim (default /roles)')
    .option(
      '--base-url <url>',
      'service URL the probe spec targets (default http://127.0.0.1:8080)',
    )
    .option('--dir <dir>', 'where to write (default: current directory)')
    .addOption(
      new Option(
        '--ci <kind>',
        'CI file to write: github (workflow using the authctl action), gitlab (.gitlab-ci.yml using the binary), none (default: gitlab if .gitlab-ci.yml exists, else github)',
      ).choices(['github', 'gitlab', 'none']),
    )
    .option('-y, --yes', 'do not ask; use flags and defaults')
    .option('--force', 'overwrite existing files')
    .addHelpText(
      'after',
      examples([
        'authctl init                                   # asks, when run in a terminal',
        'authctl init --yes --profile datapress --tenants acme,globex',
        'authctl init --yes --profile recsys --modes jwt,apikey --dir service/',
        'authctl init --yes --profile datapress --ci gitlab',
      ]),
    )
    .action((flags: Record<string, string | boolean | undefined>) => runInit(ctx, flags));

  const config = program.command('config').description("authctl's own config");
  config
    .command('schema')
    .description('print the JSON Schema of authctl.toml / .authctlrc.json (for editors and CI)')
    .option(
      '--profile',
      'the JSON Schema of verify-config profile files (*.profile.toml / .json / .yaml) instead',
    )
    .addHelpText(
      'after',
      examples([
        'authctl config schema > authctl.schema.json',
        'authctl config schema | jq .properties.token',
        'authctl config schema --profile > profile.schema.json',
      ]),
    )
    .action(async (flags: { profile?: boolean }) => {
      const { configJsonSchema } = await import('../core/verify/schema.js');
      const { profileJsonSchema } = await import('../core/verify/engine/schema.js');
      ctx.out.data(
        JSON.stringify(flags.profile ? profileJsonSchema() : configJsonSchema(), null, 2),
      );
    });
  config.addHelpText('after', examples(['authctl config schema > authctl.schema.json']));
}

async function runVerify(ctx: CliContext, files: string[], flags: VerifyFlags): Promise<void> {
  const profiles = await configuredProfiles(ctx);
  if (await runVerifyInfo(ctx, flags, profiles)) return;
  const { verifyConfig } = await import('../core/verify/verify.js');
  const { parseDuration } = await import('../core/duration.js');
  const format = flags.format ?? (ctx.globals.json ? 'json' : 'text');
  const timeoutMs = Math.round(parseDuration(flags.timeout, '--timeout') * 1000);
  if (!(timeoutMs > 0))
    throw usageError('ERR_BAD_TIMEOUT', '--timeout must be positive', {
      where: '--timeout',
      hint: '--timeout 5s',
    });
  // `authctl --config FILE verify-config` checks that file when no FILES are given.
  if (files.length === 0 && ctx.globals.config && !flags.fromEnv && flags.envFile.length === 0)
    files = [ctx.globals.config];
  const { progressLine, withSpinner } = await import('./report/progress.js');
  // --online fetches discovery and JWKS documents: a spinner on a terminal while they come.
  const label = flags.online ? 'fetching issuers (--online)' : '';
  const result = await withSpinner(progressLine(ctx), label, () =>
    verifyConfig({
      files,
      cwd: ctx.cwd,
      profile: flags.profile as never,
      target: flags.target as never,
      envFiles: flags.envFile,
      fromEnv: flags.fromEnv,
      env: ctx.env,
      online: flags.online ? { timeoutMs } : false,
      profiles,
    }),
  );
  const baseline = await applyBaseline(ctx, flags, result);
  const report = await import('../core/report/index.js');
  const { appendStepSummary, stdoutRenderOptions, verifyReport } =
    await import('./report/write.js');
  const failed = result.counts.error > 0 || (flags.strict === true && result.counts.warning > 0);
  const doc = await verifyReport(ctx, result, { strict: flags.strict, baseline });
  await appendStepSummary(ctx, doc);
  if (format === 'json') {
    ctx.out.jsonDocument({
      ok: !failed && !result.syntaxError && !result.requiredUnreachable,
      target: result.target,
      files: result.files,
      counts: result.counts,
      findings: report.safeFindings(result.findings).map((f) => ({
        rule: f.rule,
        severity: f.severity,
        file: f.file ?? null,
        line: f.line ?? null,
        column: f.column ?? null,
        message: f.message,
        fix: f.fix ?? null,
      })),
    });
  } else if (format !== 'text') {
    const text = report.render(format as 'github', doc, stdoutRenderOptions(ctx));
    if (text) ctx.out.data(text.trimEnd());
  } else {
    const c = ctx.out.color;
    if (result.findings.length) ctx.out.data(report.render('text', doc, { color: c }).trimEnd());
    const checked = result.files
      .map((f) => `${f.file}${f.profile ? ` (${f.profile})` : ''}`)
      .join(', ');
    const s = ctx.out.statusColor; // the summary goes to stderr, the findings above to stdout
    ctx.out.info(
      `${report.summaryLine(result.counts, result.files.length, s)}${baseline ? s.dim(` (${baseline.baselined} baselined)`) : ''} ${s.dim(`[target ${result.target}: ${checked}]`)}`,
    );
    for (const entry of baseline?.stale ?? [])
      ctx.out.info(s.dim(`baseline entry no longer found (fixed?): ${entry}`));
  }
  if (result.syntaxError) throw new ExitStatus(EXIT_CODES.usage);
  else if (result.requiredUnreachable) {
    ctx.out.error(report.VERIFY_UNREACHABLE.message, undefined, report.VERIFY_UNREACHABLE.hint);
    throw new ExitStatus(EXIT_CODES.environment);
  } else if (failed) throw new ExitStatus(EXIT_CODES.check);
}

/** --baseline drops accepted findings (the result is updated in place); --write-baseline saves them all first. */
async function applyBaseline(
  ctx: CliContext,
  flags: VerifyFlags,
  result: {
    findings: import('../core/verify/types.js').Finding[];
    counts: Record<'error' | 'warning' | 'info', number>;
  },
) {
  const { applyVerifyBaseline, writeVerifyBaseline } = await import('../core/verify/baseline.js');
  if (flags.writeBaseline)
    await writeVerifyBaseline(path.resolve(ctx.cwd, flags.writeBaseline), result.findings);
  if (!flags.baseline) return undefined;
  const outcome = await applyVerifyBaseline(path.resolve(ctx.cwd, flags.baseline), result.findings);
  result.findings = outcome.findings;
  result.counts = outcome.counts;
  return outcome;
}

async function runInit(
  ctx: CliContext,
  flags: Record<string, string | boolean | undefined>,
): Promise<void> {
  const { INIT_CHECKS, INIT_DEFAULTS, INIT_MODES, detectCi, planInit, splitList, writeInit } =
    await import('../core/verify/init.js');
  const list = (v: unknown) => (typeof v === 'string' ? splitList(v) : undefined);
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  let options = {
    ...INIT_DEFAULTS,
    ...defined({
      profile: str(flags.profile) as never,
      modes: list(flags.modes),
      issuer: str(flags.issuer),
      audience: str(flags.audience),
      tenants: list(flags.tenants),
      roles: list(flags.roles),
      tenantClaim: str(flags.tenantClaim),
      rolesClaim: str(flags.rolesClaim),
      baseUrl: str(flags.baseUrl),
      ci: str(flags.ci) as never,
    }),
  };
  const interactive = !flags.yes && Boolean(ctx.io.stdin.isTTY) && Boolean(ctx.io.stdout.isTTY);
  if (interactive) {
    try {
      options = await askInit(options, INIT_MODES, INIT_CHECKS, splitList);
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
  } else {
    if (!flags.yes)
      ctx.out.info(
        `not a terminal, so no questions: writing the ${options.profile} defaults (pass --yes to say so, and flags such as --profile to choose)`,
      );
    if (!flags.modes && options.profile === 'recsys') options.modes = ['jwt', 'apikey'];
  }
  const dir = path.resolve(ctx.cwd, str(flags.dir) ?? '.');
  if (!flags.ci) options.ci = detectCi(dir);
  const files = await planInit(options);
  const result = await writeInit(dir, files, flags.force === true);
  const shown = (f: string) => path.join(path.relative(ctx.cwd, dir), f);
  ctx.out.result(
    {
      dir,
      profile: options.profile,
      written: result.written,
      kept: result.kept,
      differs: result.differs,
    },
    (r) =>
      [
        ...r.written.map((f) => `wrote ${shown(f)}`),
        ...r.kept.map(
          (f) =>
            `kept  ${shown(f)} ${r.differs.includes(f) ? '(exists with other content: these answers were NOT applied to it; --force rewrites it)' : '(exists, already as these answers would write it)'}`,
        ),
      ].join('\n'),
  );
  if (result.differs.length) {
    // A rerun with new answers that changed nothing must not look like success.
    ctx.out.error(
      `${result.differs.length} existing file${result.differs.length === 1 ? '' : 's'} kept with other content, so your answers were not applied to ${result.differs.length === 1 ? 'it' : 'them'}: ${result.differs.map(shown).join(', ')}`,
      undefined,
      'rerun with --force to rewrite them (or move them aside first)',
    );
    throw new ExitStatus(EXIT_CODES.usage);
  }
  if (!ctx.globals.json)
    ctx.out.info(
      `next: authctl verify-config${options.profile === 'authctl' ? '' : ' (after copying .env.example to .env and filling in secrets)'}; authctl idp serve; authctl probe --spec probe.toml`,
    );
}

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
  modesByProfile: Partial<Record<string, string[]>>,
  checks: InitChecks,
  split: (value: string) => string[],
): Promise<T> {
  const { select, checkbox, input } = await import('@inquirer/prompts');
  const profile = await select({
    message: 'Which service style?',
    default: defaults.profile,
    choices: [
      { value: 'datapress', name: 'DataPress-style: TOML [auth] block, OIDC + JWKS' },
      { value: 'agentflow', name: 'agentflow: agentflow.json + .env (JWT or custom)' },
      { value: 'recsys', name: 'recsys-service: env vars (JWT, API keys, dev headers)' },
      { value: 'relay', name: 'Relay: env vars (HMAC signing key, sessions)' },
      { value: 'k3', name: 'K3: env vars (bearer JWT, SigV4 via Keycloak)' },
      { value: 'authctl', name: 'only authctl.toml' },
    ],
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

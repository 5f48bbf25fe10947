import path from 'node:path';
import { Option, type Command } from 'commander';
import { usageError } from '../core/errors.js';
import type { CliContext } from './context.js';
import { examples } from './output.js';

const PROFILE_NAMES = ['authctl', 'datapress', 'agentflow', 'recsys', 'relay', 'k3'];
const FORMATS = ['text', 'json', 'github', 'sarif', 'junit'];
const EXIT_HELP = `
Exit codes:
  0  no errors (warnings allowed unless --strict)
  1  errors found (or warnings with --strict)
  2  usage error, unreadable file, or a syntax error in a file
  3  --online and an issuer the config cannot start without is unreachable
`;

interface VerifyFlags {
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
    .description('check service auth config (authctl, DataPress TOML, agentflow.json, .env files) for misconfiguration')
    .argument('[files...]', 'config files (default: authctl.toml, agentflow.json, datapress.toml, config.toml, .env found here)')
    .addOption(new Option('--profile <name>', 'which service the files configure (default: detect per file)').choices(PROFILE_NAMES))
    .addOption(new Option('--target <env>', 'deployment the config is for; changes severities').choices(['development', 'staging', 'production']).default('production'))
    .option('--env-file <file>', 'a dotenv file to check and to resolve variables from (repeatable)', (v: string, all: string[]) => [...all, v], [])
    .option('--from-env', 'check the process environment')
    .option('--online', "fetch each issuer's discovery document and JWKS and check them")
    .option('--timeout <duration>', 'per-request timeout for --online', '5s')
    .addOption(new Option('--format <format>', 'output format (default text; --json = --format json)').choices(FORMATS))
    .option('--strict', 'exit 1 on warnings too')
    .addHelpText('after', examples([
      'authctl verify-config                                  # auto-detect files here',
      'authctl verify-config datapress.toml --target staging',
      'authctl verify-config agentflow.json --online',
      'authctl verify-config --profile relay --env-file .env.production',
      'authctl verify-config --from-env --profile recsys --strict',
      'authctl verify-config authctl.toml --format sarif > authctl.sarif',
    ]) + EXIT_HELP)
    .action((files: string[], flags: VerifyFlags) => runVerify(ctx, files, flags));

  program
    .command('init')
    .description('write authctl.toml, a service auth block, .env.example, a probe spec and a CI workflow')
    .addOption(new Option('--profile <name>', 'service style').choices(PROFILE_NAMES))
    .option('--modes <list>', 'auth modes, comma-separated: jwt, apikey (recsys); jwt or custom (agentflow)')
    .option('--issuer <url>', 'token issuer (default: the mock issuer, http://127.0.0.1:9400)')
    .option('--audience <aud>', 'API audience (default api://orders)')
    .option('--tenants <list>', 'tenant ids, comma-separated (default acme)')
    .option('--roles <list>', 'viewer,operator,admin role names (default viewer,operator,admin)')
    .option('--tenant-claim <pointer>', 'JSON pointer of the tenant claim (default /tid)')
    .option('--roles-claim <pointer>', 'JSON pointer of the roles claim (default /roles)')
    .option('--base-url <url>', 'service URL the probe spec targets (default http://127.0.0.1:8080)')
    .option('--dir <dir>', 'where to write (default: current directory)')
    .addOption(new Option('--ci <kind>', 'CI file to write: github (workflow using the authctl action), gitlab (.gitlab-ci.yml using the binary), none (default: gitlab if .gitlab-ci.yml exists, else github)').choices(['github', 'gitlab', 'none']))
    .option('-y, --yes', 'do not ask; use flags and defaults')
    .option('--force', 'overwrite existing files')
    .addHelpText('after', examples([
      'authctl init                                   # asks, when run in a terminal',
      'authctl init --yes --profile datapress --tenants acme,globex',
      'authctl init --yes --profile recsys --modes jwt,apikey --dir service/',
      'authctl init --yes --profile datapress --ci gitlab',
    ]))
    .action((flags: Record<string, string | boolean | undefined>) => runInit(ctx, flags));

  const config = program.command('config').description("authctl's own config");
  config
    .command('schema')
    .description('print the JSON Schema of authctl.toml / .authctlrc.json (for editors and CI)')
    .addHelpText('after', examples(['authctl config schema > authctl.schema.json', 'authctl config schema | jq .properties.token']))
    .action(async () => {
      const { configJsonSchema } = await import('../core/verify/schema.js');
      ctx.out.data(JSON.stringify(configJsonSchema(), null, 2));
    });
  config.addHelpText('after', examples(['authctl config schema > authctl.schema.json']));
}

async function runVerify(ctx: CliContext, files: string[], flags: VerifyFlags): Promise<void> {
  const { verifyConfig } = await import('../core/verify/verify.js');
  const { parseDuration } = await import('../core/duration.js');
  const format = flags.format ?? (ctx.globals.json ? 'json' : 'text');
  const timeoutMs = Math.round(parseDuration(flags.timeout, '--timeout') * 1000);
  if (!(timeoutMs > 0)) throw usageError('ERR_BAD_TIMEOUT', '--timeout must be positive', { where: '--timeout', hint: '--timeout 5s' });
  // `authctl --config FILE verify-config` checks that file when no FILES are given.
  if (files.length === 0 && ctx.globals.config && !flags.fromEnv && flags.envFile.length === 0) files = [ctx.globals.config];
  const result = await verifyConfig({
    files,
    cwd: ctx.cwd,
    profile: flags.profile as never,
    target: flags.target as never,
    envFiles: flags.envFile,
    fromEnv: flags.fromEnv,
    env: ctx.env,
    online: flags.online ? { timeoutMs } : false,
  });
  const report = await import('./report/index.js');
  const { RULES } = await import('../core/verify/rules.js');
  const failed = result.counts.error > 0 || (flags.strict === true && result.counts.warning > 0);
  if (format === 'json') {
    ctx.out.jsonDocument({
      ok: !failed && !result.syntaxError && !result.requiredUnreachable,
      target: result.target,
      files: result.files,
      counts: result.counts,
      findings: report.safeFindings(result.findings).map((f) => ({ rule: f.rule, severity: f.severity, file: f.file ?? null, line: f.line ?? null, column: f.column ?? null, message: f.message, fix: f.fix ?? null })),
    });
  } else if (format === 'github') {
    const text = report.renderGitHub(result.findings);
    if (text) ctx.out.data(text);
  } else if (format === 'sarif') {
    ctx.out.data(report.renderSarif(result.findings, { rules: RULES, cwd: ctx.cwd }));
  } else if (format === 'junit') {
    ctx.out.data(report.renderJUnit(result.findings, { suiteName: 'authctl verify-config', passed: result.files.map((f) => `${f.file}${f.profile ? ` (${f.profile})` : ''}`), failOn: flags.strict ? 'warning' : 'error' }));
  } else {
    const c = ctx.out.color;
    const byFinding = new Map(result.findings.map((f) => [f as object, f.snippet]));
    if (result.findings.length) ctx.out.data(report.renderText(result.findings, { color: c, snippet: (f) => byFinding.get(f) }).trimEnd());
    const checked = result.files.map((f) => `${f.file}${f.profile ? ` (${f.profile})` : ''}`).join(', ');
    ctx.out.info(`${report.summaryLine(result.counts, result.files.length, c)} ${c.dim(`[target ${result.target}: ${checked}]`)}`);
  }
  if (result.syntaxError) process.exitCode = 2;
  else if (result.requiredUnreachable) {
    ctx.out.error('an issuer the config cannot start without is unreachable', undefined, 'start the IdP (or set start_degraded = true) and run again');
    process.exitCode = 3;
  } else if (failed) process.exitCode = 1;
}

async function runInit(ctx: CliContext, flags: Record<string, string | boolean | undefined>): Promise<void> {
  const { INIT_DEFAULTS, INIT_MODES, detectCi, planInit, writeInit } = await import('../core/verify/init.js');
  const list = (v: unknown) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);
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
      options = await askInit(options, INIT_MODES);
    } catch (error) {
      // Ctrl-C / closed terminal inside a prompt: nothing was written.
      if ((error as Error).name === 'ExitPromptError' || (error as Error).name === 'AbortPromptError') {
        throw usageError('ERR_INIT_CANCELLED', 'init cancelled; nothing was written', { hint: 'run again, or pass --yes with flags in scripts' });
      }
      throw error;
    }
  } else {
    if (!flags.yes) ctx.out.info(`not a terminal, so no questions: writing the ${options.profile} defaults (pass --yes to say so, and flags such as --profile to choose)`);
    if (!flags.modes && options.profile === 'recsys') options.modes = ['jwt', 'apikey'];
  }
  const dir = path.resolve(ctx.cwd, str(flags.dir) ?? '.');
  if (!flags.ci) options.ci = detectCi(dir);
  const files = await planInit(options);
  const result = await writeInit(dir, files, flags.force === true);
  ctx.out.result(
    { dir, profile: options.profile, written: result.written, kept: result.kept },
    (r) =>
      [
        ...r.written.map((f) => `wrote ${path.join(path.relative(ctx.cwd, dir), f)}`),
        ...r.kept.map((f) => `kept  ${path.join(path.relative(ctx.cwd, dir), f)} (exists; --force overwrites)`),
      ].join('\n'),
  );
  if (!ctx.globals.json) ctx.out.info(`next: authctl verify-config${options.profile === 'authctl' ? '' : ' (after copying .env.example to .env and filling in secrets)'}; authctl idp serve; authctl probe --spec probe.toml`);
}

/** The interactive questions; @inquirer/prompts is loaded only here, only on a TTY. */
async function askInit<T extends { profile: string; modes: string[]; issuer: string; audience: string; tenants: string[]; roles: string[] }>(
  defaults: T,
  modesByProfile: Partial<Record<string, string[]>>,
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
    ? await checkbox({ message: 'Which auth modes?', choices: choices.map((m) => ({ value: m, checked: m === 'jwt' })), required: true })
    : ['jwt'];
  const issuer = await input({ message: 'Issuer URL', default: defaults.issuer });
  const audience = await input({ message: 'Audience', default: defaults.audience });
  const tenants = await input({ message: 'Tenants (comma-separated)', default: defaults.tenants.join(',') });
  const roles = await input({ message: 'Roles: viewer,operator,admin', default: defaults.roles.join(',') });
  const split = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);
  return { ...defaults, profile, modes, issuer, audience, tenants: split(tenants), roles: split(roles) };
}

function defined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

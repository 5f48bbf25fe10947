import { Option, type Command } from 'commander';
import { declare, declareAll, verb } from './command.js';
import type { CliContext } from './context.js';
import * as check from './idp-check.js';
import * as add from './idp-control-add.js';
import * as control from './idp-control.js';
import { examples } from './output.js';
import { parseServeOptions, renderReady, runServe, type ServeFlags } from './idp-run.js';
import { collect } from './flag-values.js';

/** `authctl idp ...`: the local mock OIDC issuer and its control verbs. Actions load lazily. */
export function register(program: Command, ctx: CliContext): void {
  const idp = program
    .command('idp')
    .description(
      'run a local mock OpenID Connect issuer and control it from tests (rotate keys, inject faults, move time)',
    )
    .addHelpText(
      'after',
      examples([
        'authctl idp serve                                  # http://127.0.0.1:9400, zero config',
        'authctl idp serve --port 0 --json                  # free port, one JSON line with the URLs',
        'authctl idp serve --port 0 --ready-file idp.json & authctl idp wait --ready-file idp.json',
        'authctl idp wait http://127.0.0.1:9400 --timeout 20s',
        'authctl idp rotate --stage publish',
        'authctl idp fault --jwks 503 --for 30s',
        'authctl idp clock --advance 2h',
        'authctl idp doctor --from http://127.0.0.1:9400 --from http://host.docker.internal:9400',
      ]),
    );

  declare(idp, serve, ctx).addHelpText('after', SERVE_HELP);

  declare(idp, check.wait, ctx).addHelpText(
    'after',
    'Exit codes: 0 answered, 2 bad URL or flag, 3 no answer before the timeout.\n',
  );
  declare(idp, check.doctor, ctx).addHelpText(
    'after',
    'Exit codes: 0 all checks pass, 1 a check failed.\n',
  );

  declareAll(idp, [control.rotate, control.fault, control.clock, control.requests], ctx);
  const client = idp
    .command('client')
    .description('add clients to a running issuer (switches it to strict client checks)')
    .addHelpText(
      'after',
      examples(['authctl idp client add ci --secret s3cret --grant client_credentials']),
    );
  declare(client, add.clientAdd, ctx);
  const user = idp
    .command('user')
    .description('add dev users to a running issuer')
    .addHelpText('after', examples(['authctl idp user add alice --tenant acme --role admin']));
  declare(user, add.userAdd, ctx);
  declareAll(idp, [add.claims, add.device, control.state], ctx);
}

/**
 * `idp serve`: a long-running verb (its run resolves when the issuer stops; idp-run.ts). Its flags are
 * declared here, in one list: a new serve flag is one entry.
 */
export const serve = verb({
  name: 'serve',
  summary:
    'serve the mock issuer (discovery, JWKS, token, authorize + login page, userinfo, introspect, revoke, device flow)',
  options: [
    new Option('--port <n>', 'port (default 9400; 0 picks a free one)'),
    new Option(
      '--host <addr>',
      'bind address (default 127.0.0.1; anything else is for development only)',
    ),
    new Option(
      '--issuer-url <url>',
      'publish this URL as the issuer (behind Docker or a proxy) while listening locally',
    ),
    new Option('--layout <name>', 'claim layout: default, entra, auth0, okta, keycloak, cognito'),
    new Option(
      '--vendor <name>',
      "imitate an IdP's paths, issuer format, tokens and errors: entra, auth0, okta, keycloak, cognito (implies its layout)",
    ),
    new Option(
      '--cors-origin <origin>',
      'let this web origin read answers and send authctl_claims (loopback origins always may); repeatable',
    ).argParser(collect),
    new Option(
      '--store <url>',
      "where the issuer's state lives: memory (default) or redis://HOST:PORT/DB, shared by replicas",
    ),
    new Option(
      '--tls',
      'serve HTTPS with a local CA and server certificate made once in <home>/tls/ (prints how to trust it)',
    ),
    new Option(
      '--tls-cert <file>',
      'serve HTTPS with your own PEM certificate (chain); needs --tls-key',
    ),
    new Option('--tls-key <file>', 'the unencrypted PEM private key of --tls-cert'),
    new Option('--no-control', 'disable the /_authctl/ control API'),
    new Option('--no-log', 'no access log on stderr'),
    new Option(
      '--ready-file <file>',
      'once listening, write the --json ready line to FILE (atomically; removed on stop)',
    ),
  ],
  examples: [
    'authctl idp serve',
    'authctl idp serve --port 0 --ready-file idp.json & authctl idp wait --ready-file idp.json',
    'authctl idp serve --layout entra',
    'authctl idp serve --vendor keycloak',
    'authctl idp serve --tls                            # https://127.0.0.1:9400, local CA in <home>/tls/',
    'authctl idp serve --host 0.0.0.0 --issuer-url http://host.docker.internal:9400',
    'authctl idp serve --store redis://127.0.0.1:6379/0 --issuer-url http://idp.internal:9400',
    'curl -s -u my-client:my-secret -d grant_type=client_credentials http://127.0.0.1:9400/token',
  ],
  // A second Ctrl-C while it stops ends the process at once (the way out of a stop that hangs).
  longRunning: { repeat: 'default' },
  parse: ({ flags }: { flags: ServeFlags }) => parseServeOptions(flags),
  run: runServe,
  render: {
    text: () => '',
    json: () => undefined,
    event: { text: renderReady, json: (ready) => ready },
  },
});

const SERVE_HELP =
  '\nUnder npx / npm exec (which does not pass signals on), the issuer also stops when npm exits.\n' +
  'Every setting can also come from the environment (AUTHCTL_PORT, AUTHCTL_HOST, AUTHCTL_ISSUER_URL, ...: docs/ci.md); a flag wins over it.\n' +
  'Exit codes: 0 stopped by SIGINT/SIGTERM (or npm exiting), 2 bad flag or config, 3 port in use, cannot listen or store unreachable.\n';

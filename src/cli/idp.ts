import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { examples } from './output.js';
import { allOptions, collect } from './shared.js';

/** `authctl idp ...`: the local mock OIDC issuer and its control verbs. Actions load lazily. */
export function register(program: Command, ctx: CliContext): void {
  const run = () => import('./idp-run.js');
  const control = () => import('./idp-control.js');
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

  idp
    .command('serve')
    .description(
      'serve the mock issuer (discovery, JWKS, token, authorize + login page, userinfo, introspect, revoke, device flow)',
    )
    .option('--port <n>', 'port (default 9400; 0 picks a free one)')
    .option(
      '--host <addr>',
      'bind address (default 127.0.0.1; anything else is for development only)',
    )
    .option(
      '--issuer-url <url>',
      'publish this URL as the issuer (behind Docker or a proxy) while listening locally',
    )
    .option('--layout <name>', 'claim layout: default, entra, auth0, okta, keycloak, cognito')
    .option(
      '--cors-origin <origin>',
      'let this web origin read answers and send authctl_claims (loopback origins always may); repeatable',
      collect,
    )
    .option('--no-control', 'disable the /_authctl/ control API')
    .option('--no-log', 'no access log on stderr')
    .option(
      '--ready-file <file>',
      'once listening, write the --json ready line to FILE (atomically; removed on stop)',
    )
    .addHelpText(
      'after',
      examples([
        'authctl idp serve',
        'authctl idp serve --port 0 --ready-file idp.json & authctl idp wait --ready-file idp.json',
        'authctl idp serve --layout entra',
        'authctl idp serve --host 0.0.0.0 --issuer-url http://host.docker.internal:9400',
        'curl -s -u my-client:my-secret -d grant_type=client_credentials http://127.0.0.1:9400/token',
      ]) +
        '\nUnder npx / npm exec (which does not pass signals on), the issuer also stops when npm exits.\n' +
        'Every setting can also come from the environment (AUTHCTL_PORT, AUTHCTL_HOST, AUTHCTL_ISSUER_URL, ...: docs/ci.md); a flag wins over it.\n' +
        'Exit codes: 0 stopped by SIGINT/SIGTERM (or npm exiting), 2 bad flag or config, 3 port in use or cannot listen.\n',
    )
    .action(async (_o, command: Command) => (await run()).runServe(ctx, allOptions(command)));

  idp
    .command('wait [url]')
    .description('wait until an issuer answers its discovery document (for CI scripts)')
    .option('--timeout <duration>', 'give up after this long (default 30s)', '30s')
    .option(
      '--ready-file <file>',
      'wait for the ready file of `idp serve --ready-file FILE`, then for the issuer it names',
    )
    .addHelpText(
      'after',
      examples([
        'authctl idp wait',
        'authctl idp wait http://127.0.0.1:9400/tenant-a --timeout 1m',
        'authctl idp wait --ready-file idp.json',
      ]) + '\nExit codes: 0 answered, 2 bad URL or flag, 3 no answer before the timeout.\n',
    )
    .action(async (url: string | undefined, _o, command: Command) =>
      (await run()).runWait(ctx, url, allOptions(command)),
    );

  idp
    .command('doctor')
    .description(
      'check discovery, issuer equality and JWKS reachability from each URL a service may use',
    )
    .option(
      '--from <url>',
      'issuer URL as a service sees it; repeat for several (default: the configured issuer)',
      collect,
    )
    .addHelpText(
      'after',
      examples([
        'authctl idp doctor',
        'authctl idp doctor --from http://127.0.0.1:9400 --from http://idp:9400',
        'authctl idp doctor --from http://127.0.0.1:9400/ --json',
      ]) + '\nExit codes: 0 all checks pass, 1 a check failed.\n',
    )
    .action(async (_o, command: Command) => (await run()).runDoctor(ctx, allOptions(command)));

  const urlOption = (cmd: Command) =>
    cmd
      .option(
        '--url <url>',
        'the running issuer (default: $AUTHCTL_IDP_URL, else [idp] issuer_url/port, else http://127.0.0.1:9400)',
      )
      .option(
        '--control-token <token>',
        'control token of an issuer bound beyond loopback (default: $AUTHCTL_CONTROL_TOKEN)',
      );

  urlOption(
    idp
      .command('rotate')
      .description('rotate the issuer\u2019s signing key now, or one stage at a time')
      .option(
        '--stage <stage>',
        'publish (new key in JWKS only) | activate (sign with it) | retire (drop grace keys); default all at once',
      )
      .option(
        '--drop-old',
        'drop the old key from the JWKS at once instead of keeping it for the grace period',
      )
      .option('--grace <duration>', 'how long the old key stays in the JWKS (default 24h)')
      .option(
        '--issuer <id>',
        'rotate the keys of this [idp.issuers.<id>] with keys = "own" (default: the shared keystore)',
      ),
  )
    .addHelpText(
      'after',
      examples([
        'authctl idp rotate',
        'authctl idp rotate --drop-old',
        'authctl idp rotate --stage publish && authctl idp rotate --stage activate && authctl idp rotate --stage retire',
      ]),
    )
    .action(async (_o, command: Command) => (await control()).runRotate(ctx, allOptions(command)));

  urlOption(
    idp
      .command('fault [action]')
      .description(
        'inject a fault (JWKS outage, token errors, latency, unpublished signing key); `fault clear` ends it',
      )
      .option(
        '--jwks <mode>',
        'JWKS answers 503 | timeout (never answers) | empty ({"keys":[]}) | garbage (not JSON)',
      )
      .option('--token <status>', 'token endpoint answers this HTTP status (e.g. 500)')
      .option('--latency <duration>', 'delay every issuer response (e.g. 2s)')
      .option('--unpublished-key', 'sign new tokens with a key that is not in the JWKS')
      .option('--for <duration>', 'end the fault after this long (default: until `fault clear`)'),
  )
    .addHelpText(
      'after',
      examples([
        'authctl idp fault --jwks 503 --for 30s',
        'authctl idp fault --token 500',
        'authctl idp fault --latency 2s',
        'authctl idp fault --unpublished-key',
        'authctl idp fault clear',
      ]),
    )
    .action(async (action: string | undefined, _o, command: Command) =>
      (await control()).runFault(ctx, action, allOptions(command)),
    );

  urlOption(
    idp
      .command('clock')
      .description(
        'show or move the issuer\u2019s clock (issued tokens, introspection and userinfo use it)',
      )
      .option('--freeze', 'stop the clock')
      .option('--unfreeze', 'let it run again')
      .option('--advance <duration>', 'move forward (e.g. 2h; negative goes back)')
      .option('--set <iso>', 'jump to this time')
      .option('--reset', 'back to real time'),
  )
    .addHelpText(
      'after',
      examples([
        'authctl idp clock',
        'authctl idp clock --freeze',
        'authctl idp clock --advance 2h',
        'authctl idp clock --reset',
      ]),
    )
    .action(async (_o, command: Command) => (await control()).runClock(ctx, allOptions(command)));

  urlOption(
    idp
      .command('requests')
      .description(
        'list the requests the issuer received (what the service under test sent), secrets masked',
      )
      .option('--path <text>', 'only paths containing this')
      .option('--client <id>', 'only this client_id')
      .option('--clear', 'forget the captured requests'),
  )
    .addHelpText(
      'after',
      examples([
        'authctl idp requests',
        'authctl idp requests --path /jwks --json',
        'authctl idp requests --clear',
      ]),
    )
    .action(async (_o, command: Command) =>
      (await control()).runRequests(ctx, allOptions(command)),
    );

  const client = idp
    .command('client')
    .description('add clients to a running issuer (switches it to strict client checks)')
    .addHelpText(
      'after',
      examples(['authctl idp client add ci --secret s3cret --grant client_credentials']),
    );
  urlOption(
    client
      .command('add <id>')
      .description('register a client at run time')
      .option('--secret <secret>', 'client secret (omit with --public)')
      .option('--public', 'public client (PKCE, no secret)')
      .option('--redirect-uri <uri>', 'allowed redirect URI; repeatable', collect)
      .option('--grant <type>', 'allowed grant type; repeatable (default all)', collect)
      .option('--scope <scope>', 'allowed scope; repeatable (default any)', collect)
      .option('--claim <k=v>', 'extra claim in this client\u2019s tokens; repeatable', collect),
  )
    .addHelpText(
      'after',
      examples([
        'authctl idp client add ci --secret s3cret --grant client_credentials --scope datasets:read',
        'authctl idp client add swagger --public --redirect-uri http://127.0.0.1:8080/docs/oauth2-redirect',
      ]),
    )
    .action(async (id: string, _o, command: Command) =>
      (await control()).runClientAdd(ctx, id, allOptions(command)),
    );

  const user = idp
    .command('user')
    .description('add dev users to a running issuer')
    .addHelpText('after', examples(['authctl idp user add alice --tenant acme --role admin']));
  urlOption(
    user
      .command('add <name>')
      .description('add a dev user (password grant and login page)')
      .option('--sub <sub>', 'subject (default: the name)')
      .option('--password <password>', 'password for the password grant')
      .option('--tenant <id>', 'tenant')
      .option('--role <role>', 'role; repeatable', collect)
      .option('--scope <scope>', 'default scope; repeatable', collect)
      .option('--claim <k=v>', 'extra claim; repeatable', collect),
  )
    .addHelpText(
      'after',
      examples(['authctl idp user add alice --tenant acme --role admin --scope datasets:read']),
    )
    .action(async (name: string, _o, command: Command) =>
      (await control()).runUserAdd(ctx, name, allOptions(command)),
    );

  urlOption(
    idp
      .command('claims')
      .description(
        'set claims for the next token of a client or user (or every token with --sticky)',
      )
      .option('--client <id>', 'for tokens issued to this client')
      .option('--user <name>', 'for tokens of this user')
      .option('--claim <k=v>', 'claim (JSON pointer or name = JSON or string); repeatable', collect)
      .option('--sticky', 'keep applying until cleared')
      .option('--clear', 'drop all pending claims'),
  )
    .addHelpText(
      'after',
      examples([
        'authctl idp claims --client ci --claim org_id=42',
        'authctl idp claims --user alice --claim /org/id=7 --sticky',
        'authctl idp claims --clear',
      ]),
    )
    .action(async (_o, command: Command) => (await control()).runClaims(ctx, allOptions(command)));

  urlOption(
    idp
      .command('device')
      .description('script the outcome of the next device-flow authorizations (RFC 8628)')
      .requiredOption('--outcome <outcome>', 'approve | slow_down | expired_token | access_denied')
      .option('--after <n>', 'answer authorization_pending for N polls first', '0')
      .option('--sticky', 'apply to every device authorization, not just the next'),
  )
    .addHelpText(
      'after',
      examples([
        'authctl idp device --outcome approve --after 2',
        'authctl idp device --outcome slow_down',
        'authctl idp device --outcome access_denied --sticky',
      ]),
    )
    .action(async (_o, command: Command) => (await control()).runDevice(ctx, allOptions(command)));

  urlOption(
    idp
      .command('state')
      .description(
        'show the running issuer\u2019s clock, faults, keys, issuers, clients and users',
      ),
  )
    .addHelpText('after', examples(['authctl idp state', 'authctl idp state --json | jq .keys']))
    .action(async (_o, command: Command) => (await control()).runState(ctx, allOptions(command)));
}

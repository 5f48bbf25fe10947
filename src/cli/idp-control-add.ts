import { Option } from 'commander';
import { usageError } from '../core/errors.js';
import { callControl } from '../core/idp/control-client.js';
import { verb } from './command.js';
import { answerJson, claimsOf, targetOf, urlOptions, type UrlFlags } from './idp-control.js';
import { collect } from './flag-values.js';

/** The control verbs that add to a running issuer: clients, users, pending claims, device outcomes. */

const json = (value: unknown) => JSON.stringify(value, null, 2);
const repeatable = (flags: string, description: string) =>
  new Option(flags, description).argParser(collect);

interface ClientFlags extends UrlFlags {
  secret?: string;
  public?: boolean;
  redirectUri?: string[];
  grant?: string[];
  scope?: string[];
  claim?: string[];
}

export const clientAdd = verb({
  name: 'add <id>',
  summary: 'register a client at run time',
  options: [
    new Option('--secret <secret>', 'client secret (omit with --public)'),
    new Option('--public', 'public client (PKCE, no secret)'),
    repeatable('--redirect-uri <uri>', 'allowed redirect URI; repeatable'),
    repeatable('--grant <type>', 'allowed grant type; repeatable (default all)'),
    repeatable('--scope <scope>', 'allowed scope; repeatable (default any)'),
    repeatable('--claim <k=v>', 'extra claim in this client\u2019s tokens; repeatable'),
    ...urlOptions(),
  ],
  examples: [
    'authctl idp client add ci --secret s3cret --grant client_credentials --scope datasets:read',
    'authctl idp client add swagger --public --redirect-uri http://127.0.0.1:8080/docs/oauth2-redirect',
  ],
  parse({ args, flags }: { args: unknown[]; flags: ClientFlags }) {
    if (!flags.secret && !flags.public)
      throw usageError(
        'ERR_MISSING_SECRET',
        'a client needs --secret, or --public for PKCE-only clients',
        { where: 'authctl idp client add' },
      );
    return { ...flags, id: args[0] as string, claims: claimsOf(flags.claim) };
  },
  async run(opts, _io, deps) {
    const answer = await callControl(await targetOf(opts, deps), 'addClient', {
      id: opts.id,
      secret: opts.secret,
      public: opts.public,
      redirect_uris: opts.redirectUri,
      grants: opts.grant,
      scopes: opts.scope,
      claims: opts.claims,
    });
    return { value: { answer, opts } };
  },
  render: {
    json: answerJson,
    text: ({ opts }) => `client ${opts.id} added; the issuer now checks clients strictly`,
  },
});

interface UserFlags extends UrlFlags {
  sub?: string;
  password?: string;
  tenant?: string;
  role?: string[];
  scope?: string[];
  claim?: string[];
}

export const userAdd = verb({
  name: 'add <name>',
  summary: 'add a dev user (password grant and login page)',
  options: [
    new Option('--sub <sub>', 'subject (default: the name)'),
    new Option('--password <password>', 'password for the password grant'),
    new Option('--tenant <id>', 'tenant'),
    repeatable('--role <role>', 'role; repeatable'),
    repeatable('--scope <scope>', 'default scope; repeatable'),
    repeatable('--claim <k=v>', 'extra claim; repeatable'),
    ...urlOptions(),
  ],
  examples: ['authctl idp user add alice --tenant acme --role admin --scope datasets:read'],
  parse: ({ args, flags }: { args: unknown[]; flags: UserFlags }) => ({
    ...flags,
    name: args[0] as string,
    claims: claimsOf(flags.claim),
  }),
  async run(opts, _io, deps) {
    const answer = await callControl(await targetOf(opts, deps), 'addUser', {
      name: opts.name,
      sub: opts.sub,
      password: opts.password,
      tenant: opts.tenant,
      roles: opts.role,
      scopes: opts.scope,
      claims: opts.claims,
    });
    return { value: { answer, opts } };
  },
  render: { json: answerJson, text: ({ opts }) => `user ${opts.name} added` },
});

interface ClaimsFlags extends UrlFlags {
  client?: string;
  user?: string;
  claim?: string[];
  sticky?: boolean;
  clear?: boolean;
}

export const claims = verb({
  name: 'claims',
  summary: 'set claims for the next token of a client or user (or every token with --sticky)',
  options: [
    new Option('--client <id>', 'for tokens issued to this client'),
    new Option('--user <name>', 'for tokens of this user'),
    repeatable('--claim <k=v>', 'claim (JSON pointer or name = JSON or string); repeatable'),
    new Option('--sticky', 'keep applying until cleared'),
    new Option('--clear', 'drop all pending claims'),
    ...urlOptions(),
  ],
  examples: [
    'authctl idp claims --client ci --claim org_id=42',
    'authctl idp claims --user alice --claim /org/id=7 --sticky',
    'authctl idp claims --clear',
  ],
  parse({ flags }: { flags: ClaimsFlags }) {
    if (flags.clear) return { ...flags, claims: undefined };
    if (!flags.client === !flags.user)
      throw usageError('ERR_BAD_ARGUMENT', 'give exactly one of --client or --user', {
        where: 'authctl idp claims',
      });
    const claims = claimsOf(flags.claim);
    if (!claims)
      throw usageError('ERR_BAD_ARGUMENT', 'no --claim given', {
        where: '--claim',
        hint: 'e.g. --claim org_id=42',
      });
    return { ...flags, claims };
  },
  async run(opts, _io, deps) {
    const target = await targetOf(opts, deps);
    if (opts.clear) return { value: { answer: await callControl(target, 'clearClaims'), opts } };
    const answer = await callControl(target, 'setClaims', {
      client_id: opts.client,
      user: opts.user,
      claims: opts.claims,
      sticky: opts.sticky,
    });
    return { value: { answer, opts } };
  },
  render: {
    json: answerJson,
    text: ({ opts }) =>
      opts.clear
        ? 'pending claims cleared'
        : `claims set for the ${opts.sticky ? 'following tokens' : 'next token'} of ${opts.client ? `client ${opts.client}` : `user ${opts.user}`}:\n${json(opts.claims)}`,
  },
});

interface DeviceFlags extends UrlFlags {
  outcome: string;
  after: string;
  sticky?: boolean;
}

export const device = verb({
  name: 'device',
  summary: 'script the outcome of the next device-flow authorizations (RFC 8628)',
  options: [
    new Option(
      '--outcome <outcome>',
      'approve | slow_down | expired_token | access_denied',
    ).makeOptionMandatory(),
    new Option('--after <n>', 'answer authorization_pending for N polls first').default('0'),
    new Option('--sticky', 'apply to every device authorization, not just the next'),
    ...urlOptions(),
  ],
  examples: [
    'authctl idp device --outcome approve --after 2',
    'authctl idp device --outcome slow_down',
    'authctl idp device --outcome access_denied --sticky',
  ],
  parse: ({ flags }: { flags: DeviceFlags }) => flags,
  async run(opts, _io, deps) {
    const answer = await callControl(await targetOf(opts, deps), 'scriptDevice', {
      outcome: opts.outcome,
      after: Number(opts.after),
      sticky: opts.sticky,
    });
    return { value: { answer, opts } };
  },
  render: {
    json: answerJson,
    text: ({ opts }) =>
      `next device authorization${opts.sticky ? 's' : ''}: ${opts.outcome} after ${opts.after} pending poll(s)`,
  },
});

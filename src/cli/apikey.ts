import { Option, type Command } from 'commander';
import { EXIT_CODES, usageError } from '../core/errors.js';
import type { VerifyApiKeyResult } from '../core/apikey/index.js';
import {
  APIKEY_EXIT_CODES,
  colorStatus,
  core,
  infoText,
  issuedNotice,
  issuedRenderers,
  openStore,
  secondsOf as seconds,
  secretArgument,
  shortTime,
  storeOption,
  type Issued,
} from './apikey-common.js';
import { exportKeys, mask, revoke, rotate } from './apikey-manage.js';
import { declareAll, verb, type RenderContext } from './command.js';
import type { CliContext } from './context.js';
import { examples, table } from './output.js';
import { collect } from './flag-values.js';

interface CreateFlags {
  store?: string;
  name: string;
  prefix?: string;
  scope?: string[];
  tenant?: string;
  expires?: string;
}

export const create = verb({
  name: 'create',
  summary: 'create a key and print it once (bare when piped, boxed on a terminal)',
  options: [
    new Option('--name <name>', 'name of the key (unique among active keys)').makeOptionMandatory(),
    new Option(
      '--prefix <prefix>',
      'key prefix, e.g. ak_test or rk_live (default [apikey].prefix, else ak_test)',
    ),
    new Option('--scope <scope>', 'scope granted to the key (repeatable)').argParser(collect),
    new Option('--tenant <tenant>', 'tenant the key belongs to'),
    new Option(
      '--expires <duration>',
      'lifetime: 30d, 12h, ... (default [apikey].expires, else never)',
    ),
    storeOption(),
  ],
  examples: [
    'authctl apikey create --name ci',
    'authctl apikey create --name billing --prefix rk_live --scope read --scope write --tenant acme --expires 30d',
    'KEY=$(authctl apikey create --name ci-job)',
    'authctl apikey create --name ci --json | jq -r .key',
  ],
  parse: ({ flags }: { flags: CreateFlags }) => ({
    store: flags.store,
    name: flags.name,
    prefix: flags.prefix,
    scopes: flags.scope ?? [],
    tenant: flags.tenant,
    expiresIn: seconds(flags.expires, '--expires'),
  }),
  async run(opts, io, deps) {
    const { store, config, now } = await openStore(deps, io, opts.store, true);
    const result = await (
      await core()
    ).createApiKey({
      store,
      now,
      name: opts.name,
      prefix: opts.prefix ?? config.prefix,
      scopes: opts.scopes.length ? opts.scopes : config.scopes,
      tenant: opts.tenant ?? config.tenant,
      expiresIn: opts.expiresIn ?? seconds(config.expires, '[apikey].expires'),
    });
    return { value: { result, verb: 'created' } as Issued };
  },
  render: { ...issuedRenderers, status: issuedNotice },
});

const storeOnly = ({ flags }: { flags: { store?: string } }) => ({ store: flags.store });

export const list = verb({
  name: 'list',
  summary: 'list keys, masked, with their status',
  options: [storeOption()],
  examples: [
    'authctl apikey list',
    'authctl apikey list --json | jq -r \'.[] | select(.status == "active") | .id\'',
  ],
  parse: storeOnly,
  async run(opts, io, deps) {
    const { store, now } = await openStore(deps, io, opts.store, false);
    return { value: { store, keys: await (await core()).listApiKeys({ store, now }) } };
  },
  render: {
    json: ({ keys }) => keys,
    text: ({ keys }, rc) =>
      keys.length
        ? table(
            keys.map((k) => [
              k.id,
              k.name,
              k.masked,
              colorStatus(rc, k.status),
              k.scopes.join(' ') || '-',
              k.tenant ?? '-',
              shortTime(k.createdAt),
              shortTime(k.validUntil),
            ]),
            ['ID', 'NAME', 'KEY', 'STATUS', 'SCOPES', 'TENANT', 'CREATED', 'VALID UNTIL'],
          )
        : '',
    status: ({ store, keys }, rc) =>
      keys.length || rc.format === 'json' ? undefined : `no API keys in ${store}`,
  },
});

const refAndStore = ({ args, flags }: { args: unknown[]; flags: { store?: string } }) => ({
  ref: String(args[0]),
  store: flags.store,
});

export const show = verb({
  name: 'show <id>',
  summary: 'show one key (by id or unique name), masked',
  options: [storeOption()],
  examples: ['authctl apikey show ci', 'authctl apikey show key_3fA9cQ1bX0pZ --json'],
  parse: refAndStore,
  async run(opts, io, deps) {
    const { store, now } = await openStore(deps, io, opts.store, false);
    return { value: await (await core()).getApiKey({ store, now, ref: opts.ref }) };
  },
  render: { text: infoText },
});

function renderVerdict(r: VerifyApiKeyResult, { color: c }: RenderContext): string {
  if (!r.valid) return `${c.red('rejected')} (${r.reason}): ${r.message}`;
  const key = r.key
    ? `\n  scopes: ${r.key.scopes.join(' ') || '-'}  tenant: ${r.key.tenant ?? '-'}`
    : '';
  return `${c.green('valid')}: ${r.message.replace(/^valid: /, '')}${key}`;
}

export const verify = verb({
  name: 'verify [key]',
  summary:
    'check a key: format, checksum, known, not expired, not revoked (exit 0 valid, 1 rejected)',
  options: [storeOption()],
  examples: [
    'printf %s "$KEY" | authctl apikey verify',
    'authctl apikey verify "$KEY" --json',
    'authctl apikey verify - < key.txt',
  ],
  parse: ({ args, flags }: { args: unknown[]; flags: { store?: string } }) => ({
    key: args[0] as string | undefined,
    store: flags.store,
  }),
  async run(opts, io, deps) {
    const key = await secretArgument(io, opts.key, 'KEY');
    if (!key.trim())
      throw usageError('ERR_APIKEY_NO_INPUT', 'no key given (empty input)', {
        where: 'KEY',
        hint: 'pass the key as an argument, or pipe it: printf %s "$KEY" | authctl apikey verify',
      });
    const { store, now } = await openStore(deps, io, opts.store, false);
    const result = await (await core()).verifyApiKey({ store, now, key });
    return { value: result, exitCode: result.valid ? EXIT_CODES.ok : EXIT_CODES.check };
  },
  render: {
    text: renderVerdict,
    json: (r) => ({ valid: r.valid, reason: r.reason, message: r.message, key: r.key ?? null }),
  },
});

export function register(program: Command, ctx: CliContext): void {
  const apikey = program
    .command('apikey')
    .description(
      'create, list, verify, rotate, revoke and export API keys (only hashes are stored)',
    )
    .addHelpText(
      'after',
      examples([
        'authctl apikey create --name ci --scope read --expires 30d',
        'authctl apikey list',
        'printf %s "$KEY" | authctl apikey verify',
        'authctl apikey rotate ci --grace 24h',
        'authctl apikey export --format env > service.env',
      ]) + APIKEY_EXIT_CODES,
    );
  declareAll(apikey, [create, list, show, verify, rotate, revoke, exportKeys, mask], ctx);
  apikey.commands.find((c) => c.name() === 'verify')?.addHelpText('after', APIKEY_EXIT_CODES);
}

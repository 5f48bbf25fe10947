import path from 'node:path';
import type { Command } from 'commander';
import { usageError } from '../core/errors.js';
import { parseDuration } from '../core/duration.js';
import { mask } from '../core/mask.js';
import { ensurePrivateDir } from '../core/fs/atomic.js';
import type { ApiKeyInfo, CreateApiKeyResult } from '../core/apikey/index.js';

/** The API key core (and zod with it) loads only for commands that use the store, not for `mask`. */
const core = () => import('../core/apikey/index.js');
import type { ApikeyConfig } from '../core/config/sections/apikey.js';
import { readAll } from './stdin.js';
import type { CliContext } from './context.js';
import { examples, table } from './output.js';
import { ExitStatus } from './command.js';

/** Reads all of a stream (stdin) as UTF-8. */
export async function readStdin(stream: NodeJS.ReadableStream): Promise<string> {
  return (await readAll(stream)).toString('utf8');
}

/** A box around lines, for the one time a raw key is shown on a terminal. */
export function renderBox(lines: string[]): string {
  const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').length;
  const width = Math.max(...lines.map(visible));
  const bar = '─'.repeat(width + 2);
  return [
    `┌${bar}┐`,
    ...lines.map((l) => `│ ${l}${' '.repeat(width - visible(l))} │`),
    `└${bar}┘`,
  ].join('\n');
}

const APIKEY_EXIT_CODES = `
Exit codes:
  0  ok (verify: the key is valid)
  1  verify rejected the key (the reason is printed)
  2  usage or input error: bad flag, unknown id, a store that does not parse or is newer
  3  environment error: lock timeout, unwritable directory
`;

interface StoreFlags {
  store?: string;
}

/** Where the store is and what the config says: --store, else [apikey].store, else <home>/apikeys.json. */
async function setup(
  ctx: CliContext,
  flags: StoreFlags,
  forWrite: boolean,
): Promise<{ store: string; config: ApikeyConfig; now: () => Date }> {
  const { config, filepath } = await ctx.config();
  const section = config.apikey ?? {};
  let store: string;
  if (flags.store) store = path.resolve(ctx.cwd, flags.store);
  else if (section.store)
    store = path.resolve(filepath ? path.dirname(filepath) : ctx.cwd, section.store);
  else {
    const home = await ctx.home();
    if (forWrite) await ensurePrivateDir(home);
    store = path.join(home, (await core()).DEFAULT_API_KEY_STORE_FILE);
  }
  ctx.out.debug(`apikey store: ${store}`);
  return { store, config: section, now: testClock(ctx) };
}

/**
 * AUTHCTL_TEST_NOW (test-only, documented as such): pretend the time is this ISO 8601 instant or
 * epoch seconds, so expiry and rotation grace can be tested without sleeping.
 */
function testClock(ctx: CliContext): () => Date {
  const fake = ctx.env.AUTHCTL_TEST_NOW;
  if (!fake) return () => new Date();
  const at = /^\d+(\.\d+)?$/.test(fake) ? new Date(Number(fake) * 1000) : new Date(fake);
  if (Number.isNaN(at.getTime())) {
    throw usageError('ERR_BAD_TEST_NOW', `invalid AUTHCTL_TEST_NOW "${fake}"`, {
      where: 'AUTHCTL_TEST_NOW',
      hint: 'use an ISO 8601 time or epoch seconds, or unset it',
    });
  }
  return () => at;
}

function seconds(value: string | number | undefined, flag: string): number | undefined {
  return value === undefined ? undefined : parseDuration(value, flag);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `KEY` argument, or stdin when it is `-` or absent (keeps the key out of shell history and `ps`). */
async function secretArgument(
  ctx: CliContext,
  value: string | undefined,
  label: string,
): Promise<string> {
  if (value !== undefined && value !== '-') return value;
  if (value === undefined && ctx.io.stdin.isTTY) {
    throw usageError('ERR_APIKEY_NO_INPUT', `no ${label} given`, {
      where: label,
      hint: `pass ${label} as an argument, or pipe it: printf %s "$KEY" | authctl apikey ...`,
    });
  }
  return (await readStdin(ctx.io.stdin)).replace(/\r?\n$/, '');
}

function shortTime(iso: string | null): string {
  return iso ? `${iso.slice(0, 16).replace('T', ' ')}Z` : '-';
}

function colorStatus(ctx: CliContext, status: ApiKeyInfo['status']): string {
  const c = ctx.out.color;
  return status === 'active'
    ? c.green(status)
    : status === 'grace'
      ? c.yellow(status)
      : c.red(status);
}

function describeLine(info: ApiKeyInfo): string {
  return `${info.id} (${info.name}) ${info.masked}`;
}

/** The one place a raw key is printed: bare on a pipe, boxed on a terminal, inside --json. */
async function showKeyOnce(
  ctx: CliContext,
  result: CreateApiKeyResult,
  verb: string,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const { key, info } = result;
  if (ctx.out.json) {
    ctx.out.jsonDocument({ key, ...(await core()).apiKeyInfoToJSON(info), ...extra });
    return;
  }
  if (ctx.out.stdoutIsTTY) {
    const c = ctx.out.color;
    ctx.out.data(
      renderBox([
        `${verb} API key ${info.name} (${info.id})`,
        '',
        key,
        '',
        c.yellow('Copy it now: it will not be shown again.'),
      ]),
    );
    return;
  }
  ctx.out.data(key);
  ctx.out.info(`${verb} ${describeLine(info)}; the key above will not be shown again`);
}

function infoText(info: ApiKeyInfo): string {
  const rows: [string, string][] = [
    ['id', info.id],
    ['name', info.name],
    ['key', info.masked],
    ['status', info.status],
    ['scopes', info.scopes.join(' ') || '-'],
    ['tenant', info.tenant ?? '-'],
    ['created', info.createdAt],
    ['expires', info.expiresAt ?? 'never'],
  ];
  if (info.rotatedAt)
    rows.push([
      'rotated',
      `${info.rotatedAt} (replaced by ${info.replacedBy}, grace until ${info.graceUntil})`,
    ]);
  if (info.rotatedFrom) rows.push(['replaces', info.rotatedFrom]);
  if (info.revokedAt) rows.push(['revoked', info.revokedAt]);
  rows.push(['sha256', info.sha256]);
  return table(rows.map(([k, v]) => [`${k}:`, v]));
}

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

  apikey
    .command('create')
    .description('create a key and print it once (bare when piped, boxed on a terminal)')
    .requiredOption('--name <name>', 'name of the key (unique among active keys)')
    .option(
      '--prefix <prefix>',
      'key prefix, e.g. ak_test or rk_live (default [apikey].prefix, else ak_test)',
    )
    .option('--scope <scope>', 'scope granted to the key (repeatable)', collect, [])
    .option('--tenant <tenant>', 'tenant the key belongs to')
    .option(
      '--expires <duration>',
      'lifetime: 30d, 12h, ... (default [apikey].expires, else never)',
    )
    .option('--store <file>', 'store file (default <home>/apikeys.json)')
    .addHelpText(
      'after',
      examples([
        'authctl apikey create --name ci',
        'authctl apikey create --name billing --prefix rk_live --scope read --scope write --tenant acme --expires 30d',
        'KEY=$(authctl apikey create --name ci-job)',
        'authctl apikey create --name ci --json | jq -r .key',
      ]),
    )
    .action(
      async (
        opts: StoreFlags & {
          name: string;
          prefix?: string;
          scope: string[];
          tenant?: string;
          expires?: string;
        },
      ) => {
        const { store, config, now } = await setup(ctx, opts, true);
        const { createApiKey } = await core();
        const result = await createApiKey({
          store,
          now,
          name: opts.name,
          prefix: opts.prefix ?? config.prefix,
          scopes: opts.scope.length ? opts.scope : config.scopes,
          tenant: opts.tenant ?? config.tenant,
          expiresIn:
            opts.expires !== undefined
              ? seconds(opts.expires, '--expires')
              : seconds(config.expires, '[apikey].expires'),
        });
        await showKeyOnce(ctx, result, 'created');
      },
    );

  apikey
    .command('list')
    .description('list keys, masked, with their status')
    .option('--store <file>', 'store file (default <home>/apikeys.json)')
    .addHelpText(
      'after',
      examples([
        'authctl apikey list',
        'authctl apikey list --json | jq -r \'.[] | select(.status == "active") | .id\'',
      ]),
    )
    .action(async (opts: StoreFlags) => {
      const { store, now } = await setup(ctx, opts, false);
      const { listApiKeys, apiKeyInfoToJSON } = await core();
      const keys = await listApiKeys({ store, now });
      if (!keys.length && !ctx.out.json) ctx.out.info(`no API keys in ${store}`);
      ctx.out.result(
        keys,
        (list) =>
          list.length
            ? table(
                list.map((k) => [
                  k.id,
                  k.name,
                  k.masked,
                  colorStatus(ctx, k.status),
                  k.scopes.join(' ') || '-',
                  k.tenant ?? '-',
                  shortTime(k.createdAt),
                  shortTime(k.validUntil),
                ]),
                ['ID', 'NAME', 'KEY', 'STATUS', 'SCOPES', 'TENANT', 'CREATED', 'VALID UNTIL'],
              )
            : '',
        (list) => list.map(apiKeyInfoToJSON),
      );
    });

  apikey
    .command('show')
    .description('show one key (by id or unique name), masked')
    .argument('<id>', 'key id, or a unique name')
    .option('--store <file>', 'store file (default <home>/apikeys.json)')
    .addHelpText(
      'after',
      examples(['authctl apikey show ci', 'authctl apikey show key_3fA9cQ1bX0pZ --json']),
    )
    .action(async (ref: string, opts: StoreFlags) => {
      const { store, now } = await setup(ctx, opts, false);
      const { getApiKey, apiKeyInfoToJSON } = await core();
      ctx.out.result(await getApiKey({ store, now, ref }), infoText, apiKeyInfoToJSON);
    });

  apikey
    .command('verify')
    .description(
      'check a key: format, checksum, known, not expired, not revoked (exit 0 valid, 1 rejected)',
    )
    .argument('[key]', 'the key; "-" or omitted reads it from stdin')
    .option('--store <file>', 'store file (default <home>/apikeys.json)')
    .addHelpText(
      'after',
      examples([
        'printf %s "$KEY" | authctl apikey verify',
        'authctl apikey verify "$KEY" --json',
        'authctl apikey verify - < key.txt',
      ]) + APIKEY_EXIT_CODES,
    )
    .action(async (value: string | undefined, opts: StoreFlags) => {
      const key = await secretArgument(ctx, value, 'KEY');
      if (!key.trim())
        throw usageError('ERR_APIKEY_NO_INPUT', 'no key given (empty input)', {
          where: 'KEY',
          hint: 'pass the key as an argument, or pipe it: printf %s "$KEY" | authctl apikey verify',
        });
      const { store, now } = await setup(ctx, opts, false);
      const { verifyApiKey, apiKeyInfoToJSON } = await core();
      const result = await verifyApiKey({ store, now, key });
      ctx.out.result(
        result,
        (r) =>
          r.valid
            ? `${ctx.out.color.green('valid')}: ${r.message.replace(/^valid: /, '')}${r.key ? `\n  scopes: ${r.key.scopes.join(' ') || '-'}  tenant: ${r.key.tenant ?? '-'}` : ''}`
            : `${ctx.out.color.red('rejected')} (${r.reason}): ${r.message}`,
        (r) => ({
          valid: r.valid,
          reason: r.reason,
          message: r.message,
          key: r.key ? apiKeyInfoToJSON(r.key) : null,
        }),
      );
      if (!result.valid) throw new ExitStatus(1);
    });

  apikey
    .command('rotate')
    .description('issue a successor key (printed once); the old key verifies until the grace ends')
    .argument('<id>', 'key id, or a unique name')
    .option(
      '--grace <duration>',
      'how long the old key keeps working (default [apikey].grace, else 24h; 0 = stop now)',
    )
    .option('--expires <duration>', "lifetime of the new key (default: the old key's lifetime)")
    .option('--store <file>', 'store file (default <home>/apikeys.json)')
    .addHelpText(
      'after',
      examples([
        'authctl apikey rotate ci',
        'authctl apikey rotate key_3fA9cQ1bX0pZ --grace 1h',
        'authctl apikey rotate ci --grace 0 --json',
      ]),
    )
    .action(async (ref: string, opts: StoreFlags & { grace?: string; expires?: string }) => {
      const { store, config, now } = await setup(ctx, opts, true);
      const grace =
        opts.grace !== undefined
          ? seconds(opts.grace, '--grace')!
          : seconds(config.grace ?? '24h', '[apikey].grace')!;
      const { rotateApiKey, apiKeyInfoToJSON } = await core();
      const result = await rotateApiKey({
        store,
        now,
        ref,
        grace,
        expiresIn: seconds(opts.expires, '--expires'),
      });
      await showKeyOnce(ctx, result, 'rotated', { previous: apiKeyInfoToJSON(result.previous) });
      if (!ctx.out.json)
        ctx.out.info(
          `old key ${describeLine(result.previous)} keeps verifying until ${result.previous.graceUntil}`,
        );
    });

  apikey
    .command('revoke')
    .description(
      'revoke at once: a key id, or every live key of a name (a rotated-out key in its grace too)',
    )
    .argument('<id>', 'key id, or a name')
    .option(
      '--only-current',
      'for a name: revoke only its newest key, leaving a rotated-out key valid until its grace ends',
    )
    .option('--store <file>', 'store file (default <home>/apikeys.json)')
    .addHelpText(
      'after',
      examples([
        'authctl apikey revoke ci                      # the key named ci, and its predecessor if still in grace',
        'authctl apikey revoke ci --only-current',
        'authctl apikey revoke key_3fA9cQ1bX0pZ --json',
      ]),
    )
    .action(async (ref: string, opts: StoreFlags & { onlyCurrent?: boolean }) => {
      const { store, now } = await setup(ctx, opts, true);
      const { revokeApiKey, apiKeyInfoToJSON } = await core();
      const result = await revokeApiKey({ store, now, ref, onlyCurrent: opts.onlyCurrent });
      ctx.out.result(
        result,
        (r) =>
          [
            ...(r.alreadyRevoked
              ? [`already revoked: ${describeLine(r.info)} at ${r.info.revokedAt}`]
              : r.revoked.map((i) => `revoked: ${describeLine(i)} at ${i.revokedAt}`)),
            ...r.stillValid.map(
              (i) =>
                `still valid: ${describeLine(i)} (${i.status}${i.graceUntil ? ` until ${i.graceUntil}` : ''}; revoke it by id, or without --only-current)`,
            ),
          ].join('\n'),
        (r) => ({
          ...apiKeyInfoToJSON(r.info),
          already_revoked: r.alreadyRevoked,
          revoked: r.revoked.map(apiKeyInfoToJSON),
          still_valid: r.stillValid.map(apiKeyInfoToJSON),
        }),
      );
    });

  apikey
    .command('export')
    .description('print hashes and metadata to seed a service (never raw keys)')
    .option('--format <format>', 'json or env', 'json')
    .option('--valid-only', 'only keys that verify now')
    .option(
      '--header <name>',
      'header services read the key from (default [apikey].header, else X-API-Key)',
    )
    .option(
      '--env-prefix <prefix>',
      'variable prefix for --format env (default [apikey].env_prefix, else AUTHCTL_APIKEY)',
    )
    .option('--store <file>', 'store file (default <home>/apikeys.json)')
    .addHelpText(
      'after',
      examples([
        'authctl apikey export > apikeys.export.json',
        'authctl apikey export --format env --valid-only --env-prefix API_KEYS > .env.apikeys',
      ]),
    )
    .action(
      async (
        opts: StoreFlags & {
          format: string;
          validOnly?: boolean;
          header?: string;
          envPrefix?: string;
        },
      ) => {
        if (opts.format !== 'json' && opts.format !== 'env') {
          throw usageError('ERR_APIKEY_EXPORT_FORMAT', `unknown export format "${opts.format}"`, {
            where: '--format',
            hint: 'use --format json or --format env',
          });
        }
        const { store, config, now } = await setup(ctx, opts, false);
        const { exportApiKeys, renderApiKeyExportEnv } = await core();
        const doc = await exportApiKeys({
          store,
          now,
          header: opts.header ?? config.header,
          validOnly: opts.validOnly,
        });
        if (opts.format === 'env')
          ctx.out.raw('stdout', renderApiKeyExportEnv(doc, opts.envPrefix ?? config.env_prefix));
        else ctx.out.jsonDocument(doc);
      },
    );

  apikey
    .command('mask')
    .description('mask a key, token or secret the way authctl does everywhere')
    .argument('[value]', 'the secret; "-" or omitted reads it from stdin')
    .addHelpText(
      'after',
      examples([
        'authctl apikey mask ak_test_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
        'printf %s "$TOKEN" | authctl apikey mask',
      ]),
    )
    .action(async (value: string | undefined) => {
      const secret = await secretArgument(ctx, value, 'VALUE');
      ctx.out.result(
        mask(secret),
        (m) => m,
        (m) => ({ masked: m }),
      );
    });
}

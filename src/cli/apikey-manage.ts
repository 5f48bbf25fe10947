import { Option } from 'commander';
import type { ApiKeyExport, RevokeApiKeyResult } from '../core/apikey/index.js';
import { usageError } from '../core/errors.js';
import { mask as maskSecret } from '../core/mask.js';
import {
  core,
  describeLine,
  issuedNotice,
  issuedRenderers,
  openStore,
  secondsOf as seconds,
  secretArgument,
  storeOption,
  type Issued,
} from './apikey-common.js';
import { verb, type RenderContext } from './command.js';
import { jsonText } from './output.js';

export const rotate = verb({
  name: 'rotate <id>',
  summary: 'issue a successor key (printed once); the old key verifies until the grace ends',
  options: [
    new Option(
      '--grace <duration>',
      'how long the old key keeps working (default [apikey].grace, else 24h; 0 = stop now)',
    ),
    new Option('--expires <duration>', "lifetime of the new key (default: the old key's lifetime)"),
    storeOption(),
  ],
  examples: [
    'authctl apikey rotate ci',
    'authctl apikey rotate key_3fA9cQ1bX0pZ --grace 1h',
    'authctl apikey rotate ci --grace 0 --json',
  ],
  parse: ({
    args,
    flags,
  }: {
    args: unknown[];
    flags: { store?: string; grace?: string; expires?: string };
  }) => ({
    ref: String(args[0]),
    store: flags.store,
    grace: seconds(flags.grace, '--grace'),
    expiresIn: seconds(flags.expires, '--expires'),
  }),
  async run(opts, io, deps) {
    const { store, config, now } = await openStore(deps, io, opts.store, true);
    const { rotateApiKey } = await core();
    const result = await rotateApiKey({
      store,
      now,
      ref: opts.ref,
      grace: opts.grace ?? seconds(config.grace ?? '24h', '[apikey].grace')!,
      expiresIn: opts.expiresIn,
    });
    const issued: Issued = { result, verb: 'rotated', extra: { previous: result.previous } };
    return { value: issued };
  },
  render: {
    ...issuedRenderers,
    status: (issued, rc) => {
      if (rc.format === 'json') return undefined;
      const previous = (issued.extra!.previous as Issued['result']['info'] & {
        graceUntil: string;
      })!;
      const old = `old key ${describeLine(previous)} keeps verifying until ${previous.graceUntil}`;
      return [issuedNotice(issued, rc), old].filter(Boolean).join('\n');
    },
  },
});

function renderRevoked(r: RevokeApiKeyResult): string {
  return [
    ...(r.alreadyRevoked
      ? [`already revoked: ${describeLine(r.info)} at ${r.info.revokedAt}`]
      : r.revoked.map((i) => `revoked: ${describeLine(i)} at ${i.revokedAt}`)),
    ...r.stillValid.map(
      (i) =>
        `still valid: ${describeLine(i)} (${i.status}${i.graceUntil ? ` until ${i.graceUntil}` : ''}; revoke it by id, or without --only-current)`,
    ),
  ].join('\n');
}

export const revoke = verb({
  name: 'revoke <id>',
  summary:
    'revoke at once: a key id, or every live key of a name (a rotated-out key in its grace too)',
  options: [
    new Option(
      '--only-current',
      'for a name: revoke only its newest key, leaving a rotated-out key valid until its grace ends',
    ),
    storeOption(),
  ],
  examples: [
    'authctl apikey revoke ci                      # the key named ci, and its predecessor if still in grace',
    'authctl apikey revoke ci --only-current',
    'authctl apikey revoke key_3fA9cQ1bX0pZ --json',
  ],
  parse: ({
    args,
    flags,
  }: {
    args: unknown[];
    flags: { store?: string; onlyCurrent?: boolean };
  }) => ({
    ref: String(args[0]),
    store: flags.store,
    onlyCurrent: flags.onlyCurrent === true,
  }),
  async run(opts, io, deps) {
    const { store, now } = await openStore(deps, io, opts.store, true);
    const { revokeApiKey } = await core();
    return {
      value: await revokeApiKey({ store, now, ref: opts.ref, onlyCurrent: opts.onlyCurrent }),
    };
  },
  render: {
    text: renderRevoked,
    json: (r) => ({
      ...r.info,
      alreadyRevoked: r.alreadyRevoked,
      revoked: r.revoked,
      stillValid: r.stillValid,
    }),
  },
});

const EXPORT_FORMATS = ['json', 'env'] as const;

/**
 * `apikey export`: a seed file for services. Its JSON is the versioned `authctl-apikeys` file format
 * that services load (snake_case, documented in docs/output.md), not a CLI report.
 */
export const exportKeys = verb({
  name: 'export',
  summary: 'print hashes and metadata to seed a service (never raw keys)',
  options: [
    new Option('--format <format>', 'json or env').default('json'),
    new Option('--valid-only', 'only keys that verify now'),
    new Option(
      '--header <name>',
      'header services read the key from (default [apikey].header, else X-API-Key)',
    ),
    new Option(
      '--env-prefix <prefix>',
      'variable prefix for --format env (default [apikey].env_prefix, else AUTHCTL_APIKEY)',
    ),
    storeOption(),
  ],
  examples: [
    'authctl apikey export > apikeys.export.json',
    'authctl apikey export --format env --valid-only --env-prefix API_KEYS > .env.apikeys',
  ],
  parse: ({
    flags,
  }: {
    flags: {
      store?: string;
      format: string;
      validOnly?: boolean;
      header?: string;
      envPrefix?: string;
    };
  }) => {
    if (!(EXPORT_FORMATS as readonly string[]).includes(flags.format))
      throw usageError('ERR_APIKEY_EXPORT_FORMAT', `unknown export format "${flags.format}"`, {
        where: '--format',
        hint: 'use --format json or --format env',
      });
    return {
      store: flags.store,
      env: flags.format === 'env',
      validOnly: flags.validOnly === true,
      header: flags.header,
      envPrefix: flags.envPrefix,
    };
  },
  async run(opts, io, deps) {
    const { store, config, now } = await openStore(deps, io, opts.store, false);
    const { exportApiKeys, renderApiKeyExportEnv } = await core();
    const doc = await exportApiKeys({
      store,
      now,
      header: opts.header ?? config.header,
      validOnly: opts.validOnly,
    });
    const env = opts.env
      ? renderApiKeyExportEnv(doc, opts.envPrefix ?? config.env_prefix)
      : undefined;
    return { value: { doc, env } as { doc: ApiKeyExport; env?: string } };
  },
  render: {
    text: ({ doc, env }) => env ?? jsonText(doc),
    json: ({ doc }) => doc,
  },
});

export const mask = verb({
  name: 'mask [value]',
  summary: 'mask a key, token or secret the way authctl does everywhere',
  examples: [
    'authctl apikey mask ak_test_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
    'printf %s "$TOKEN" | authctl apikey mask',
  ],
  parse: ({ args }: { args: unknown[] }) => ({ value: args[0] as string | undefined }),
  async run(opts, io) {
    return { value: maskSecret(await secretArgument(io, opts.value, 'VALUE')) };
  },
  render: { text: (m: string, _rc: RenderContext) => m, json: (m) => ({ masked: m }) },
});

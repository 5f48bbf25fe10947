import { Option, type Command } from 'commander';
import type { JWK } from 'jose';
import { parseDuration } from '../core/duration.js';
import { usageError } from '../core/errors.js';
import { isHmac, parseAlgorithm } from '../core/keys/algorithms.js';
// require()'s node:fs: an ESM import of it loads fs streams for every `keys` command (node.ts).
import { nodeFs } from '../core/node.js';
import type { Keystore } from '../core/keys/keystore.js';
import type { KeyRecord } from '../core/keys/keyring.js';
import { declareAll, verb, type Deps, type Io } from './command.js';
import type { CliContext } from './context.js';
import { exportVerb } from './keys-export.js';
import { examples, jsonText, table } from './output.js';
import { rsaBitsOption } from './flag-values.js';
import { openKeystore } from './keystore.js';

/** What listings show of a key: never the private part. */
function describeKey(key: KeyRecord) {
  return {
    kid: key.kid,
    alg: key.alg,
    status: key.status,
    createdAt: key.createdAt,
    activatedAt: key.activatedAt,
    graceUntil: key.graceUntil,
    retiredAt: key.retiredAt,
    origin: key.origin,
    published: Boolean(key.publicJwk) && ['active', 'published', 'grace'].includes(key.status),
  };
}
type KeyView = ReturnType<typeof describeKey>;

export const list = verb({
  name: 'list',
  summary: 'list keys: kid, alg, created, status (active, published, grace, retired)',
  examples: ['authctl keys list', 'authctl keys list --json'],
  parse: () => ({}),
  async run(_opts, io, deps) {
    const keystore = await openKeystore(deps, io);
    return { value: { file: keystore.file, keys: (await keystore.list()).map(describeKey) } };
  },
  render: {
    json: (v) => v.keys,
    text: ({ file, keys }) =>
      keys.length
        ? table(
            keys.map((k) => [
              k.kid,
              k.alg,
              k.createdAt,
              k.status + (k.status === 'grace' && k.graceUntil ? ` until ${k.graceUntil}` : ''),
              k.origin,
            ]),
            ['KID', 'ALG', 'CREATED', 'STATUS', 'ORIGIN'],
          )
        : `no keys yet in ${file} (they are created on first use, e.g. by \`authctl token mint\`)`,
  },
});

const STAGES = ['publish', 'activate', 'retire'] as const;
type Stage = (typeof STAGES)[number];

/** --grace: a duration, never negative (the config's keys.grace is checked when it is used). */
function graceSeconds(value: string | number, where: string): number {
  const seconds = parseDuration(value, where);
  if (seconds < 0)
    throw usageError('ERR_BAD_DURATION', `${where} cannot be negative`, {
      where,
      hint: 'e.g. --grace 1h; use --drop-old to remove the old key at once',
    });
  return seconds;
}

export const rotate = verb({
  name: 'rotate',
  summary:
    'make a new active key; the old one stays in the JWKS for --grace so its tokens still verify',
  options: [
    new Option('--alg <alg>', 'which algorithm’s key to rotate').default('RS256'),
    new Option(
      '--grace <duration>',
      'how long the old key stays published (default: config keys.grace, else 24h)',
    ),
    new Option('--drop-old', 'remove the old key from the JWKS at once'),
    new Option(
      '--stage <stage>',
      'staged rotation: publish (new key in JWKS only), activate (sign with it), retire (drop grace keys)',
    ),
    new Option('--bits <n>', 'RSA modulus size for the new key').argParser(rsaBitsOption),
  ],
  examples: [
    'authctl keys rotate',
    'authctl keys rotate --alg ES256 --grace 10m',
    'authctl keys rotate --stage publish && authctl keys rotate --stage activate && authctl keys rotate --stage retire',
  ],
  parse({
    flags,
  }: {
    flags: { alg: string; grace?: string; dropOld?: boolean; stage?: string; bits?: number };
  }) {
    if (flags.stage !== undefined && !(STAGES as readonly string[]).includes(flags.stage))
      throw usageError('ERR_BAD_STAGE', `unknown stage "${flags.stage}"`, {
        where: '--stage',
        hint: 'use publish, activate or retire (or omit --stage for all at once)',
      });
    return {
      alg: parseAlgorithm(flags.alg),
      graceSeconds: flags.grace === undefined ? undefined : graceSeconds(flags.grace, '--grace'),
      dropOld: flags.dropOld === true,
      stage: (flags.stage as Stage | undefined) ?? ('all' as const),
      bits: flags.bits,
    };
  },
  async run(opts, io, deps) {
    const { config } = await deps.config();
    const configured = config.keys?.grace;
    const keystore = await openKeystore(deps, io, opts.bits);
    const result = await keystore.rotate({
      alg: opts.alg,
      graceSeconds:
        opts.graceSeconds ??
        (configured === undefined ? undefined : graceSeconds(configured, 'keys.grace in config')),
      dropOld: opts.dropOld,
      stage: opts.stage,
      rsaBits: opts.bits,
    });
    return {
      value: {
        activated: result.activated && describeKey(result.activated),
        published: result.published && describeKey(result.published),
        demoted: result.demoted.map(describeKey),
        retired: result.retired.map(describeKey),
      },
    };
  },
  render: { text: renderRotation },
});

function renderRotation(s: {
  activated?: KeyView;
  published?: KeyView;
  demoted: KeyView[];
  retired: KeyView[];
}): string {
  const lines: string[] = [];
  if (s.published)
    lines.push(
      `published ${s.published.kid} (${s.published.alg}); activate it with --stage activate`,
    );
  if (s.activated) lines.push(`active key is now ${s.activated.kid} (${s.activated.alg})`);
  // HMAC secrets are never in the JWKS; token verify still accepts them during the grace period.
  const where = (k: { alg: string }) =>
    k.alg.startsWith('HS') ? 'accepted by `authctl token verify`' : 'in the JWKS';
  for (const k of s.demoted)
    lines.push(
      k.status === 'grace'
        ? `old key ${k.kid} stays ${where(k)} until ${k.graceUntil}`
        : `old key ${k.kid} no longer ${where(k)}`,
    );
  for (const k of s.retired) lines.push(`retired ${k.kid}`);
  return lines.join('\n') || 'nothing to do';
}

/**
 * An empty JWKS on a fresh keystore would make a service trust nothing while looking configured: create
 * the key `authctl token mint` would sign with (its default algorithm), as mint does, and say so.
 */
async function firstUseJwks(deps: Deps, io: Io, keystore: Keystore): Promise<{ keys: JWK[] }> {
  const { config } = await deps.config();
  const { resolveTokenSettings } = await import('../core/token/settings.js');
  const { alg } = resolveTokenSettings(config, undefined, {});
  if (isHmac(alg)) {
    io.warn(
      `the JWKS is empty: the default algorithm ${alg} ([token] alg in config) uses a shared secret, which is never published; mint with an asymmetric --alg (e.g. RS256) to publish a key`,
    );
    return keystore.jwks();
  }
  const { record } = await keystore.signingKey(alg);
  io.info(
    `created the ${alg} signing key ${record.kid} in ${keystore.file} (first use, as \`authctl token mint\` does)`,
  );
  return keystore.jwks();
}

export const jwks = verb({
  name: 'jwks',
  summary:
    'print the public JWKS (active, published and grace keys) as JSON on stdout; creates the default signing key on first use, like token mint',
  examples: ['authctl keys jwks', 'authctl keys jwks > service/jwks.json'],
  parse: () => ({}),
  async run(_opts, io, deps) {
    const keystore = await openKeystore(deps, io);
    const value = await keystore.jwks();
    return { value: value.keys.length ? value : await firstUseJwks(deps, io, keystore) };
  },
  // The JWKS is JSON whatever the format: it is what services are given.
  render: { text: (value) => jsonText(value) },
});

export const importKey = verb({
  name: 'import <file>',
  summary:
    'import a private key (PEM: PKCS#8, SEC1, PKCS#1; or JWK) as the active key for its algorithm',
  options: [
    new Option('--alg <alg>', 'algorithm (default: from the key, e.g. RS256 for RSA)'),
    new Option('--inactive', 'publish it without making it the signing key'),
  ],
  examples: [
    'authctl keys import private.pem',
    'authctl keys import rsa.pem --alg PS256',
    'authctl keys import key.jwk.json --inactive',
  ],
  parse: ({ args, flags }: { args: unknown[]; flags: { alg?: string; inactive?: boolean } }) => ({
    file: String(args[0]),
    alg: flags.alg === undefined ? undefined : parseAlgorithm(flags.alg),
    activate: !flags.inactive,
  }),
  async run(opts, io, deps) {
    let bytes: Uint8Array;
    try {
      bytes = await nodeFs.promises.readFile(opts.file);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw usageError('ERR_KEY_FILE', `cannot read ${opts.file}: ${reason}`, {
        where: opts.file,
        hint: 'check the path',
      });
    }
    const { decodeText } = await import('../core/fs/text.js');
    const text = decodeText(bytes, opts.file, { what: 'key file' });
    const keystore = await openKeystore(deps, io);
    const record = await keystore.importKey(text, opts.file, {
      alg: opts.alg,
      activate: opts.activate,
    });
    return { value: describeKey(record) };
  },
  render: { text: (k) => `imported ${k.kid} (${k.alg}) as ${k.status}` },
});

export function register(program: Command, ctx: CliContext): void {
  const keys = program
    .command('keys')
    .description("manage the mock issuer's signing keys (list, rotate, jwks, import, export)")
    .addHelpText(
      'after',
      examples([
        'authctl keys list',
        'authctl keys rotate --alg RS256 --grace 1h',
        'authctl keys jwks > jwks.json',
        'authctl keys import key.pem --alg PS256',
      ]),
    );
  declareAll(keys, [list, rotate, jwks, importKey, exportVerb], ctx);
}

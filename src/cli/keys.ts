import { promises as fs } from 'node:fs';
import type { Command } from 'commander';
import { parseDuration } from '../core/duration.js';
import { usageError } from '../core/errors.js';
import type { JWK } from 'jose';
import { isHmac, parseAlgorithm } from '../core/keys/algorithms.js';
import type { Keystore } from '../core/keys/keystore.js';
import type { KeyRecord } from '../core/keys/keyring.js';
import type { CliContext } from './context.js';
import { examples, table } from './output.js';
import { allOptions, openKeystore, rsaBitsOption } from './shared.js';

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

/**
 * An empty JWKS on a fresh keystore would make a service trust nothing while looking configured: create
 * the key `authctl token mint` would sign with (its default algorithm), as mint does, and say so.
 */
async function firstUseJwks(ctx: CliContext, keystore: Keystore): Promise<{ keys: JWK[] }> {
  const { config } = await ctx.config();
  const { resolveTokenSettings } = await import('../core/token/settings.js');
  const { alg } = resolveTokenSettings(config, undefined, {});
  if (isHmac(alg)) {
    ctx.out.warn(
      `the JWKS is empty: the default algorithm ${alg} ([token] alg in config) uses a shared secret, which is never published; mint with an asymmetric --alg (e.g. RS256) to publish a key`,
    );
    return keystore.jwks();
  }
  const { record } = await keystore.signingKey(alg);
  ctx.out.info(
    `created the ${alg} signing key ${record.kid} in ${keystore.file} (first use, as \`authctl token mint\` does)`,
  );
  return keystore.jwks();
}

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

  keys
    .command('list')
    .description('list keys: kid, alg, created, status (active, published, grace, retired)')
    .addHelpText('after', examples(['authctl keys list', 'authctl keys list --json']))
    .action(async () => {
      const keystore = await openKeystore(ctx);
      const list = (await keystore.list()).map(describeKey);
      ctx.out.result(list, (rows) =>
        rows.length
          ? table(
              rows.map((k) => [
                k.kid,
                k.alg,
                k.createdAt,
                k.status + (k.status === 'grace' && k.graceUntil ? ` until ${k.graceUntil}` : ''),
                k.origin,
              ]),
              ['KID', 'ALG', 'CREATED', 'STATUS', 'ORIGIN'],
            )
          : `no keys yet in ${keystore.file} (they are created on first use, e.g. by \`authctl token mint\`)`,
      );
    });

  keys
    .command('rotate')
    .description(
      'make a new active key; the old one stays in the JWKS for --grace so its tokens still verify',
    )
    .option('--alg <alg>', 'which algorithm’s key to rotate', 'RS256')
    .option(
      '--grace <duration>',
      'how long the old key stays published (default: config keys.grace, else 24h)',
    )
    .option('--drop-old', 'remove the old key from the JWKS at once')
    .option(
      '--stage <stage>',
      'staged rotation: publish (new key in JWKS only), activate (sign with it), retire (drop grace keys)',
    )
    .option('--bits <n>', 'RSA modulus size for the new key', rsaBitsOption)
    .addHelpText(
      'after',
      examples([
        'authctl keys rotate',
        'authctl keys rotate --alg ES256 --grace 10m',
        'authctl keys rotate --stage publish && authctl keys rotate --stage activate && authctl keys rotate --stage retire',
      ]),
    )
    .action(async (_options, command: Command) => {
      const flags = allOptions<{
        alg: string;
        grace?: string;
        dropOld?: boolean;
        stage?: string;
        bits?: number;
      }>(command);
      if (flags.stage && !['publish', 'activate', 'retire'].includes(flags.stage)) {
        throw usageError('ERR_BAD_STAGE', `unknown stage "${flags.stage}"`, {
          where: '--stage',
          hint: 'use publish, activate or retire (or omit --stage for all at once)',
        });
      }
      const { config } = await ctx.config();
      const keystore = await openKeystore(ctx, flags.bits);
      const grace = flags.grace ?? config.keys?.grace;
      const graceWhere = flags.grace !== undefined ? '--grace' : 'keys.grace in config';
      const graceSeconds = grace !== undefined ? parseDuration(grace, graceWhere) : undefined;
      if (graceSeconds !== undefined && graceSeconds < 0) {
        throw usageError('ERR_BAD_DURATION', `${graceWhere} cannot be negative`, {
          where: graceWhere,
          hint: 'e.g. --grace 1h; use --drop-old to remove the old key at once',
        });
      }
      const result = await keystore.rotate({
        alg: parseAlgorithm(flags.alg),
        graceSeconds,
        dropOld: flags.dropOld,
        stage: (flags.stage as 'publish' | 'activate' | 'retire' | undefined) ?? 'all',
        rsaBits: flags.bits,
      });
      const summary = {
        activated: result.activated && describeKey(result.activated),
        published: result.published && describeKey(result.published),
        demoted: result.demoted.map(describeKey),
        retired: result.retired.map(describeKey),
      };
      ctx.out.result(summary, (s) => {
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
      });
    });

  keys
    .command('jwks')
    .description(
      'print the public JWKS (active, published and grace keys) as JSON on stdout; creates the default signing key on first use, like token mint',
    )
    .addHelpText('after', examples(['authctl keys jwks', 'authctl keys jwks > service/jwks.json']))
    .action(async () => {
      const keystore = await openKeystore(ctx);
      let jwks = await keystore.jwks();
      if (jwks.keys.length === 0) jwks = await firstUseJwks(ctx, keystore);
      ctx.out.jsonDocument(jwks);
    });

  keys
    .command('import <file>')
    .description(
      'import a private key (PEM: PKCS#8, SEC1, PKCS#1; or JWK) as the active key for its algorithm',
    )
    .option('--alg <alg>', 'algorithm (default: from the key, e.g. RS256 for RSA)')
    .option('--inactive', 'publish it without making it the signing key')
    .addHelpText(
      'after',
      examples([
        'authctl keys import private.pem',
        'authctl keys import rsa.pem --alg PS256',
        'authctl keys import key.jwk.json --inactive',
      ]),
    )
    .action(async (file: string, _options, command: Command) => {
      const flags = allOptions<{ alg?: string; inactive?: boolean }>(command);
      let bytes: Uint8Array;
      try {
        bytes = await fs.readFile(file);
      } catch (error) {
        throw usageError(
          'ERR_KEY_FILE',
          `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
          { where: file, hint: 'check the path' },
        );
      }
      const { decodeText } = await import('../core/fs/text.js');
      const text = decodeText(bytes, file, { what: 'key file' });
      const keystore = await openKeystore(ctx);
      const record = await keystore.importKey(text, file, {
        alg: flags.alg ? parseAlgorithm(flags.alg) : undefined,
        activate: !flags.inactive,
      });
      ctx.out.result(describeKey(record), (k) => `imported ${k.kid} (${k.alg}) as ${k.status}`);
    });

  keys
    .command('export')
    .description(
      'print public keys (JWKS, or PEM with --pem); --private includes private keys (handle with care)',
    )
    .option('--kid <kid>', 'only this key')
    .option('--pem', 'PEM (SPKI, or PKCS#8 with --private) instead of JWK')
    .option('--private', 'include private keys')
    .addHelpText(
      'after',
      examples([
        'authctl keys export --pem > public.pem',
        'authctl keys export --kid abc --private --pem > private.pem',
      ]),
    )
    .action(async (_options, command: Command) => {
      const flags = allOptions<import('./keys-export.js').ExportFlags>(command);
      const { exportKeys } = await import('./keys-export.js');
      await exportKeys(ctx, await openKeystore(ctx), flags);
    });
}

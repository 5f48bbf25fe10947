import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { examples } from './output.js';
import { allOptions, argumentOrStdin, collect, rsaBitsOption } from './shared.js';
import type { MintFlags } from './token-mint.js';
import type { VerifyFlags } from './token-check.js';
import type { CrackFlags } from './token-crack.js';
import { ExitStatus } from './command.js';

export function register(program: Command, ctx: CliContext): void {
  const token = program
    .command('token')
    .description('mint, decode and verify JWTs (including deliberately broken ones)')
    .addHelpText(
      'after',
      examples([
        'authctl token mint --sub alice --aud api://orders --role admin',
        'authctl token mint --preset admin --output header',
        'authctl token decode "$TOKEN"',
        'authctl token verify "$TOKEN" --aud api://orders',
        'authctl token defects',
      ]),
    );

  token
    .command('mint')
    .description('print a signed JWT from the local mock issuer’s keys (created on first use)')
    .option('--sub <subject>', 'subject (sub claim)')
    .option('--iss <url>', 'issuer (default: config [token] issuer, else http://127.0.0.1:9400)')
    .option('--aud <audience>', 'audience; repeat for several', collect)
    .option('--ttl <duration>', 'lifetime: 90s, 15m, 2h, 7d (default 15m)')
    .option('--nbf <time>', 'not-before: offset (-5m, +1h), Unix time or ISO date')
    .option('--iat <time>', 'issued-at: offset, Unix time or ISO date (default now)')
    .option('--jti <id>', 'token id (default: random UUID)')
    .option(
      '--alg <alg>',
      'RS256|RS384|RS512|PS256|PS384|PS512|ES256|ES384|ES512|EdDSA|HS256|HS384|HS512 (default RS256)',
    )
    .option(
      '--kid <kid>',
      'sign with this keystore key instead of the active one (its algorithm, unless --alg is given)',
    )
    .option(
      '--bits <n>',
      'RSA modulus size when a new RSA key is created (default 2048)',
      rsaBitsOption,
    )
    .option(
      '--scope <scope>',
      'scope; repeat for several (written as "scope" string or "scp" array per config)',
      collect,
    )
    .option(
      '--role <role>',
      'role; repeat for several (written at the roles claim pointer)',
      collect,
    )
    .option('--tenant <id>', 'tenant (written at the tenant claim pointer)')
    .option('--tenant-claim <pointer>', 'JSON pointer for the tenant, e.g. /tid, /org_id, /org/id')
    .option('--roles-claim <pointer>', 'JSON pointer for roles, e.g. /roles, /realm_access/roles')
    .option('--scope-claim <name>', 'scope claim name: scope or scp')
    .option(
      '--claim <path=value>',
      'extra claim; PATH is a JSON pointer or name, VALUE is JSON or a string; repeatable',
      collect,
    )
    .option('--header <k=v>', 'extra JOSE header field; repeatable', collect)
    .option('--preset <name>', 'start from [tokens.NAME] in config; flags override it')
    .option('--secret <secret>', 'HMAC secret for HS* (default: a generated one in the keystore)')
    .option('--secret-env <var>', 'read the HMAC secret from this environment variable')
    .option('--secret-file <file>', 'read the HMAC secret from this file')
    .option(
      '--secret-encoding <enc>',
      'utf8 (default), base64 (e.g. Relay JWT_SIGNING_KEY), base64url or hex',
    )
    .option(
      '--defect <kind>',
      'mint a deliberately broken token (see `authctl token defects`); repeat to combine defects that compose',
      collect,
    )
    .option('--skew <duration>', 'how far expired / not-yet-valid tokens are out (default 10m)')
    .option('--jku-url <url>', 'attacker JWKS URL for --defect jku')
    .option(
      '-o, --output <form>',
      'token (default) | header (Authorization: Bearer ...) | curl (-H argument)',
      'token',
    )
    .addHelpText(
      'after',
      examples([
        'authctl token mint --sub alice',
        'authctl token mint --sub alice --aud api://datapress --scope datasets:read --tenant acme',
        'authctl token mint --alg HS256 --secret-env JWT_SIGNING_KEY --secret-encoding base64',
        'authctl token mint --claim /org/id=42 --claim email=alice@example.com --role admin',
        'authctl token mint --defect expired --skew 90s',
        'authctl token mint --defect wrong-audience --defect alg-none   # both in one token',
        'curl -H "$(authctl token mint --sub alice --output header)" http://127.0.0.1:8080/',
        'authctl token mint --sub alice --json | jq .claims',
      ]),
    )
    .action(async (_options, command: Command) => {
      const { runMint } = await import('./token-mint.js');
      await runMint(ctx, allOptions<MintFlags>(command));
    });

  token
    .command('decode [token]')
    .description(
      'show a JWT’s header and claims WITHOUT verifying it (token as argument, - or stdin)',
    )
    .addHelpText(
      'after',
      examples([
        'authctl token decode eyJhbGciOi...',
        'authctl token mint --sub alice | authctl token decode',
        'authctl token decode - --json < token.txt',
      ]),
    )
    .action(async (value: string | undefined) => {
      const { runDecode } = await import('./token-check.js');
      await runDecode(ctx, await argumentOrStdin(ctx, value, 'token'));
    });

  token
    .command('verify [token]')
    .description('verify a JWT and explain every failed check (exit 1 when rejected)')
    .option('--jwks <url|file>', 'verify against this JWKS URL, or a PEM/JWK/JWKS file')
    .option(
      '--discover <issuer-url>',
      'verify against the JWKS found by OIDC discovery (its issuer is also expected)',
    )
    .option('--secret <secret>', 'HMAC secret for HS* tokens')
    .option('--secret-env <var>', 'read the HMAC secret from this environment variable')
    .option('--secret-file <file>', 'read the HMAC secret from this file')
    .option('--secret-encoding <enc>', 'utf8 (default), base64, base64url or hex')
    .option(
      '--alg <alg>',
      'allowed algorithm; repeat or comma-separate (default: what the keys support)',
      collect,
    )
    .option('--iss <url>', 'expected issuer (exact match)')
    .option('--aud <audience>', 'expected audience; repeat to accept any of several', collect)
    .option('--leeway <duration>', 'clock skew tolerance for exp/nbf (default 0s)')
    .option('--require-scope <scope>', 'scope the token must have; repeatable', collect)
    .option('--require-role <role>', 'role the token must have; repeatable', collect)
    .option('--tenant <id>', 'tenant the token must be for')
    .option('--tenant-claim <pointer>', 'JSON pointer of the tenant claim')
    .option('--roles-claim <pointer>', 'JSON pointer of the roles claim')
    .addHelpText(
      'after',
      examples([
        'authctl token verify "$TOKEN"                       # against the local keystore',
        'authctl token verify "$TOKEN" --discover http://127.0.0.1:9400 --aud api://datapress',
        'authctl token verify "$TOKEN" --jwks https://login.example.com/keys --alg RS256 --leeway 60s',
        'authctl token verify "$TOKEN" --secret-env JWT_SECRET_KEY --require-role admin',
      ]),
    )
    .action(async (value: string | undefined, _options, command: Command) => {
      const { runVerify } = await import('./token-check.js');
      const valid = await runVerify(
        ctx,
        await argumentOrStdin(ctx, value, 'token'),
        allOptions<VerifyFlags>(command),
      );
      if (!valid) throw new ExitStatus(1);
    });

  token
    .command('crack [token]')
    .description(
      'try the bundled weak HMAC secrets (and --wordlist) against a captured HS256/384/512 token, offline (exit 1 when cracked)',
    )
    .option(
      '--wordlist <file>',
      'more candidates, one per line (# comments), tried after the bundled list',
    )
    .addHelpText(
      'after',
      examples([
        'authctl token crack "$TOKEN"',
        'authctl token crack "$TOKEN" --wordlist rockyou.txt --json',
      ]),
    )
    .action(async (value: string | undefined, _options, command: Command) => {
      const { runCrack } = await import('./token-crack.js');
      await runCrack(
        ctx,
        await argumentOrStdin(ctx, value, 'token'),
        allOptions<CrackFlags>(command),
      );
    });

  token
    .command('defects')
    .description(
      'list the deliberately broken tokens --defect can mint, and what a verifier must do',
    )
    .addHelpText(
      'after',
      examples(['authctl token defects', 'authctl token defects --json | jq -r ".[].kind"']),
    )
    .action(async () => {
      const { runDefects } = await import('./token-check.js');
      runDefects(ctx);
    });
}

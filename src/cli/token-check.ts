import { Option } from 'commander';
import { decodeToken } from '../core/token/decode.js';
import type { VerifyTokenResult } from '../core/token/verify.js';
import { verb, type RenderContext } from './command.js';
import { table } from './output.js';
import { collect } from './flag-values.js';
import { argumentOrStdin } from './stdin.js';
import { secretFlagOptions } from './token-mint.js';
import { parseVerify, type VerifyFlags } from './token-verify-options.js';

/** `[token]`: the argument, or stdin when it is `-` or missing (read in `run`, not at parse time). */
const tokenArgument = ({ args }: { args: unknown[] }) => ({ token: args[0] as string | undefined });

export const decode = verb({
  name: 'decode [token]',
  summary: 'show a JWT’s header and claims WITHOUT verifying it (token as argument, - or stdin)',
  examples: [
    'authctl token decode eyJhbGciOi...',
    'authctl token mint --sub alice | authctl token decode',
    'authctl token decode - --json < token.txt',
  ],
  parse: tokenArgument,
  async run(opts, io) {
    return { value: decodeToken(await argumentOrStdin(io, opts.token, 'token')) };
  },
  render: {
    text: (d, { color: c }) => {
      const lines = [
        c.bold('Header'),
        JSON.stringify(d.header, null, 2),
        c.bold('Claims'),
        JSON.stringify(d.claims, null, 2),
      ];
      const times = Object.entries(d.times).map(([name, t]) => [name, t.iso, t.relative]);
      if (times.length) lines.push(c.bold('Times'), table(times));
      return lines.join('\n');
    },
    json: (d) => ({ ...d, verified: false }),
    status: (_d, { statusColor }) =>
      statusColor.yellow(
        'note: decoded only — the signature and claims were NOT verified (use `authctl token verify`)',
      ),
  },
});

export const verify = verb({
  name: 'verify [token]',
  summary: 'verify a JWT and explain every failed check (exit 1 when rejected)',
  options: verifyOptions(),
  examples: [
    'authctl token verify "$TOKEN"                       # against the local keystore',
    'authctl token verify "$TOKEN" --discover http://127.0.0.1:9400 --aud api://datapress',
    'authctl token verify "$TOKEN" --jwks https://login.example.com/keys --alg RS256 --leeway 60s',
    'authctl token verify "$TOKEN" --secret-env JWT_SECRET_KEY --require-role admin',
  ],
  parse: ({ args, flags }: { args: unknown[]; flags: VerifyFlags }) => ({
    ...parseVerify(flags),
    token: args[0] as string | undefined,
  }),
  // The verifier (jose, key sources) loads only when a token is verified: not on `token mint`'s path.
  run: async (opts, io, deps) => (await import('./token-verify-run.js')).runVerify(opts, io, deps),
  render: { text: renderVerification },
});

function verifyOptions(): Option[] {
  const repeat = (flags: string, text: string) => new Option(flags, text).argParser(collect);
  return [
    new Option('--jwks <url|file>', 'verify against this JWKS URL, or a PEM/JWK/JWKS file'),
    new Option(
      '--discover <issuer-url>',
      'verify against the JWKS found by OIDC discovery (its issuer is also expected)',
    ),
    ...secretFlagOptions('HMAC secret for HS* tokens'),
    repeat(
      '--alg <alg>',
      'allowed algorithm; repeat or comma-separate (default: what the keys support)',
    ),
    new Option('--iss <url>', 'expected issuer (exact match)'),
    repeat('--aud <audience>', 'expected audience; repeat to accept any of several'),
    new Option('--leeway <duration>', 'clock skew tolerance for exp/nbf (default 0s)'),
    repeat('--require-scope <scope>', 'scope the token must have; repeatable'),
    repeat('--require-role <role>', 'role the token must have; repeatable'),
    new Option('--tenant <id>', 'tenant the token must be for'),
    new Option('--tenant-claim <pointer>', 'JSON pointer of the tenant claim'),
    new Option('--roles-claim <pointer>', 'JSON pointer of the roles claim'),
  ];
}

function renderVerification(result: VerifyTokenResult, { color: c }: RenderContext): string {
  const mark = { pass: c.green('✓'), fail: c.red('✗'), skip: c.dim('-') };
  const lines = result.checks.map(
    (check) => `${mark[check.status]} ${check.check.padEnd(10)} ${check.message}`,
  );
  const failed = result.checks.filter((check) => check.status === 'fail').length;
  lines.push(
    result.valid
      ? c.green('token is valid')
      : c.red(`token rejected: ${failed} check${failed === 1 ? '' : 's'} failed`),
  );
  return lines.join('\n');
}

export const defects = verb({
  name: 'defects',
  summary: 'list the deliberately broken tokens --defect can mint, and what a verifier must do',
  examples: ['authctl token defects', 'authctl token defects --json | jq -r ".[].kind"'],
  parse: () => ({}),
  run: async () => {
    // The registry is the one module only this verb (and --defect) needs: the other verbs skip it.
    const { DEFECTS, DEFECT_KINDS } = await import('../core/token/defects.js');
    return { value: DEFECT_KINDS.map((kind) => DEFECTS[kind]) };
  },
  render: {
    text: (list) =>
      table(
        list.map((d) => [
          d.kind + (d.variants ? `[:${d.variants.join('|')}]` : ''),
          d.token,
          d.verifier,
        ]),
        ['DEFECT', 'TOKEN', 'A CORRECT VERIFIER MUST'],
      ),
  },
});

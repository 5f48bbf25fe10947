import path from 'node:path';
import { Option } from 'commander';
import { EXIT_CODES } from '../core/errors.js';
import type { CrackResult } from '../core/token/crack.js';
import { verb, type RenderContext } from './command.js';
import { argumentOrStdin } from './stdin.js';

/**
 * `authctl token crack TOKEN [--wordlist F]`: the bundled weak-secret list (the probe's
 * jwt:weak-secret candidates), then the wordlist. Exit 1 when a candidate verifies: like every
 * check, 1 means "found a problem"; 0 means none of the candidates is the secret.
 */
export const crack = verb({
  name: 'crack [token]',
  summary:
    'try the bundled weak HMAC secrets (and --wordlist) against a captured HS256/384/512 token, offline (exit 1 when cracked)',
  options: [
    new Option(
      '--wordlist <file>',
      'more candidates, one per line (# comments), tried after the bundled list',
    ),
  ],
  examples: [
    'authctl token crack "$TOKEN"',
    'authctl token crack "$TOKEN" --wordlist rockyou.txt --json',
  ],
  parse: ({ args, flags }: { args: unknown[]; flags: { wordlist?: string } }) => ({
    token: args[0] as string | undefined,
    wordlist: flags.wordlist,
  }),
  async run(opts, io, deps) {
    const token = await argumentOrStdin(io, opts.token, 'token');
    // The cracker and its word lists (~7 kB) load only when a token is cracked, not on every
    // `token mint` (this declaration is in the hot bundle with the rest of the token group).
    const [{ crackHmacToken }, { readSecretList, WEAK_SECRETS, weakSecretSource }] =
      await Promise.all([
        import('../core/token/crack.js'),
        import('../core/probe/weak-secrets.js'),
      ]);
    const extra = opts.wordlist
      ? await readSecretList(path.resolve(deps.cwd, opts.wordlist), '--wordlist')
      : [];
    const candidates = extra.length ? [...new Set([...WEAK_SECRETS, ...extra])] : WEAK_SECRETS;
    const result = crackHmacToken(token, candidates);
    const source =
      result.secret === undefined ? undefined : (weakSecretSource(result.secret) ?? opts.wordlist);
    return {
      value: { ...result, source },
      exitCode: result.cracked ? EXIT_CODES.check : EXIT_CODES.ok,
    };
  },
  render: { text: renderCrack },
});

function renderCrack(r: CrackResult & { source?: string }, { color: c }: RenderContext): string {
  const speed = `${r.tries} of ${r.candidates} candidates in ${r.ms} ms (${r.triesPerSecond.toLocaleString('en-US')} tries/s)`;
  if (r.cracked) {
    return `${c.red('CRACKED')} the ${r.alg} secret is ${JSON.stringify(r.secret)}${r.source ? ` (${r.source})` : ''}: anyone can mint tokens this service accepts — ${speed}\nfix: replace it with at least 32 random bytes (openssl rand -base64 48) and rotate every token signed with it`;
  }
  return `not cracked: none of the candidates signs this ${r.alg} token — ${speed}`;
}

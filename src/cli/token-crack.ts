import path from 'node:path';
import { crackHmacToken, type CrackResult } from '../core/token/crack.js';
import { readSecretList, WEAK_SECRETS, weakSecretSource } from '../core/probe/weak-secrets.js';
import type { CliContext } from './context.js';
import { ExitStatus } from './command.js';

export interface CrackFlags {
  wordlist?: string;
}

/**
 * `authctl token crack TOKEN [--wordlist F]`: the bundled weak-secret list (the probe's
 * jwt:weak-secret candidates), then the wordlist. Exit 1 when a candidate verifies: like every
 * check, 1 means "found a problem"; 0 means none of the candidates is the secret.
 */
export async function runCrack(ctx: CliContext, token: string, flags: CrackFlags): Promise<void> {
  const extra = flags.wordlist
    ? await readSecretList(path.resolve(ctx.cwd, flags.wordlist), '--wordlist')
    : [];
  const candidates = extra.length ? [...new Set([...WEAK_SECRETS, ...extra])] : WEAK_SECRETS;
  const result = crackHmacToken(token, candidates);
  const source =
    result.secret === undefined ? undefined : (weakSecretSource(result.secret) ?? flags.wordlist);
  ctx.out.result(
    { ...result, source },
    (r) => render(ctx, r),
    (r) => r,
  );
  if (result.cracked) throw new ExitStatus(1);
}

function render(ctx: CliContext, r: CrackResult & { source?: string }): string {
  const c = ctx.out.color;
  const speed = `${r.tries} of ${r.candidates} candidates in ${r.ms} ms (${r.triesPerSecond.toLocaleString('en-US')} tries/s)`;
  if (r.cracked) {
    return `${c.red('CRACKED')} the ${r.alg} secret is ${JSON.stringify(r.secret)}${r.source ? ` (${r.source})` : ''}: anyone can mint tokens this service accepts — ${speed}\nfix: replace it with at least 32 random bytes (openssl rand -base64 48) and rotate every token signed with it`;
  }
  return `not cracked: none of the candidates signs this ${r.alg} token — ${speed}`;
}

import type { Command } from 'commander';
import { declareAll } from './command.js';
import type { CliContext } from './context.js';
import { examples } from './output.js';
import { decode, defects, verify } from './token-check.js';
import { crack } from './token-crack.js';
import { mint } from './token-mint.js';

export function register(program: Command, ctx: CliContext): void {
  const token = program
    .command('token')
    .description('mint, decode and verify JWTs (including deliberately broken ones)')
    .addHelpText(
      'after',
      examples([
        'authctl token mint --sub alice --aud api://orders --role admin',
        'authctl token mint --preset admin --as header',
        'authctl token decode "$TOKEN"',
        'authctl token verify "$TOKEN" --aud api://orders',
        'authctl token defects',
      ]),
    );
  declareAll(token, [mint, decode, verify, crack, defects], ctx);
}

import type { Command } from 'commander';
import { declare, declareAll } from './command.js';
import type { CliContext } from './context.js';
import { examples } from './output.js';
import { SIGN_EXIT, signVerb } from './sigv4-sign.js';
import { VERIFY_EXIT, verifyRequest } from './sigv4-verify.js';

const sign = signVerb('sign', 'sign a request: print the headers to add, a curl command, or JSON');
const presign = signVerb('presign', 'print a presigned URL (X-Amz-* query, or SigV2 with --sigv2)');

/** `authctl sigv4 sign|presign|verify`, and `authctl sign` (the same verb as `sigv4 sign`). */
export function register(program: Command, ctx: CliContext): void {
  const sigv4 = program
    .command('sigv4')
    .description(
      'sign AWS SigV4/SigV2 requests and presigned URLs, and explain SignatureDoesNotMatch',
    )
    .addHelpText(
      'after',
      examples([
        'authctl sigv4 sign https://bucket.s3.amazonaws.com/key --service s3 --region us-east-1',
        'authctl sigv4 presign https://bucket.s3.amazonaws.com/key --expires 900 --service s3 --region us-east-1',
        'authctl sigv4 verify request.http --secret-key "$SECRET"',
      ]),
    );
  declareAll(sigv4, [sign, presign, verifyRequest], ctx);
  declare(
    program,
    { ...sign, summary: 'sign an AWS SigV4 request (alias of `authctl sigv4 sign`)' },
    ctx,
  );
  for (const command of [...sigv4.commands, program.commands.find((c) => c.name() === 'sign')!])
    command.addHelpText('after', command.name() === 'verify' ? VERIFY_EXIT : SIGN_EXIT);
}

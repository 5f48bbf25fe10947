import path from 'node:path';
// node:fs through require(): its ESM import loads fs streams (node.ts).
import { nodeFs } from '../core/node.js';
import { Option } from 'commander';
import { EXIT_CODES, usageError } from '../core/errors.js';
import { parseSignedRequestText } from '../core/sigv4/parse.js';
import { safeDecode } from '../core/sigv4/encode.js';
import { verifySignedRequest } from '../core/sigv4/verify.js';
import { formatVerifyReport, presentable } from '../core/sigv4/report.js';
import { printable } from '../core/terminal.js';
import { verb, type Deps, type Io } from './command.js';
import { credentialsFor, readLocal } from './sigv4-input.js';
import { readAll } from './stdin.js';

interface VerifyFlags {
  secretKey?: string;
  accessKey?: string;
  profile?: string;
  region?: string;
  service?: string;
  serverError?: string;
  now?: string;
  checkTime?: boolean;
  method?: string;
  bucket?: string;
  folded?: 'space' | 'comma';
  normalizePath?: boolean;
  doubleEncode?: boolean;
  sessionTokenAfterSigning?: boolean;
}

/** The request to verify, as bytes (a file or stdin: a binary body is never decoded) or as the argument's text. */
async function readRequest(
  io: Io,
  cwd: string,
  input: string,
): Promise<{ data: string | Buffer; where: string }> {
  if (input === '-') return { data: await readAll(io.stdin), where: 'stdin' };
  if (/^(https?:\/\/|curl\s)/i.test(input.trim())) return { data: input, where: input };
  if (nodeFs.existsSync(path.resolve(cwd, input)))
    return { data: readLocal(cwd, input, input), where: input };
  throw usageError('ERR_SIGV4_BAD_REQUEST', printable(`no such file: ${input}`), {
    where: '<request>',
    hint: 'pass a file with the raw HTTP request or curl command, - for stdin, or a presigned URL',
  });
}

async function runVerify(opts: VerifyFlags & { input: string }, io: Io, deps: Deps) {
  const flags = opts;
  const { data, where } = await readRequest(io, deps.cwd, opts.input);
  const request = parseSignedRequestText(data, {
    method: flags.method,
    where,
    readFile: (file) => readLocal(deps.cwd, file, where),
  });
  const resolved = await credentialsFor(deps, io, {
    accessKey: flags.accessKey,
    secretKey: flags.secretKey,
    profile: flags.profile,
  });
  const { credentials } = resolved;
  const token =
    request.headers.find(([n]) => n.toLowerCase() === 'x-amz-security-token')?.[1] ??
    /X-Amz-Security-Token=([^&]+)/.exec(request.query)?.[1];
  const decodedToken = token && token.includes('%') ? safeDecode(token) : token;
  // Everything printed below goes through this: tokens and secrets masked, control characters replaced.
  const secrets = [decodedToken, token, credentials.secretAccessKey, credentials.sessionToken];
  request.notes.forEach((note) => io.warn(presentable(note, secrets)));
  const result = verifySignedRequest(request, {
    secretAccessKey: credentials.secretAccessKey,
    // The key id that goes with the secret (--access-key, else the same source as the secret): the
    // id in Credential is not signed, so a changed one is only caught by comparing.
    accessKeyId:
      flags.accessKey ?? (flags.secretKey ? undefined : credentials.accessKeyId || undefined),
    region: flags.region ?? (flags.profile ? resolved.region : undefined),
    service: flags.service,
    now: flags.now,
    checkTime: flags.checkTime,
    foldedHeaders: flags.folded,
    serverDetails: flags.serverError
      ? readLocal(deps.cwd, flags.serverError, '--server-error').toString('utf8')
      : undefined,
    bucket: flags.bucket,
    normalizePath: flags.normalizePath,
    doubleEncodePath: flags.doubleEncode,
    sessionTokenAfterSigning: flags.sessionTokenAfterSigning,
  });
  const shown = presentable(result, secrets);
  io.debug(
    `our canonical request:\n${shown.canonicalRequest ?? ''}\n\nour string to sign:\n${shown.stringToSign}`,
  );
  return { value: shown, exitCode: result.valid ? EXIT_CODES.ok : EXIT_CODES.check };
}

export const verifyRequest = verb({
  name: 'verify <request>',
  summary: 'recompute the signature of a signed request and explain where it diverges',
  options: verifyOptions(),
  examples: [
    'authctl sigv4 verify request.http --secret-key "$AWS_SECRET_ACCESS_KEY"',
    "authctl sigv4 verify 'https://bucket.s3.amazonaws.com/key?X-Amz-Algorithm=...' --profile dev",
    'authctl sigv4 verify curl.txt --server-error error.xml --region us-east-1 --service s3',
    'pbpaste | authctl sigv4 verify - --now 2015-08-30T12:40:00Z --json',
  ],
  parse: ({ args, flags }: { args: unknown[]; flags: VerifyFlags }) => ({
    ...flags,
    input: String(args[0]),
  }),
  run: runVerify,
  render: {
    text: (r, { color: c }) =>
      formatVerifyReport(r, { ok: c.green, bad: c.red, warn: c.yellow, dim: c.dim }),
  },
});

export const VERIFY_EXIT =
  '\nExit codes: 0 the signature matches and the request is acceptable, 1 it does not (with the reason), 2 bad input.\n';

function verifyOptions(): Option[] {
  const o = (flags: string, text: string) => new Option(flags, text);
  return [
    o('--secret-key <secret>', 'secret access key (else AWS_SECRET_ACCESS_KEY or --profile)'),
    o('--access-key <id>', 'expected access key id'),
    o('--profile <name>', 'authctl [sigv4.NAME] profile, else [NAME] of ~/.aws/credentials'),
    o('--region <region>', 'region the service expects (flags a scope naming another)'),
    o('--service <service>', 'service name the service expects'),
    o(
      '--server-error <file>',
      "the service's SignatureDoesNotMatch body (S3 XML) or its canonical request, to diff against",
    ),
    o('--now <date>', 'check clock skew and expiry against this time (default now)'),
    o('--no-check-time', 'skip clock-skew and expiry checks'),
    o('--method <method>', 'HTTP method of a presigned URL (default GET)'),
    o('--bucket <name>', 'SigV2: bucket of a virtual-hosted/CNAME request on a non-AWS host'),
    o('--folded <mode>', 'canonical form of folded header values')
      .choices(['space', 'comma'])
      .default('space'),
    o('--normalize-path', 'the service normalises paths (default: on except for s3)'),
    o('--no-normalize-path', 'the service signs the path without normalising it'),
    o('--double-encode', 'the service encodes the wire path again (default: on except for s3)'),
    o('--no-double-encode', 'the service encodes the path once (S3 rule)'),
    o(
      '--session-token-after-signing',
      'the service (AWS IoT) expects the presign token outside the signed query',
    ),
  ];
}

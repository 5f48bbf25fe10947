import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { Option, type Command } from 'commander';
import type { SigV4Profile } from '../core/config/sections/sigv4.js';
import { parseDuration } from '../core/duration.js';
import { usageError } from '../core/errors.js';
import { mask } from '../core/mask.js';
// Individual modules, not the index: the index re-exports send.ts, whose node:https import costs start-up time.
import { diffCanonicalRequests, parseServerDetails } from '../core/sigv4/diff.js';
import { parseSignedRequestText } from '../core/sigv4/parse.js';
import { presignUrl } from '../core/sigv4/presign.js';
import { signRequest } from '../core/sigv4/sign.js';
import { signV2Query } from '../core/sigv4/sigv2.js';
import type { SigV4Options, SignableRequest } from '../core/sigv4/types.js';
import { verifySignedRequest } from '../core/sigv4/verify.js';
import { resolveCredentials } from '../core/sigv4/credentials.js';
import { safeDecode } from '../core/sigv4/encode.js';
import { toCurl, type CurlBody } from '../core/sigv4/curl.js';
import {
  formatVerifyReport,
  maskSecurityTokens,
  maskToken,
  presentable,
} from '../core/sigv4/report.js';
import { printable } from '../core/terminal.js';
import { readAll } from './stdin.js';
import type { CliContext } from './context.js';
import { examples } from './output.js';
import { ExitStatus } from './command.js';

interface SignFlags {
  request?: string;
  header?: string[];
  data?: string;
  region?: string;
  service?: string;
  accessKey?: string;
  secretKey?: string;
  sessionToken?: string;
  profile?: string;
  date?: string;
  output?: string;
  send?: boolean;
  include?: boolean;
  outFile?: string;
  presign?: boolean;
  expires?: string;
  sigv2?: boolean;
  bucket?: string;
  unsignedPayload?: boolean;
  sessionTokenAfterSigning?: boolean;
  normalizePath?: boolean;
  doubleEncode?: boolean;
  contentSha256?: boolean;
  unsignedHeader?: string[];
  json?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function readLocal(ctx: CliContext, file: string, where: string): Buffer {
  try {
    return readFileSync(path.resolve(ctx.cwd, file));
  } catch (error) {
    throw usageError(
      'ERR_SIGV4_UNREADABLE',
      printable(
        `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      ),
      { where: printable(where), hint: 'check the path' },
    );
  }
}

function readStdin(ctx: CliContext): Promise<Buffer> {
  return readAll(ctx.io.stdin);
}

/** `--data @file | - | text` → the body bytes and how curl should send them. */
async function readBody(
  ctx: CliContext,
  data: string | undefined,
): Promise<{ body: Buffer | string; curl: CurlBody }> {
  if (data === undefined) return { body: '', curl: { kind: 'none' } };
  if (data === '-') {
    const body = await readStdin(ctx);
    // A curl command line can carry text, not arbitrary bytes: a binary body is piped in again (@-).
    const text = body.toString('utf8');
    const binary = !Buffer.from(text, 'utf8').equals(body) || body.includes(0);
    return { body, curl: binary ? { kind: 'file', path: '-' } : { kind: 'text', text } };
  }
  if (data.startsWith('@'))
    return {
      body: readLocal(ctx, data.slice(1), '--data'),
      curl: { kind: 'file', path: data.slice(1) },
    };
  return { body: data, curl: { kind: 'text', text: data } };
}

function parseHeaderFlag(text: string): [string, string] {
  const colon = text.indexOf(':');
  const name = colon > 0 ? text.slice(0, colon).trim() : '';
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
    throw usageError('ERR_SIGV4_BAD_HEADER', `invalid header ${JSON.stringify(text)}`, {
      where: '-H',
      hint: "write -H 'Name: value', e.g. -H 'Content-Type: text/plain'",
    });
  }
  return [name, text.slice(colon + 1).trim()];
}

async function credentialsFor(
  ctx: CliContext,
  flags: { accessKey?: string; secretKey?: string; sessionToken?: string; profile?: string },
) {
  const needConfig = !(flags.accessKey && flags.secretKey);
  const profiles = needConfig ? (await ctx.config()).config.sigv4 : undefined;
  const resolved = resolveCredentials({
    flags: {
      accessKeyId: flags.accessKey,
      secretAccessKey: flags.secretKey,
      sessionToken: flags.sessionToken,
      profile: flags.profile,
    },
    env: ctx.env,
    profiles,
    homeDir: ctx.env.HOME ?? homedir(),
    readFile: (file) => (existsSync(file) ? readFileSync(file, 'utf8') : undefined),
  });
  const c = resolved.credentials;
  ctx.out.debug(
    `credentials from ${resolved.source}: ${c.accessKeyId || '(no key id)'} / secret ${c.secretAccessKey ? mask(c.secretAccessKey) : '(none)'}${c.sessionToken ? ` / token ${mask(c.sessionToken)}` : ''}`,
  );
  return resolved;
}

function expiresSeconds(text: string | undefined): number {
  if (text === undefined) return 900;
  if (/^\d+$/.test(text)) return Number(text);
  try {
    return parseDuration(text);
  } catch {
    throw usageError('ERR_SIGV4_BAD_EXPIRES', `invalid --expires ${JSON.stringify(text)}`, {
      where: '--expires',
      hint: 'give seconds (900) or a duration (15m, 12h, 7d)',
    });
  }
}

async function runSign(
  ctx: CliContext,
  args: string[],
  flags: SignFlags,
  mode: 'sign' | 'presign',
): Promise<void> {
  const [first, second] = args;
  let method = flags.request ?? (second !== undefined ? first! : undefined);
  let url = second ?? first!;
  const resolved = await credentialsFor(ctx, flags);
  const { credentials, profile } = resolved;
  const p: SigV4Profile = profile ?? {};
  if (url.startsWith('/') && p.endpoint) url = `${p.endpoint.replace(/\/$/, '')}${url}`;
  const headers = (flags.header ?? []).map(parseHeaderFlag);
  const { body, curl } = await readBody(ctx, flags.data);
  method = (method ?? (flags.data !== undefined ? 'POST' : 'GET')).toUpperCase();
  const request: SignableRequest = { method, url, headers, body };
  const options: SigV4Options = {
    region: flags.region ?? resolved.region ?? '',
    service: flags.service ?? p.service ?? '',
    date: flags.date,
    unsignedPayload: flags.unsignedPayload ?? p.unsigned_payload,
    sessionTokenAfterSigning: flags.sessionTokenAfterSigning ?? p.session_token_after_signing,
    normalizePath: flags.normalizePath ?? p.normalize_path,
    doubleEncodePath: flags.doubleEncode ?? p.double_encode_path,
    contentSha256Header: flags.contentSha256,
    unsignedHeaders: flags.unsignedHeader,
  };
  const output = flags.json ? 'json' : (flags.output ?? (mode === 'presign' ? 'url' : 'headers'));
  const token = credentials.sessionToken;

  if (flags.sigv2) {
    const result = signV2Query(request, credentials, {
      expires: expiresSeconds(flags.expires),
      date: flags.date,
      bucket: flags.bucket,
    });
    if (flags.send) return send(ctx, flags, method, result.url, headers, body, '');
    return emitUrl(ctx, output, result.url, method, headers, curl, {
      ...result,
      signature: result.signature,
    });
  }
  if (mode === 'presign' || flags.presign) {
    const result = presignUrl(request, credentials, {
      ...options,
      expires: expiresSeconds(flags.expires),
    });
    result.warnings.forEach((w) => ctx.out.warn(w));
    ctx.out.debug(
      `canonical request:\n${maskToken(result.canonicalRequest, token)}\n\nstring to sign:\n${result.stringToSign}`,
    );
    if (flags.send)
      return send(
        ctx,
        flags,
        method,
        result.url,
        Object.entries(result.headers),
        body,
        result.canonicalRequest,
        token,
      );
    return emitUrl(ctx, output, result.url, method, Object.entries(result.headers), curl, result);
  }
  const result = signRequest(request, credentials, options);
  result.warnings.forEach((w) => ctx.out.warn(w));
  ctx.out.debug(
    `canonical request:\n${maskToken(result.canonicalRequest, token)}\n\nstring to sign:\n${result.stringToSign}`,
  );
  if (flags.send)
    return send(
      ctx,
      flags,
      method,
      result.url,
      result.headerList,
      body,
      result.canonicalRequest,
      token,
    );
  if (output === 'json') {
    const { headerList: _, ...json } = result;
    ctx.out.jsonDocument(json);
  } else if (output === 'curl')
    ctx.out.data(toCurl({ method, url: result.url, headers: result.headerList, body: curl }));
  else {
    // The headers to add: everything the signer set (the caller already has their own).
    const own = new Set(headers.map(([n]) => n.toLowerCase()));
    const added = result.headerList.filter(
      ([n]) => !own.has(n.toLowerCase()) && !(n === 'host' && !own.has('host')),
    );
    ctx.out.data(added.map(([n, v]) => `${n}: ${v}`).join('\n'));
  }
}

function emitUrl(
  ctx: CliContext,
  output: string,
  url: string,
  method: string,
  headers: ReadonlyArray<readonly [string, string]>,
  body: CurlBody,
  json: object,
): void {
  if (output === 'json') ctx.out.jsonDocument({ ...json, url });
  else if (output === 'curl') ctx.out.data(toCurl({ method, url, headers, body }));
  else ctx.out.data(url);
}

async function send(
  ctx: CliContext,
  flags: SignFlags,
  method: string,
  url: string,
  headers: ReadonlyArray<readonly [string, string]>,
  body: Buffer | string,
  creq: string,
  token?: string,
) {
  // node:https (TLS) loads only when a request is actually sent.
  const { sendSignedRequest } = await import('../core/sigv4/send.js');
  const response = await sendSignedRequest({ method, url, headers, body });
  if (flags.outFile) {
    const { writeFileAtomic } = await import('../core/fs/atomic.js');
    await writeFileAtomic(path.resolve(ctx.cwd, flags.outFile), response.body, { mode: 0o644 });
  }
  const text = response.body.toString('utf8');
  if (ctx.globals.json || flags.output === 'json') {
    ctx.out.jsonDocument({
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
      ...(flags.include ? { body: text } : {}),
    });
  } else {
    ctx.out.data(
      `HTTP ${response.status} ${response.statusText}\n${response.headers.map(([n, v]) => `${n}: ${v}`).join('\n')}`,
    );
    if (flags.include) ctx.io.stdout.write(`\n${text}`);
  }
  if (/SignatureDoesNotMatch/.test(text)) {
    const server = parseServerDetails(text);
    ctx.out.warn('the service answered SignatureDoesNotMatch');
    if (server.canonicalRequest) {
      for (const d of diffCanonicalRequests(creq, server.canonicalRequest).filter((x) => !x.same)) {
        // The canonical requests hold a session token (header or query): mask it on both sides.
        const show = (line: string | undefined) =>
          line === undefined ? 'null' : JSON.stringify(maskToken(maskSecurityTokens(line), token));
        ctx.out.info(`  ${d.label}: signed ${show(d.ours)}, service used ${show(d.theirs)}`);
      }
    }
  }
  if (response.status >= 400) throw new ExitStatus(1);
}

function addSignOptions(command: Command): Command {
  return command
    .option('-X, --request <method>', 'HTTP method (default GET, POST with --data)')
    .option('-H, --header <header>', "header to send and sign, 'Name: value'; repeatable", collect)
    .option('-d, --data <data>', 'body: @file, - (stdin) or literal text')
    .option('--region <region>', 'signing region (also AWS_REGION, or the profile)')
    .option('--service <service>', 'signing service: s3, execute-api, sts, ... (or the profile)')
    .option('--access-key <id>', 'access key id (else AWS_ACCESS_KEY_ID or --profile)')
    .option('--secret-key <secret>', 'secret access key (else AWS_SECRET_ACCESS_KEY or --profile)')
    .option(
      '--session-token <token>',
      'session token of temporary credentials (else AWS_SESSION_TOKEN)',
    )
    .option('--profile <name>', 'authctl [sigv4.NAME] profile, else [NAME] of ~/.aws/credentials')
    .option('--date <date>', 'signing time: 2015-08-30T12:36:00Z or 20150830T123600Z (default now)')
    .option(
      '--expires <seconds>',
      'presigned URL lifetime: seconds or 15m/12h/7d, 1 s .. 7 days (default 900)',
    )
    .option(
      '--sigv2',
      'SigV2 query auth (AWSAccessKeyId, Signature, Expires) for legacy S3-style services',
    )
    .option('--bucket <name>', 'SigV2: bucket of a virtual-hosted/CNAME request on a non-AWS host')
    .option('--unsigned-payload', 'sign UNSIGNED-PAYLOAD instead of the body hash (S3)')
    .option(
      '--session-token-after-signing',
      'add the session token after signing, unsigned (AWS IoT)',
    )
    .option('--normalize-path', 'remove ./.. and empty path segments (default: on except for s3)')
    .option('--no-normalize-path', 'sign the path without normalising it')
    .option(
      '--double-encode',
      'URI-encode the (already encoded) path again (default: on except for s3)',
    )
    .option('--no-double-encode', 'encode the path once (S3 rule)')
    .option('--content-sha256', 'add x-amz-content-sha256 (default: on for s3)')
    .option('--no-content-sha256', 'do not add x-amz-content-sha256')
    .option('--unsigned-header <name>', 'send this header without signing it; repeatable', collect)
    .option('--send', 'send the request and print the response status and headers')
    .option('-i, --include', 'with --send: print the response body too')
    .option('-o, --out-file <file>', 'with --send: write the response body to FILE');
}

const SIGN_EXIT =
  '\nExit codes: 0 signed (with --send: a 1xx-3xx answer), 1 --send got a 4xx/5xx answer, 2 bad URL/header/date/flag, 3 network error.\n';

const SIGN_EXAMPLES = [
  'authctl sign GET https://examplebucket.s3.amazonaws.com/test.txt --region us-east-1 --service s3',
  'authctl sign PUT https://localhost:9000/bucket/key --service s3 --region us-east-1 -d @photo.jpg --output curl',
  'authctl sign https://iam.amazonaws.com/?Action=ListUsers --region us-east-1 --service iam --date 2015-08-30T12:36:00Z --json',
  'authctl sign https://api.example.com/prod/items --service execute-api --region eu-west-1 --profile dev --send',
  'authctl sign https://examplebucket.s3.amazonaws.com/test.txt --service s3 --region us-east-1 --presign --expires 15m',
];

export function register(program: Command, ctx: CliContext): void {
  const signAction =
    (mode: 'sign' | 'presign') =>
    async (first: string, second: string | undefined, _o: unknown, command: Command) => {
      await runSign(
        ctx,
        [first, second].filter((x): x is string => x !== undefined),
        command.optsWithGlobals() as SignFlags,
        mode,
      );
    };
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

  const outputOption = () =>
    new Option('--output <format>', 'headers (default) | curl | json').choices([
      'headers',
      'curl',
      'json',
    ]);
  addSignOptions(
    sigv4
      .command('sign')
      .description('sign a request: print the headers to add, a curl command, or JSON')
      .argument('<method-or-url>')
      .argument('[url]'),
  )
    .addOption(outputOption())
    .option('--presign', 'produce a presigned URL instead of headers')
    .addHelpText('after', examples(SIGN_EXAMPLES) + SIGN_EXIT)
    .action(signAction('sign'));
  addSignOptions(
    program
      .command('sign')
      .description('sign an AWS SigV4 request (alias of `authctl sigv4 sign`)')
      .argument('<method-or-url>')
      .argument('[url]'),
  )
    .addOption(outputOption())
    .option('--presign', 'produce a presigned URL instead of headers')
    .addHelpText('after', examples(SIGN_EXAMPLES) + SIGN_EXIT)
    .action(signAction('sign'));
  addSignOptions(
    sigv4
      .command('presign')
      .description('print a presigned URL (X-Amz-* query, or SigV2 with --sigv2)')
      .argument('<method-or-url>')
      .argument('[url]'),
  )
    .addOption(
      new Option('--output <format>', 'url (default) | curl | json').choices([
        'url',
        'curl',
        'json',
      ]),
    )
    .addHelpText(
      'after',
      examples([
        'authctl sigv4 presign https://examplebucket.s3.amazonaws.com/test.txt --service s3 --region us-east-1 --expires 86400',
        'authctl sigv4 presign PUT https://localhost:9000/bucket/upload.bin --service s3 --region us-east-1 --expires 15m',
        'authctl sigv4 presign https://johnsmith.s3.amazonaws.com/photos/puppy.jpg --sigv2 --expires 3600',
      ]) + SIGN_EXIT,
    )
    .action(signAction('presign'));

  sigv4
    .command('verify')
    .description('recompute the signature of a signed request and explain where it diverges')
    .argument(
      '<request>',
      'file with a raw HTTP request or curl command, - for stdin, or a presigned URL / curl command line',
    )
    .option('--secret-key <secret>', 'secret access key (else AWS_SECRET_ACCESS_KEY or --profile)')
    .option('--access-key <id>', 'expected access key id')
    .option('--profile <name>', 'authctl [sigv4.NAME] profile, else [NAME] of ~/.aws/credentials')
    .option('--region <region>', 'region the service expects (flags a scope naming another)')
    .option('--service <service>', 'service name the service expects')
    .option(
      '--server-error <file>',
      "the service's SignatureDoesNotMatch body (S3 XML) or its canonical request, to diff against",
    )
    .option('--now <date>', 'check clock skew and expiry against this time (default now)')
    .option('--no-check-time', 'skip clock-skew and expiry checks')
    .option('--method <method>', 'HTTP method of a presigned URL (default GET)')
    .option('--bucket <name>', 'SigV2: bucket of a virtual-hosted/CNAME request on a non-AWS host')
    .addOption(
      new Option('--folded <mode>', 'canonical form of folded header values')
        .choices(['space', 'comma'])
        .default('space'),
    )
    .option('--normalize-path', 'the service normalises paths (default: on except for s3)')
    .option('--no-normalize-path', 'the service signs the path without normalising it')
    .option(
      '--double-encode',
      'the service encodes the wire path again (default: on except for s3)',
    )
    .option('--no-double-encode', 'the service encodes the path once (S3 rule)')
    .option(
      '--session-token-after-signing',
      'the service (AWS IoT) expects the presign token outside the signed query',
    )
    .addHelpText(
      'after',
      examples([
        'authctl sigv4 verify request.http --secret-key "$AWS_SECRET_ACCESS_KEY"',
        "authctl sigv4 verify 'https://bucket.s3.amazonaws.com/key?X-Amz-Algorithm=...' --profile dev",
        'authctl sigv4 verify curl.txt --server-error error.xml --region us-east-1 --service s3',
        'pbpaste | authctl sigv4 verify - --now 2015-08-30T12:40:00Z --json',
      ]) +
        '\nExit codes: 0 the signature matches and the request is acceptable, 1 it does not (with the reason), 2 bad input.\n',
    )
    .action(async (input: string, _o: unknown, command: Command) =>
      runVerify(ctx, input, command.optsWithGlobals()),
    );
}

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
  ctx: CliContext,
  input: string,
): Promise<{ data: string | Buffer; where: string }> {
  if (input === '-') return { data: await readStdin(ctx), where: 'stdin' };
  if (/^(https?:\/\/|curl\s)/i.test(input.trim())) return { data: input, where: input };
  if (existsSync(path.resolve(ctx.cwd, input)))
    return { data: readLocal(ctx, input, input), where: input };
  throw usageError('ERR_SIGV4_BAD_REQUEST', printable(`no such file: ${input}`), {
    where: '<request>',
    hint: 'pass a file with the raw HTTP request or curl command, - for stdin, or a presigned URL',
  });
}

async function runVerify(ctx: CliContext, input: string, flags: VerifyFlags): Promise<void> {
  const { data, where } = await readRequest(ctx, input);
  const request = parseSignedRequestText(data, {
    method: flags.method,
    where,
    readFile: (file) => readLocal(ctx, file, where),
  });
  const resolved = await credentialsFor(ctx, {
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
  request.notes.forEach((note) => ctx.out.warn(presentable(note, secrets)));
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
      ? readLocal(ctx, flags.serverError, '--server-error').toString('utf8')
      : undefined,
    bucket: flags.bucket,
    normalizePath: flags.normalizePath,
    doubleEncodePath: flags.doubleEncode,
    sessionTokenAfterSigning: flags.sessionTokenAfterSigning,
  });
  const c = ctx.out.color;
  const shown = presentable(result, secrets);
  ctx.out.result(shown, (r) =>
    formatVerifyReport(r, { ok: c.green, bad: c.red, warn: c.yellow, dim: c.dim }),
  );
  ctx.out.debug(
    `our canonical request:\n${shown.canonicalRequest ?? ''}\n\nour string to sign:\n${shown.stringToSign}`,
  );
  if (!result.valid) throw new ExitStatus(1);
}

import path from 'node:path';
import { Option } from 'commander';
import type { SigV4Profile } from '../core/sigv4/config.js';
import { EXIT_CODES, usageError } from '../core/errors.js';
// Individual modules, not the index: the index re-exports send.ts, whose node:https import costs start-up time.
import { diffCanonicalRequests, parseServerDetails } from '../core/sigv4/diff.js';
import { presignUrl } from '../core/sigv4/presign.js';
import { signRequest } from '../core/sigv4/sign.js';
import { signV2Query } from '../core/sigv4/sigv2.js';
import type { SigV4Options, SignableRequest } from '../core/sigv4/types.js';
import { toCurl } from '../core/sigv4/curl.js';
import { maskSecurityTokens, maskToken } from '../core/sigv4/report.js';
import { verb, type Deps, type Io, type Result, type Verb } from './command.js';
import { jsonText } from './output.js';
import { collect } from './flag-values.js';
import { credentialsFor, expiresSeconds, parseHeaderFlag, readBody } from './sigv4-input.js';

type Mode = 'sign' | 'presign';
type Headers = ReadonlyArray<readonly [string, string]>;

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
  as?: string;
  output?: string;
  outFile?: string;
  send?: boolean;
  include?: boolean;
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
}

const FORMS: Record<Mode, string[]> = {
  sign: ['headers', 'curl', 'json'],
  presign: ['url', 'curl', 'json'],
};

/**
 * `--as` picks the printed form; `-o/--output FILE` is a file as in every command (with --send: the
 * response body, as `--out-file` was). The old `--output headers|url|curl|json` still picks the form.
 */
function formAndFiles(flags: SignFlags, mode: Mode) {
  const forms = FORMS[mode];
  if (flags.as !== undefined && !forms.includes(flags.as))
    throw usageError('ERR_BAD_OUTPUT', `unknown output form "${flags.as}"`, {
      where: '--as',
      hint: `use ${forms.join(', ')}`,
    });
  const legacyForm = flags.output !== undefined && forms.includes(flags.output);
  const file = legacyForm ? flags.outFile : (flags.output ?? flags.outFile);
  const form = flags.as ?? (legacyForm ? flags.output! : forms[0]!);
  return {
    form,
    outputFile: flags.send ? undefined : file,
    bodyFile: flags.send ? file : undefined,
  };
}

function parseSign({ args, flags }: { args: unknown[]; flags: SignFlags }, mode: Mode) {
  const [first, second] = args as [string, string | undefined];
  return {
    ...formAndFiles(flags, mode),
    method: flags.request ?? (second !== undefined ? first : undefined),
    url: second ?? first,
    headers: (flags.header ?? []).map(parseHeaderFlag),
    data: flags.data,
    credentials: {
      accessKey: flags.accessKey,
      secretKey: flags.secretKey,
      sessionToken: flags.sessionToken,
      profile: flags.profile,
    },
    region: flags.region,
    service: flags.service,
    date: flags.date,
    expires: expiresSeconds(flags.expires),
    presign: mode === 'presign' || flags.presign === true,
    sigv2: flags.sigv2 === true,
    bucket: flags.bucket,
    send: flags.send === true,
    include: flags.include === true,
    unsignedPayload: flags.unsignedPayload,
    sessionTokenAfterSigning: flags.sessionTokenAfterSigning,
    normalizePath: flags.normalizePath,
    doubleEncode: flags.doubleEncode,
    contentSha256: flags.contentSha256,
    unsignedHeaders: flags.unsignedHeader,
  };
}
type SignOptions = ReturnType<typeof parseSign>;

/** What a sign run produced: headers to add, a URL, or (with --send) the service's answer. */
type Signed =
  | { kind: 'headers'; form: string; json: object; added: Headers; curl: string }
  | { kind: 'url'; form: string; json: object; url: string; curl: string }
  | { kind: 'sent'; json: object; text: string };

async function runSign(opts: SignOptions, io: Io, deps: Deps): Promise<Result<Signed>> {
  const resolved = await credentialsFor(deps, io, opts.credentials);
  const { credentials } = resolved;
  const p: SigV4Profile = resolved.profile ?? {};
  let url = opts.url;
  if (url.startsWith('/') && p.endpoint) url = `${p.endpoint.replace(/\/$/, '')}${url}`;
  const { body, curl } = await readBody(io, deps.cwd, opts.data);
  const method = (opts.method ?? (opts.data !== undefined ? 'POST' : 'GET')).toUpperCase();
  const request: SignableRequest = { method, url, headers: opts.headers, body };
  const token = credentials.sessionToken;
  const sent = (to: string, headers: Headers, creq: string) =>
    send(io, deps, opts, { method, url: to, headers, body }, creq, token);
  const curlOf = (to: string, headers: Headers) => toCurl({ method, url: to, headers, body: curl });
  if (opts.sigv2) {
    const expires = opts.expires;
    const result = signV2Query(request, credentials, {
      expires,
      date: opts.date,
      bucket: opts.bucket,
    });
    if (opts.send) return sent(result.url, opts.headers, '');
    return urlResult(opts.form, result.url, result, curlOf(result.url, opts.headers));
  }
  const options: SigV4Options = {
    region: opts.region ?? resolved.region ?? '',
    service: opts.service ?? p.service ?? '',
    date: opts.date,
    unsignedPayload: opts.unsignedPayload ?? p.unsigned_payload,
    sessionTokenAfterSigning: opts.sessionTokenAfterSigning ?? p.session_token_after_signing,
    normalizePath: opts.normalizePath ?? p.normalize_path,
    doubleEncodePath: opts.doubleEncode ?? p.double_encode_path,
    contentSha256Header: opts.contentSha256,
    unsignedHeaders: opts.unsignedHeaders,
  };
  const noted = <R extends { warnings: string[]; canonicalRequest: string; stringToSign: string }>(
    result: R,
  ) => {
    result.warnings.forEach((w) => io.warn(w));
    io.debug(
      `canonical request:\n${maskToken(result.canonicalRequest, token)}\n\nstring to sign:\n${result.stringToSign}`,
    );
    return result;
  };
  if (opts.presign) {
    const result = noted(presignUrl(request, credentials, { ...options, expires: opts.expires }));
    const headers = Object.entries(result.headers);
    if (opts.send) return sent(result.url, headers, result.canonicalRequest);
    return urlResult(opts.form, result.url, result, curlOf(result.url, headers));
  }
  const result = noted(signRequest(request, credentials, options));
  if (opts.send) return sent(result.url, result.headerList, result.canonicalRequest);
  const { headerList, ...json } = result;
  // The headers to add: everything the signer set (the caller already has their own).
  const own = new Set(opts.headers.map(([n]) => n.toLowerCase()));
  const added = headerList.filter(
    ([n]) => !own.has(n.toLowerCase()) && !(n === 'host' && !own.has('host')),
  );
  return {
    value: { kind: 'headers', form: opts.form, json, added, curl: curlOf(result.url, headerList) },
  };
}

function urlResult(form: string, url: string, json: object, curl: string): Result<Signed> {
  return { value: { kind: 'url', form, json: { ...json, url }, url, curl } };
}

async function send(
  io: Io,
  deps: Deps,
  opts: SignOptions,
  request: { method: string; url: string; headers: Headers; body: Buffer | string },
  creq: string,
  token?: string,
): Promise<Result<Signed>> {
  // node:https (TLS) loads only when a request is actually sent.
  const { sendSignedRequest } = await import('../core/sigv4/send.js');
  const response = await sendSignedRequest(request);
  if (opts.bodyFile) {
    const { writeFileAtomic } = await import('../core/fs/atomic.js');
    await writeFileAtomic(path.resolve(deps.cwd, opts.bodyFile), response.body, { mode: 0o644 });
  }
  const body = response.body.toString('utf8');
  if (/SignatureDoesNotMatch/.test(body)) explainMismatch(io, creq, body, token);
  const head = `HTTP ${response.status} ${response.statusText}\n${response.headers.map(([n, v]) => `${n}: ${v}`).join('\n')}`;
  const json = {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
    ...(opts.include ? { body } : {}),
  };
  return {
    value: { kind: 'sent', json, text: opts.include ? `${head}\n\n${body}` : head },
    exitCode: response.status >= 400 ? EXIT_CODES.check : EXIT_CODES.ok,
  };
}

function explainMismatch(io: Io, creq: string, body: string, token?: string): void {
  const server = parseServerDetails(body);
  io.warn('the service answered SignatureDoesNotMatch');
  if (!server.canonicalRequest) return;
  for (const d of diffCanonicalRequests(creq, server.canonicalRequest).filter((x) => !x.same)) {
    // The canonical requests hold a session token (header or query): mask it on both sides.
    const show = (line: string | undefined) =>
      line === undefined ? 'null' : JSON.stringify(maskToken(maskSecurityTokens(line), token));
    io.info(`  ${d.label}: signed ${show(d.ours)}, service used ${show(d.theirs)}`);
  }
}

function renderSigned(value: Signed): string {
  if (value.kind === 'sent') return value.text;
  if (value.form === 'json') return jsonText(value.json);
  if (value.form === 'curl') return value.curl;
  return value.kind === 'url' ? value.url : value.added.map(([n, v]) => `${n}: ${v}`).join('\n');
}

const SIGN_EXIT =
  '\nExit codes: 0 signed (with --send: a 1xx-3xx answer), 1 --send got a 4xx/5xx answer, 2 bad URL/header/date/flag, 3 network error.\n';

const SIGN_EXAMPLES = [
  'authctl sign GET https://examplebucket.s3.amazonaws.com/test.txt --region us-east-1 --service s3',
  'authctl sign PUT https://localhost:9000/bucket/key --service s3 --region us-east-1 -d @photo.jpg --as curl',
  'authctl sign https://iam.amazonaws.com/?Action=ListUsers --region us-east-1 --service iam --date 2015-08-30T12:36:00Z --json',
  'authctl sign https://api.example.com/prod/items --service execute-api --region eu-west-1 --profile dev --send -o body.json',
  'authctl sign https://examplebucket.s3.amazonaws.com/test.txt --service s3 --region us-east-1 --presign --expires 15m',
];

const PRESIGN_EXAMPLES = [
  'authctl sigv4 presign https://examplebucket.s3.amazonaws.com/test.txt --service s3 --region us-east-1 --expires 86400',
  'authctl sigv4 presign PUT https://localhost:9000/bucket/upload.bin --service s3 --region us-east-1 --expires 15m',
  'authctl sigv4 presign https://johnsmith.s3.amazonaws.com/photos/puppy.jpg --sigv2 --expires 3600',
];

/** `sign` (also `authctl sign`) and `presign`: one verb each, the same flags. */
export function signVerb(mode: Mode, summary: string): Verb<SignFlags, SignOptions, Signed> {
  return verb({
    name: `${mode} <method-or-url> [url]`,
    summary,
    options: [
      ...signOptions(),
      new Option('--as <form>', `${FORMS[mode].join(' | ')} (default ${FORMS[mode][0]})`),
      new Option(
        '-o, --output <file>',
        `write the output to FILE (with --send: the response body); ${FORMS[mode].join('|')} still mean --as`,
      ),
      new Option('--out-file <file>', 'the same as -o/--output FILE').hideHelp(),
      ...(mode === 'sign'
        ? [new Option('--presign', 'produce a presigned URL instead of headers')]
        : []),
    ],
    examples: mode === 'sign' ? SIGN_EXAMPLES : PRESIGN_EXAMPLES,
    parse: (values: { args: unknown[]; flags: SignFlags }) => parseSign(values, mode),
    run: runSign,
    render: { text: renderSigned, json: (value) => value.json },
  });
}

export { SIGN_EXIT };

function signOptions(): Option[] {
  const o = (flags: string, text: string) => new Option(flags, text);
  return [
    o('-X, --request <method>', 'HTTP method (default GET, POST with --data)'),
    o('-H, --header <header>', "header to send and sign, 'Name: value'; repeatable").argParser(
      collect,
    ),
    o('-d, --data <data>', 'body: @file, - (stdin) or literal text'),
    o('--region <region>', 'signing region (also AWS_REGION, or the profile)'),
    o('--service <service>', 'signing service: s3, execute-api, sts, ... (or the profile)'),
    o('--access-key <id>', 'access key id (else AWS_ACCESS_KEY_ID or --profile)'),
    o('--secret-key <secret>', 'secret access key (else AWS_SECRET_ACCESS_KEY or --profile)'),
    o('--session-token <token>', 'session token of temporary credentials (else AWS_SESSION_TOKEN)'),
    o('--profile <name>', 'authctl [sigv4.NAME] profile, else [NAME] of ~/.aws/credentials'),
    o('--date <date>', 'signing time: 2015-08-30T12:36:00Z or 20150830T123600Z (default now)'),
    o(
      '--expires <seconds>',
      'presigned URL lifetime: seconds or 15m/12h/7d, 1 s .. 7 days (default 900)',
    ),
    o(
      '--sigv2',
      'SigV2 query auth (AWSAccessKeyId, Signature, Expires) for legacy S3-style services',
    ),
    o('--bucket <name>', 'SigV2: bucket of a virtual-hosted/CNAME request on a non-AWS host'),
    o('--unsigned-payload', 'sign UNSIGNED-PAYLOAD instead of the body hash (S3)'),
    o('--session-token-after-signing', 'add the session token after signing, unsigned (AWS IoT)'),
    o('--normalize-path', 'remove ./.. and empty path segments (default: on except for s3)'),
    o('--no-normalize-path', 'sign the path without normalising it'),
    o('--double-encode', 'URI-encode the (already encoded) path again (default: on except for s3)'),
    o('--no-double-encode', 'encode the path once (S3 rule)'),
    o('--content-sha256', 'add x-amz-content-sha256 (default: on for s3)'),
    o('--no-content-sha256', 'do not add x-amz-content-sha256'),
    o('--unsigned-header <name>', 'send this header without signing it; repeatable').argParser(
      collect,
    ),
    o('--send', 'send the request and print the response status and headers'),
    o('-i, --include', 'with --send: print the response body too'),
  ];
}

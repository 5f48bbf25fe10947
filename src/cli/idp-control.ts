import { Option } from 'commander';
import { parseDuration } from '../core/duration.js';
import { usageError } from '../core/errors.js';
import { callControl, type ControlTarget } from '../core/idp/control-client.js';
import { parseFaultRequest, type FaultKind, type FaultSpec } from '../core/idp/faults.js';
import { parseClaimAssignment } from '../core/token/claims.js';
import { verb, type Deps } from './command.js';
import { defaultIssuerUrl } from './idp-run.js';
import { caOption, fetchFor } from './idp-tls.js';
import { table } from './output.js';

/**
 * The control verbs of a running issuer (`authctl idp rotate|fault|clock|requests|state`; the add
 * verbs are in idp-control-add.ts): parse checks the flags, run makes one call of the control API
 * (its routes are core's typed map, core/idp/control-routes.ts), render shows the issuer's answer,
 * which is also the --json document.
 */

export interface UrlFlags {
  url?: string;
  controlToken?: string;
  ca?: string;
}

/** `--url`, `--control-token` and `--ca`, the last options of every control verb. */
export function urlOptions(): Option[] {
  return [
    new Option(
      '--url <url>',
      'the running issuer (default: $AUTHCTL_IDP_URL, else [idp] issuer_url/port, else http://127.0.0.1:9400)',
    ),
    new Option(
      '--control-token <token>',
      'control token of an issuer bound beyond loopback (default: $AUTHCTL_CONTROL_TOKEN)',
    ),
    caOption(),
  ];
}

/** The issuer to call (`--url`, else the configured one) and its token (else AUTHCTL_CONTROL_TOKEN). */
export async function targetOf(flags: UrlFlags, deps: Deps): Promise<ControlTarget> {
  const token = flags.controlToken || deps.env.AUTHCTL_CONTROL_TOKEN || undefined;
  const url = flags.url ?? defaultIssuerUrl(deps, (await deps.config()).config);
  return { url, token, fetch: await fetchFor(deps, url, flags.ca) };
}

export const claimsOf = (pairs: string[] | undefined) =>
  pairs?.length ? Object.fromEntries(pairs.map(parseClaimAssignment)) : undefined;

/** The --json document of a verb whose value is the issuer's answer and the options that asked. */
export const answerJson = <V extends { answer: unknown }>(value: V): unknown => value.answer;

const STAGES = ['publish', 'activate', 'retire', 'all'];

interface RotateFlags extends UrlFlags {
  stage?: string;
  dropOld?: boolean;
  grace?: string;
  issuer?: string;
}

interface Rotated {
  activated?: { kid: string };
  published?: { kid: string };
  demoted: { kid: string; status: string }[];
  retired: { kid: string }[];
}

export const rotate = verb({
  name: 'rotate',
  summary: 'rotate the issuer\u2019s signing key now, or one stage at a time',
  options: [
    new Option(
      '--stage <stage>',
      'publish (new key in JWKS only) | activate (sign with it) | retire (drop grace keys); default all at once',
    ),
    new Option(
      '--drop-old',
      'drop the old key from the JWKS at once instead of keeping it for the grace period',
    ),
    new Option('--grace <duration>', 'how long the old key stays in the JWKS (default 24h)'),
    new Option(
      '--issuer <id>',
      'rotate the keys of this [idp.issuers.<id>] with keys = "own" (default: the shared keystore)',
    ),
    ...urlOptions(),
  ],
  examples: [
    'authctl idp rotate',
    'authctl idp rotate --drop-old',
    'authctl idp rotate --stage publish && authctl idp rotate --stage activate && authctl idp rotate --stage retire',
  ],
  parse({ flags }: { flags: RotateFlags }): RotateFlags {
    if (flags.stage && !STAGES.includes(flags.stage)) {
      throw usageError('ERR_BAD_STAGE', `unknown stage "${flags.stage}"`, {
        where: '--stage',
        hint: 'use publish, activate or retire (or omit it to rotate at once)',
      });
    }
    if (flags.grace) parseDuration(flags.grace, '--grace');
    return flags;
  },
  async run(opts, _io, deps) {
    const answer = await callControl(await targetOf(opts, deps), 'rotate', {
      stage: opts.stage,
      drop_old: opts.dropOld,
      grace: opts.grace,
      issuer: opts.issuer,
    });
    return { value: answer as Rotated };
  },
  render: {
    text: (r) =>
      [
        r.published ? `published ${r.published.kid} (in the JWKS, not signing yet)` : '',
        r.activated ? `active    ${r.activated.kid} (signs new tokens)` : '',
        ...r.demoted.map(
          (k) =>
            `${k.status.padEnd(9)} ${k.kid}${k.status === 'grace' ? ' (still in the JWKS for the grace period)' : ' (dropped from the JWKS)'}`,
        ),
        ...r.retired.map((k) => `retired   ${k.kid} (dropped from the JWKS)`),
      ]
        .filter(Boolean)
        .join('\n') || 'nothing to do',
  },
});

interface FaultFlags extends UrlFlags {
  jwks?: string;
  token?: string;
  latency?: string;
  unpublishedKey?: boolean;
  for?: string;
}
type Faulted = { faults?: FaultSpec; ends?: Partial<Record<FaultKind, number>> };

/** Each fault with its own end: a timed JWKS fault's end is not the token fault's (issue #11). */
function faultLines({ faults: f = {}, ends }: Faulted): string {
  const end = (kind: FaultKind) => {
    const at = ends?.[kind];
    return at ? ` until ${new Date(at).toISOString()}` : ' until `authctl idp fault clear`';
  };
  return [
    f.jwks ? `JWKS: ${f.jwks}${end('jwks')}` : '',
    f.token ? `token endpoint: HTTP ${f.token}${end('token')}` : '',
    f.latencyMs ? `latency: ${f.latencyMs} ms${end('latencyMs')}` : '',
    f.unpublishedKey ? `signing with an unpublished key${end('unpublishedKey')}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

/** The control API's fault request from the flags. */
const faultRequest = (flags: FaultFlags) => ({
  jwks: flags.jwks,
  token: flags.token,
  latency: flags.latency,
  unpublished_key: flags.unpublishedKey,
  for: flags.for,
});

export const fault = verb({
  name: 'fault [action]',
  summary:
    'inject a fault (JWKS outage, token errors, latency, unpublished signing key); `fault clear` ends it',
  options: [
    new Option(
      '--jwks <mode>',
      'JWKS answers 503 | timeout (never answers) | empty ({"keys":[]}) | garbage (not JSON)',
    ),
    new Option('--token <status>', 'token endpoint answers this HTTP status (e.g. 500)'),
    new Option('--latency <duration>', 'delay every issuer response (e.g. 2s)'),
    new Option('--unpublished-key', 'sign new tokens with a key that is not in the JWKS'),
    new Option('--for <duration>', 'end the fault after this long (default: until `fault clear`)'),
    ...urlOptions(),
  ],
  examples: [
    'authctl idp fault --jwks 503 --for 30s',
    'authctl idp fault --token 500',
    'authctl idp fault --latency 2s',
    'authctl idp fault --unpublished-key',
    'authctl idp fault clear',
  ],
  parse({ args, flags }: { args: unknown[]; flags: FaultFlags }) {
    const action = args[0] as string | undefined;
    if (action !== undefined && action !== 'clear')
      throw usageError('ERR_BAD_ARGUMENT', `unknown fault action "${action}"`, {
        where: 'authctl idp fault',
        hint: 'use `authctl idp fault --jwks 503` to inject, `authctl idp fault clear` to end',
      });
    // Checked here as the issuer checks it, before the control API is called (the issuer checks again).
    if (action !== 'clear') parseFaultRequest(faultRequest(flags), 0);
    return { ...flags, clear: action === 'clear' };
  },
  async run(opts, _io, deps) {
    const target = await targetOf(opts, deps);
    if (opts.clear) return { value: { answer: await callControl(target, 'clearFault'), opts } };
    const answer = await callControl(target, 'setFault', faultRequest(opts));
    return { value: { answer, opts } };
  },
  render: {
    json: answerJson,
    text: ({ answer, opts }) => (opts.clear ? 'faults cleared' : faultLines(answer as Faulted)),
  },
});

interface ClockFlags extends UrlFlags {
  freeze?: boolean;
  unfreeze?: boolean;
  advance?: string;
  set?: string;
  reset?: boolean;
}

export const clock = verb({
  name: 'clock',
  summary:
    'show or move the issuer\u2019s clock (issued tokens, introspection and userinfo use it)',
  options: [
    new Option('--freeze', 'stop the clock'),
    new Option('--unfreeze', 'let it run again'),
    new Option('--advance <duration>', 'move forward (e.g. 2h; negative goes back)'),
    new Option('--set <iso>', 'jump to this time'),
    new Option('--reset', 'back to real time'),
    ...urlOptions(),
  ],
  examples: [
    'authctl idp clock',
    'authctl idp clock --freeze',
    'authctl idp clock --advance 2h',
    'authctl idp clock --reset',
  ],
  parse({ flags }: { flags: ClockFlags }): ClockFlags {
    if (flags.advance) parseDuration(flags.advance, '--advance');
    return flags;
  },
  async run(opts, _io, deps) {
    const target = await targetOf(opts, deps);
    const change = opts.freeze || opts.unfreeze || opts.advance || opts.set || opts.reset;
    const answer = change
      ? await callControl(target, 'setClock', {
          freeze: opts.freeze ? true : opts.unfreeze ? false : undefined,
          advance: opts.advance,
          set: opts.set,
          reset: opts.reset,
        })
      : await callControl(target, 'getClock');
    return { value: answer as { now: string; frozen: boolean; offsetSeconds: number } };
  },
  render: {
    text: (r) =>
      `issuer time ${r.now}${r.frozen ? ' (frozen)' : ''}, offset ${r.offsetSeconds}s from real time`,
  },
});

interface RequestsFlags extends UrlFlags {
  path?: string;
  client?: string;
  clear?: boolean;
}
interface Captured {
  requests?: {
    time: string;
    method: string;
    path: string;
    status: number;
    ms: number;
    clientId?: string;
  }[];
}

export const requests = verb({
  name: 'requests',
  summary:
    'list the requests the issuer received (what the service under test sent), secrets masked',
  options: [
    new Option('--path <text>', 'only paths containing this'),
    new Option('--client <id>', 'only this client_id'),
    new Option('--clear', 'forget the captured requests'),
    ...urlOptions(),
  ],
  examples: [
    'authctl idp requests',
    'authctl idp requests --path /jwks --json',
    'authctl idp requests --clear',
  ],
  parse: ({ flags }: { flags: RequestsFlags }) => flags,
  async run(opts, _io, deps) {
    const target = await targetOf(opts, deps);
    if (opts.clear) return { value: { answer: await callControl(target, 'clearRequests'), opts } };
    const query = new URLSearchParams();
    if (opts.path) query.set('path', opts.path);
    if (opts.client) query.set('client_id', opts.client);
    return { value: { answer: await callControl(target, 'listRequests', undefined, query), opts } };
  },
  render: {
    json: answerJson,
    text: ({ answer, opts }) => {
      if (opts.clear) return 'captured requests cleared';
      const captured = (answer as Captured).requests ?? [];
      return captured.length
        ? table(
            captured.map((q) => [
              q.time,
              q.method,
              q.path,
              String(q.status),
              `${q.ms}ms`,
              q.clientId ?? '-',
            ]),
            ['TIME', 'METHOD', 'PATH', 'STATUS', 'MS', 'CLIENT'],
          )
        : 'no requests captured';
    },
  },
});

interface State {
  clock: { now: string; frozen: boolean };
  faults: object;
  keys: { kid: string; alg: string; status: string }[];
  issuers: { id: string; url: string; layout: string }[];
  clients: string[];
  users: string[];
}

export const state = verb({
  name: 'state',
  summary: 'show the running issuer\u2019s clock, faults, keys, issuers, clients and users',
  options: urlOptions(),
  examples: ['authctl idp state', 'authctl idp state --json | jq .keys'],
  parse: ({ flags }: { flags: UrlFlags }) => flags,
  async run(opts, _io, deps) {
    return { value: (await callControl(await targetOf(opts, deps), 'state')) as State };
  },
  render: {
    text: (r) =>
      [
        `clock    ${r.clock.now}${r.clock.frozen ? ' (frozen)' : ''}`,
        `faults   ${Object.keys(r.faults).length ? JSON.stringify(r.faults) : 'none'}`,
        `issuers  ${r.issuers.map((i) => `${i.url} (${i.layout})`).join(', ')}`,
        `clients  ${r.clients.join(', ') || 'any (zero-config)'}`,
        `users    ${r.users.join(', ') || 'any (zero-config)'}`,
        'keys',
        table(r.keys.map((k) => [`  ${k.kid}`, k.alg, k.status])),
      ].join('\n'),
  },
});

import { parseDuration } from '../core/duration.js';
import { usageError } from '../core/errors.js';
import { callControl, type ControlTarget } from '../core/idp/control-client.js';
import type { FaultKind, FaultSpec } from '../core/idp/faults.js';
import { parseClaimAssignment } from '../core/token/claims.js';
import type { CliContext } from './context.js';
import { table } from './output.js';
import { defaultIssuerUrl } from './idp-run.js';

interface UrlFlags {
  url?: string;
  controlToken?: string;
}

/** The issuer to call and its control token (`--control-token`, else AUTHCTL_CONTROL_TOKEN). */
async function target(ctx: CliContext, flags: UrlFlags): Promise<ControlTarget> {
  const token = flags.controlToken || ctx.env.AUTHCTL_CONTROL_TOKEN || undefined;
  if (flags.url) return { url: flags.url, token };
  const { config } = await ctx.config();
  return { url: defaultIssuerUrl(ctx, config), token };
}

const claimsOf = (pairs: string[] | undefined) =>
  pairs?.length ? Object.fromEntries(pairs.map(parseClaimAssignment)) : undefined;
const json = (value: unknown) => JSON.stringify(value, null, 2);

export async function runRotate(
  ctx: CliContext,
  flags: UrlFlags & { stage?: string; dropOld?: boolean; grace?: string; issuer?: string },
): Promise<void> {
  if (flags.stage && !['publish', 'activate', 'retire', 'all'].includes(flags.stage)) {
    throw usageError('ERR_BAD_STAGE', `unknown stage "${flags.stage}"`, {
      where: '--stage',
      hint: 'use publish, activate or retire (or omit it to rotate at once)',
    });
  }
  if (flags.grace) parseDuration(flags.grace, '--grace');
  const result = (await callControl(await target(ctx, flags), 'rotate', {
    stage: flags.stage,
    drop_old: flags.dropOld,
    grace: flags.grace,
    issuer: flags.issuer,
  })) as {
    stage: string;
    activated?: { kid: string };
    published?: { kid: string };
    demoted: { kid: string; status: string }[];
    retired: { kid: string }[];
  };
  ctx.out.result(
    result,
    (r) =>
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
  );
}

export async function runFault(
  ctx: CliContext,
  action: string | undefined,
  flags: UrlFlags & {
    jwks?: string;
    token?: string;
    latency?: string;
    unpublishedKey?: boolean;
    for?: string;
  },
): Promise<void> {
  const url = await target(ctx, flags);
  if (action !== undefined && action !== 'clear')
    throw usageError('ERR_BAD_ARGUMENT', `unknown fault action "${action}"`, {
      where: 'authctl idp fault',
      hint: 'use `authctl idp fault --jwks 503` to inject, `authctl idp fault clear` to end',
    });
  if (action === 'clear') {
    const result = await callControl(url, 'clearFault');
    ctx.out.result(result, () => 'faults cleared');
    return;
  }
  const result = (await callControl(url, 'setFault', {
    jwks: flags.jwks,
    token: flags.token,
    latency: flags.latency,
    unpublished_key: flags.unpublishedKey,
    for: flags.for,
  })) as { faults: FaultSpec; ends?: Partial<Record<FaultKind, number>> };
  ctx.out.result(result, (r) => {
    const f = r.faults;
    // Each fault with its own end: a timed JWKS fault's end is not the token fault's (issue #11).
    const end = (kind: FaultKind) => {
      const at = r.ends?.[kind];
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
  });
}

export async function runClock(
  ctx: CliContext,
  flags: UrlFlags & {
    freeze?: boolean;
    unfreeze?: boolean;
    advance?: string;
    set?: string;
    reset?: boolean;
  },
): Promise<void> {
  if (flags.advance) parseDuration(flags.advance, '--advance');
  const change = flags.freeze || flags.unfreeze || flags.advance || flags.set || flags.reset;
  const url = await target(ctx, flags);
  const result = (
    change
      ? await callControl(url, 'setClock', {
          freeze: flags.freeze ? true : flags.unfreeze ? false : undefined,
          advance: flags.advance,
          set: flags.set,
          reset: flags.reset,
        })
      : await callControl(url, 'getClock')
  ) as { now: string; frozen: boolean; offsetSeconds: number };
  ctx.out.result(
    result,
    (r) =>
      `issuer time ${r.now}${r.frozen ? ' (frozen)' : ''}, offset ${r.offsetSeconds}s from real time`,
  );
}

export async function runRequests(
  ctx: CliContext,
  flags: UrlFlags & { path?: string; client?: string; clear?: boolean },
): Promise<void> {
  const url = await target(ctx, flags);
  if (flags.clear) {
    ctx.out.result(await callControl(url, 'clearRequests'), () => 'captured requests cleared');
    return;
  }
  const query = new URLSearchParams();
  if (flags.path) query.set('path', flags.path);
  if (flags.client) query.set('client_id', flags.client);
  const result = (await callControl(url, 'listRequests', undefined, query)) as {
    requests: {
      time: string;
      method: string;
      path: string;
      status: number;
      ms: number;
      clientId?: string;
    }[];
  };
  ctx.out.result(result, (r) =>
    r.requests.length
      ? table(
          r.requests.map((q) => [
            q.time,
            q.method,
            q.path,
            String(q.status),
            `${q.ms}ms`,
            q.clientId ?? '-',
          ]),
          ['TIME', 'METHOD', 'PATH', 'STATUS', 'MS', 'CLIENT'],
        )
      : 'no requests captured',
  );
}

export async function runClientAdd(
  ctx: CliContext,
  id: string,
  flags: UrlFlags & {
    secret?: string;
    public?: boolean;
    redirectUri?: string[];
    grant?: string[];
    scope?: string[];
    claim?: string[];
  },
): Promise<void> {
  if (!flags.secret && !flags.public)
    throw usageError(
      'ERR_MISSING_SECRET',
      'a client needs --secret, or --public for PKCE-only clients',
      { where: 'authctl idp client add' },
    );
  const result = await callControl(await target(ctx, flags), 'addClient', {
    id,
    secret: flags.secret,
    public: flags.public,
    redirect_uris: flags.redirectUri,
    grants: flags.grant,
    scopes: flags.scope,
    claims: claimsOf(flags.claim),
  });
  ctx.out.result(result, () => `client ${id} added; the issuer now checks clients strictly`);
}

export async function runUserAdd(
  ctx: CliContext,
  name: string,
  flags: UrlFlags & {
    sub?: string;
    password?: string;
    tenant?: string;
    role?: string[];
    scope?: string[];
    claim?: string[];
  },
): Promise<void> {
  const result = await callControl(await target(ctx, flags), 'addUser', {
    name,
    sub: flags.sub,
    password: flags.password,
    tenant: flags.tenant,
    roles: flags.role,
    scopes: flags.scope,
    claims: claimsOf(flags.claim),
  });
  ctx.out.result(result, () => `user ${name} added`);
}

export async function runClaims(
  ctx: CliContext,
  flags: UrlFlags & {
    client?: string;
    user?: string;
    claim?: string[];
    sticky?: boolean;
    clear?: boolean;
  },
): Promise<void> {
  const url = await target(ctx, flags);
  if (flags.clear) {
    ctx.out.result(await callControl(url, 'clearClaims'), () => 'pending claims cleared');
    return;
  }
  if (!flags.client === !flags.user)
    throw usageError('ERR_BAD_ARGUMENT', 'give exactly one of --client or --user', {
      where: 'authctl idp claims',
    });
  const claims = claimsOf(flags.claim);
  if (!claims)
    throw usageError('ERR_BAD_ARGUMENT', 'no --claim given', {
      where: '--claim',
      hint: 'e.g. --claim org_id=42',
    });
  const result = await callControl(url, 'setClaims', {
    client_id: flags.client,
    user: flags.user,
    claims,
    sticky: flags.sticky,
  });
  ctx.out.result(
    result,
    () =>
      `claims set for the ${flags.sticky ? 'following tokens' : 'next token'} of ${flags.client ? `client ${flags.client}` : `user ${flags.user}`}:\n${json(claims)}`,
  );
}

export async function runDevice(
  ctx: CliContext,
  flags: UrlFlags & { outcome: string; after: string; sticky?: boolean },
): Promise<void> {
  const result = await callControl(await target(ctx, flags), 'scriptDevice', {
    outcome: flags.outcome,
    after: Number(flags.after),
    sticky: flags.sticky,
  });
  ctx.out.result(
    result,
    () =>
      `next device authorization${flags.sticky ? 's' : ''}: ${flags.outcome} after ${flags.after} pending poll(s)`,
  );
}

export async function runState(ctx: CliContext, flags: UrlFlags): Promise<void> {
  const result = (await callControl(await target(ctx, flags), 'state')) as {
    clock: { now: string; frozen: boolean };
    faults: object;
    keys: { kid: string; alg: string; status: string }[];
    issuers: { id: string; url: string; layout: string }[];
    clients: string[];
    users: string[];
  };
  ctx.out.result(result, (r) =>
    [
      `clock    ${r.clock.now}${r.clock.frozen ? ' (frozen)' : ''}`,
      `faults   ${Object.keys(r.faults).length ? JSON.stringify(r.faults) : 'none'}`,
      `issuers  ${r.issuers.map((i) => `${i.url} (${i.layout})`).join(', ')}`,
      `clients  ${r.clients.join(', ') || 'any (zero-config)'}`,
      `users    ${r.users.join(', ') || 'any (zero-config)'}`,
      'keys',
      table(r.keys.map((k) => [`  ${k.kid}`, k.alg, k.status])),
    ].join('\n'),
  );
}

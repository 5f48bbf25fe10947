import { randomUUID } from 'node:crypto';
import type { MintTokenOptions } from '../token/mint.js';
import { parseDuration } from '../duration.js';
import { mintOptions, type ResolvedCredential } from './credentials.js';
import { curlCommand } from './curl.js';
import { fixFor } from './fixes.js';
import { mergeHeaders } from './headers.js';
import type { ProbeRequest, ProbeResponse } from './http.js';
import { fetchIdpToken, revocationUrl, revokeAtIssuer } from './idp-token.js';
import { pollUntil, type PollOutcome } from './poll.js';
import type { ProbeEndpoint, ProbeSpec } from './spec.js';
import type { ProbeFinding } from './verdict.js';

/**
 * One credential whose revocation the spec asks to prove, on the first endpoint it must get into:
 * through the service's own endpoint (`jwt` with `revoke = {...}`), or at the mock issuer's RFC 7009
 * /revoke (`idp` with `revoke = true`), which the service learns of only by asking the issuer.
 */
export interface RevocationTarget {
  credential: string;
  endpoint: ProbeEndpoint;
  via: { kind: 'service'; request: ProbeRequest } | { kind: 'issuer'; url: string };
  withinMs: number;
}

export interface RevocationResult {
  endpoint: string;
  case: string;
  credential: string;
  passed: boolean;
  /** How long after the revocation answered the token was still accepted (ms), when it was refused in time. */
  refusedAfterMs?: number;
  requests: number;
  finding?: ProbeFinding;
}

const is2xx = (s: number) => s >= 200 && s < 300;

function serviceRequest(revoke: {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Record<string, unknown>;
}): ProbeRequest {
  return {
    method: revoke.method.toUpperCase(),
    path: revoke.path,
    headers: revoke.headers ?? {},
    body:
      revoke.body === undefined
        ? undefined
        : typeof revoke.body === 'string'
          ? revoke.body
          : JSON.stringify(revoke.body),
  };
}

/** Credentials with `revoke`, each on the first endpoint that allows it. */
export function revocationTargets(spec: ProbeSpec): RevocationTarget[] {
  const targets: RevocationTarget[] = [];
  for (const [name, cred] of Object.entries(spec.credentials)) {
    if ((cred.type !== 'jwt' && cred.type !== 'idp') || !cred.revoke) continue;
    const endpoint = spec.endpoints.find((e) => e.allow.includes(name));
    if (!endpoint) continue;
    targets.push({
      credential: name,
      endpoint,
      via:
        cred.type === 'jwt'
          ? { kind: 'service', request: serviceRequest(cred.revoke) }
          : { kind: 'issuer', url: revocationUrl(cred) },
      withinMs:
        cred.revoke_within === undefined
          ? 0
          : parseDuration(cred.revoke_within, `credentials.${name}.revoke_within`) * 1000,
    });
  }
  return targets;
}

export interface CheckRevocationOptions {
  target: RevocationTarget;
  credential: ResolvedCredential;
  mint: (options: Omit<MintTokenOptions, 'keystore'>) => Promise<string>;
  send: (request: ProbeRequest) => Promise<ProbeResponse>;
  baseUrl: string;
  /** Where the spec came from, for errors about the issuer. */
  source: string;
}

/** A token of the credential nobody else uses (its own jti), so the controls' token is untouched. */
async function freshToken(o: CheckRevocationOptions): Promise<string | undefined> {
  const { credential } = o;
  if (o.target.via.kind === 'issuer')
    return credential.idp
      ? fetchIdpToken(credential.idp, credential.name, `${o.source} credentials.${credential.name}`)
      : undefined;
  return credential.jwt ? o.mint({ ...mintOptions(credential.jwt), jti: randomUUID() }) : undefined;
}

type Failure = Pick<ProbeFinding, 'rule' | 'severity' | 'expected' | 'got' | 'message' | 'curl'>;

/** The failed result of a revocation check, its finding keyed like every other. */
function failed(target: RevocationTarget, requests: number, f: Failure): RevocationResult {
  const e = target.endpoint;
  const id = `revoked:${target.credential}`;
  return {
    ...{ endpoint: e.id, case: id, credential: target.credential, passed: false, requests },
    finding: {
      ...f,
      ...{ key: `${e.id} ${id} ${f.rule}`, endpoint: e.id, case: id, check: 'revoked' },
      fix: fixFor(f.rule === 'probe/accepts-invalid-credential' ? 'revoked' : f.rule),
    },
  };
}

/**
 * Gets a fresh token, proves it gets in, revokes it, then requires it to be refused (401) within the
 * bound, asking again while it waits. Sequential: a handful of requests per credential.
 */
export async function checkRevocation(
  options: CheckRevocationOptions,
): Promise<RevocationResult | undefined> {
  const { target } = options;
  const who = `"${target.credential}"`;
  const token = await freshToken(options);
  if (!token) return undefined;
  const withToken = (r: ProbeRequest): ProbeRequest => ({
    ...r,
    headers: mergeHeaders(r.headers, { Authorization: `Bearer ${token}` }),
  });
  const e = target.endpoint;
  const use = withToken({
    method: e.method,
    path: e.path,
    headers: { ...e.headers },
    body: e.body,
  });
  let requests = 0;
  const send = (r: ProbeRequest) => (requests++, options.send(r));
  const curl = curlCommand(options.baseUrl, use, [token]);
  const fail = (f: Failure) => failed(target, requests, f);

  const before = await send(use);
  if (!is2xx(before.status))
    return fail({
      ...{ rule: 'probe/valid-credential-refused', severity: 'error', expected: '2xx', curl },
      got: String(before.status),
      message: `a fresh token of ${who} got ${before.status} before revocation, so revocation cannot be checked`,
    });
  const revoke = await revokeOnce(options, token, send, withToken);
  if (!is2xx(revoke.status))
    return fail({
      ...{ rule: 'probe/revocation-failed', severity: 'error', expected: '2xx', curl: revoke.curl },
      got: String(revoke.status),
      message: `${revoke.what} answered ${revoke.status}: the token was not revoked`,
    });
  const outcome = await pollUntil(
    () => send(use),
    (r) => !is2xx(r.status),
    {
      since: performance.now(),
      withinMs: target.withinMs,
    },
  );
  return judgeAfter(target, outcome, revoke, requests, curl);
}

/** After the revocation answered: refused with 401 in time passes; anything else is a finding. */
function judgeAfter(
  target: RevocationTarget,
  outcome: PollOutcome<ProbeResponse>,
  revoke: { status: number; what: string },
  requests: number,
  curl: string,
): RevocationResult {
  const who = `"${target.credential}"`;
  const got = String(outcome.last.status);
  if (outcome.done && got === '401')
    return {
      ...{ endpoint: target.endpoint.id, case: `revoked:${target.credential}` },
      ...{ credential: target.credential, passed: true, requests },
      refusedAfterMs: Math.round(outcome.elapsedMs),
    };
  if (outcome.done)
    return failed(target, requests, {
      ...{ rule: 'probe/unexpected-status', severity: 'error', expected: '401', got, curl },
      message: `revoked token of ${who}: got ${got}, expected 401`,
    });
  const bound = target.withinMs
    ? `the bound of ${target.withinMs / 1000}s`
    : 'the next request (revoke_within = 0s)';
  return failed(target, requests, {
    ...{
      rule: 'probe/accepts-invalid-credential',
      severity: 'critical',
      expected: '401',
      got,
      curl,
    },
    message: `revoked token of ${who} still accepted ${(outcome.elapsedMs / 1000).toFixed(1)}s after ${revoke.what} answered ${revoke.status}, past ${bound}`,
  });
}

/** Revokes through the service's endpoint (with the token) or at the issuer (as its client). */
async function revokeOnce(
  options: CheckRevocationOptions,
  token: string,
  send: (r: ProbeRequest) => Promise<ProbeResponse>,
  withToken: (r: ProbeRequest) => ProbeRequest,
): Promise<{ status: number; what: string; curl: string }> {
  const { via } = options.target;
  if (via.kind === 'service') {
    const request = withToken(via.request);
    return {
      status: (await send(request)).status,
      what: `${via.request.method} ${via.request.path}`,
      curl: curlCommand(options.baseUrl, request, [token]),
    };
  }
  const client = options.credential.idp!;
  const url = new URL(via.url);
  const secrets = [token, ...(client.clientSecret ? [client.clientSecret] : [])];
  const body = new URLSearchParams({
    token,
    token_type_hint: 'access_token',
    client_id: client.clientId,
    ...(client.clientSecret ? { client_secret: client.clientSecret } : {}),
  }).toString();
  return {
    status: await revokeAtIssuer(client, via.url, token),
    what: `the issuer's ${url.pathname}`,
    curl: curlCommand(
      url.origin,
      {
        method: 'POST',
        path: url.pathname,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body,
      },
      secrets,
    ),
  };
}

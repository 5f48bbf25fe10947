import { randomUUID } from 'node:crypto';
import type { MintTokenOptions } from '../token/mint.js';
import { parseDuration } from '../duration.js';
import { mintOptions, type ResolvedCredential } from './credentials.js';
import { curlCommand } from './curl.js';
import { fixFor } from './fixes.js';
import { mergeHeaders } from './headers.js';
import type { ProbeRequest, ProbeResponse } from './http.js';
import type { ProbeEndpoint, ProbeSpec } from './spec.js';
import type { ProbeFinding } from './verdict.js';

/** One credential whose revocation the spec asks to prove, on the first endpoint it must get into. */
export interface RevocationTarget {
  credential: string;
  endpoint: ProbeEndpoint;
  revoke: ProbeRequest;
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

const POLL_MS = 100;
const is2xx = (s: number) => s >= 200 && s < 300;

/** `jwt` credentials with `revoke = { ... }`, each on the first endpoint that allows it. */
export function revocationTargets(spec: ProbeSpec): RevocationTarget[] {
  const targets: RevocationTarget[] = [];
  for (const [name, cred] of Object.entries(spec.credentials)) {
    if (cred.type !== 'jwt' || !cred.revoke) continue;
    const endpoint = spec.endpoints.find((e) => e.allow.includes(name));
    if (!endpoint) continue;
    const body =
      cred.revoke.body === undefined
        ? undefined
        : typeof cred.revoke.body === 'string'
          ? cred.revoke.body
          : JSON.stringify(cred.revoke.body);
    targets.push({
      credential: name,
      endpoint,
      revoke: {
        method: cred.revoke.method.toUpperCase(),
        path: cred.revoke.path,
        headers: cred.revoke.headers ?? {},
        body,
      },
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
}

/**
 * Mints a fresh token of the credential (its own jti, so the controls' token is untouched), proves it
 * gets in, revokes it through the service's endpoint, then requires it to be refused (401) within the
 * bound, polling every 100 ms. Sequential: a handful of requests per credential.
 */
export async function checkRevocation(options: CheckRevocationOptions): Promise<RevocationResult> {
  const { target, credential } = options;
  const id = `revoked:${target.credential}`;
  const token = await options.mint({ ...mintOptions(credential.jwt!), jti: randomUUID() });
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
  const revoke = withToken(target.revoke);
  const curl = (r: ProbeRequest) => curlCommand(options.baseUrl, r, [token]);
  let requests = 0;
  const send = (r: ProbeRequest) => (requests++, options.send(r));
  const base = { endpoint: e.id, case: id, check: 'revoked', credential: target.credential };
  const fail = (
    rule: string,
    severity: ProbeFinding['severity'],
    expected: string,
    got: string,
    message: string,
    request: ProbeRequest,
  ): RevocationResult => ({
    ...base,
    passed: false,
    requests,
    finding: {
      key: `${e.id} ${id} ${rule}`,
      endpoint: e.id,
      case: id,
      check: 'revoked',
      rule,
      severity,
      expected,
      got,
      message,
      fix: fixFor(rule === 'probe/accepts-invalid-credential' ? 'revoked' : rule),
      curl: curl(request),
    },
  });

  const before = await send(use);
  if (!is2xx(before.status))
    return fail(
      'probe/valid-credential-refused',
      'error',
      '2xx',
      String(before.status),
      `a fresh token of "${target.credential}" got ${before.status} before revocation, so revocation cannot be checked`,
      use,
    );
  const revoked = await send(revoke);
  if (!is2xx(revoked.status))
    return fail(
      'probe/revocation-failed',
      'error',
      '2xx',
      String(revoked.status),
      `${target.revoke.method} ${target.revoke.path} answered ${revoked.status}: the token was not revoked`,
      revoke,
    );
  const started = performance.now();
  for (;;) {
    const after = await send(use);
    const elapsed = performance.now() - started;
    if (!is2xx(after.status)) {
      if (after.status === 401)
        return { ...base, passed: true, refusedAfterMs: Math.round(elapsed), requests };
      return fail(
        'probe/unexpected-status',
        'error',
        '401',
        String(after.status),
        `revoked token of "${target.credential}": got ${after.status}, expected 401`,
        use,
      );
    }
    if (elapsed >= target.withinMs) {
      const bound = target.withinMs
        ? `the bound of ${target.withinMs / 1000}s`
        : 'the next request (revoke_within = 0s)';
      return fail(
        'probe/accepts-invalid-credential',
        'critical',
        '401',
        String(after.status),
        `revoked token of "${target.credential}" still accepted ${(elapsed / 1000).toFixed(1)}s after ${target.revoke.method} ${target.revoke.path} answered ${revoked.status}, past ${bound}`,
        use,
      );
    }
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(POLL_MS, target.withinMs - elapsed)),
    );
  }
}

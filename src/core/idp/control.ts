import { AuthctlError, usageError } from '../errors.js';
import { DAY_SECONDS, checkClockTime, durationInRange } from './bounds.js';
import { DEFAULT_GRACE_SECONDS } from '../keys/keystore.js';
import { parseDeviceOutcome } from './device.js';
import { parseFaultRequest } from './faults.js';
import { keysOf } from './keys-of.js';
import { OAuthError, json } from './http.js';
import { checkClaimKeys, nullPrototype } from './request-claims.js';
import { ensureRoom } from './tables.js';
import type { IdpDeps, IdpRequest, IdpResponse } from './types.js';

type Body = Record<string, unknown>;

const bad = (message: string) =>
  json(400, { error: 'invalid_request', error_description: message });

function objectBody(req: IdpRequest): Body {
  if (req.json && typeof req.json === 'object' && !Array.isArray(req.json)) return req.json as Body;
  return req.body;
}

/** Key grace periods: up to ten years (the keystore writes the end date of each). */
const MAX_GRACE_SECONDS = 3650 * DAY_SECONDS;

/** `set` and `advance` of POST /clock, checked before either is applied; `now` is the issuer's time. */
function clockChange(body: Body, now: number): { set?: number; advanceSeconds?: number } {
  let set: number | undefined;
  if (body.set !== undefined) {
    const at = Date.parse(String(body.set));
    if (Number.isNaN(at))
      throw usageError('ERR_BAD_TIME', 'set must be an ISO date', { where: 'set' });
    set = checkClockTime(at, 'set');
  }
  if (body.advance === undefined) return { set };
  const advanceSeconds = durationInRange(body.advance, 'advance', {
    min: -Infinity,
    max: Infinity,
  });
  checkClockTime((set ?? now) + advanceSeconds * 1000, 'advance');
  return { set, advanceSeconds };
}

/**
 * The control API (`/_authctl/...`), for tests of a service's failure paths: rotate keys, inject
 * faults, move the clock, change clients/users/claims at run time, read captured requests.
 */
export async function controlEndpoint(req: IdpRequest, deps: IdpDeps): Promise<IdpResponse> {
  const route = `${req.method} ${req.path}`;
  const body = objectBody(req);
  try {
    switch (route) {
      case 'GET /state':
        return json(200, {
          clock: deps.clock.state(),
          faults: deps.faults.active(),
          keys: (await deps.keys.keystore.list()).map(
            ({ privateJwk: _p, publicJwk: _q, ...rest }) => rest,
          ),
          issuers: deps.settings.issuers.map((i) => ({ id: i.id, url: i.url, layout: i.layout })),
          clients: [...deps.settings.clients.keys()],
          users: [...deps.settings.users.keys()],
          tables: deps.store.sizes(),
        });
      case 'POST /rotate': {
        const stage = (body.stage as string | undefined) ?? 'all';
        if (!['all', 'publish', 'activate', 'retire'].includes(stage))
          return bad('stage must be publish, activate, retire or all');
        const issuer =
          body.issuer === undefined
            ? deps.settings.issuers[0]!
            : deps.settings.issuers.find((i) => i.id === body.issuer);
        if (!issuer)
          return bad(
            `no issuer "${String(body.issuer)}"; issuers: ${deps.settings.issuers.map((i) => i.id).join(', ')}`,
          );
        const alg = issuer.alg;
        const result = await keysOf(deps, issuer).rotate({
          alg,
          stage: stage as 'all',
          dropOld: Boolean(body.drop_old),
          graceSeconds:
            body.grace !== undefined
              ? durationInRange(body.grace, 'grace', { min: 0, max: MAX_GRACE_SECONDS })
              : DEFAULT_GRACE_SECONDS,
        });
        const strip = (r?: { kid: string; status: string }) =>
          r ? { kid: r.kid, status: r.status } : undefined;
        return json(200, {
          issuer: issuer.id,
          shared: !issuer.ownKeys,
          stage,
          activated: strip(result.activated),
          published: strip(result.published),
          demoted: result.demoted.map(strip),
          retired: result.retired.map(strip),
        });
      }
      case 'POST /fault':
        // `until` is the soonest end of all; `ends` says which fault ends when (a later untimed fault does not inherit it).
        return json(200, {
          faults: deps.faults.set(parseFaultRequest(body, Date.now())),
          ends: deps.faults.ends(),
        });
      case 'DELETE /fault':
      case 'POST /fault/clear':
        deps.faults.clear();
        return json(200, { faults: {} });
      case 'GET /clock':
        return json(200, deps.clock.state());
      case 'POST /clock': {
        // reset applies first; a refused set/advance then changes nothing more.
        if (body.reset) deps.clock.reset();
        const change = clockChange(body, deps.clock.now());
        if (body.freeze === true) deps.clock.freeze();
        if (body.freeze === false) deps.clock.unfreeze();
        if (change.set !== undefined) deps.clock.set(change.set);
        if (change.advanceSeconds !== undefined) deps.clock.advance(change.advanceSeconds);
        return json(200, deps.clock.state());
      }
      case 'GET /requests': {
        const path = req.url.searchParams.get('path') ?? undefined;
        const clientId = req.url.searchParams.get('client_id') ?? undefined;
        return json(200, { requests: deps.capture.list({ path, clientId }) });
      }
      case 'DELETE /requests':
        deps.capture.clear();
        return json(200, { requests: [] });
      case 'POST /clients': {
        const { id, ...rest } = body;
        if (typeof id !== 'string' || !id) return bad('id (the client_id) is required');
        // zod loads only when the control API first needs it (start-up stays fast).
        const { idpClientSchema } = await import('./config.js');
        const parsed = idpClientSchema.safeParse(rest);
        if (!parsed.success)
          return bad(
            `invalid client: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
          );
        checkClaimKeys(parsed.data.claims, 'claims');
        ensureRoom(deps.settings.clients, id, 'client', { maxEntries: deps.store.maxEntries });
        deps.settings.clients.set(id, parsed.data);
        return json(200, { id, strict: true });
      }
      case 'POST /users': {
        const { name, ...rest } = body;
        if (typeof name !== 'string' || !name) return bad('name is required');
        const { idpUserSchema } = await import('./config.js');
        const parsed = idpUserSchema.safeParse(rest);
        if (!parsed.success)
          return bad(
            `invalid user: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
          );
        checkClaimKeys(parsed.data.claims, 'claims');
        ensureRoom(deps.settings.users, name, 'user', { maxEntries: deps.store.maxEntries });
        deps.settings.users.set(name, parsed.data);
        return json(200, { name });
      }
      case 'POST /claims': {
        const target =
          typeof body.client_id === 'string'
            ? `client:${body.client_id}`
            : typeof body.user === 'string'
              ? `user:${body.user}`
              : undefined;
        if (!target) return bad('client_id or user is required');
        const claims = body.claims;
        if (!claims || typeof claims !== 'object' || Array.isArray(claims))
          return bad('claims must be a JSON object');
        checkClaimKeys(claims as Record<string, unknown>, 'claims');
        deps.store.pendingClaims.set(target, {
          claims: nullPrototype(claims as Record<string, unknown>),
          sticky: Boolean(body.sticky),
        });
        return json(200, { target, sticky: Boolean(body.sticky) });
      }
      case 'DELETE /claims':
        deps.store.pendingClaims.clear();
        return json(200, { cleared: true });
      case 'POST /device': {
        const { outcome, after } = parseDeviceOutcome(
          `${String(body.outcome ?? '')}${body.after !== undefined ? `:${String(body.after)}` : ''}`,
        );
        deps.store.deviceScript = { outcome, after, sticky: Boolean(body.sticky) };
        return json(200, { outcome, after, sticky: Boolean(body.sticky) });
      }
      default:
        return json(404, { error: 'not_found', error_description: `no control endpoint ${route}` });
    }
  } catch (error) {
    if (error instanceof OAuthError) return error.response();
    if (error instanceof AuthctlError)
      return bad(error.message + (error.hint ? ` (${error.hint})` : ''));
    throw error;
  }
}

import { json } from '../http.js';
import { checkClaimKeys, nullPrototype } from '../request-claims.js';
import { bad } from './respond.js';
import type { ControlHandler } from './types.js';

/** POST /claims: extra claims for the next token of a client or user (every token if sticky). */
export const setClaims: ControlHandler = async ({ body }, deps) => {
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
  await deps.store.setClaims(target, {
    claims: nullPrototype(claims as Record<string, unknown>),
    sticky: Boolean(body.sticky),
  });
  return json(200, { target, sticky: Boolean(body.sticky) });
};

/** DELETE /claims. */
export const clearClaims: ControlHandler = async (_req, deps) => {
  await deps.store.clearClaims();
  return json(200, { cleared: true });
};

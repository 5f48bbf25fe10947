import { DEFAULT_GRACE_SECONDS } from '../../keys/keystore.js';
import { DAY_SECONDS, durationInRange } from '../bounds.js';
import { json } from '../http.js';
import { keysOf } from '../keys-of.js';
import { bad } from './respond.js';
import type { ControlHandler } from './types.js';

/** Key grace periods: up to ten years (the keystore writes the end date of each). */
const MAX_GRACE_SECONDS = 3650 * DAY_SECONDS;

const STAGES = ['all', 'publish', 'activate', 'retire'];

/** POST /rotate: a rotation stage of one issuer's keys (default: the first issuer, all stages). */
export const rotate: ControlHandler = async ({ body }, deps) => {
  const stage = (body.stage as string | undefined) ?? 'all';
  if (!STAGES.includes(stage)) return bad('stage must be publish, activate, retire or all');
  const issuer =
    body.issuer === undefined
      ? deps.settings.issuers[0]!
      : deps.settings.issuers.find((i) => i.id === body.issuer);
  if (!issuer)
    return bad(
      `no issuer "${String(body.issuer)}"; issuers: ${deps.settings.issuers.map((i) => i.id).join(', ')}`,
    );
  const result = await keysOf(deps, issuer).rotate({
    alg: issuer.alg,
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
};

import { usageError } from '../../errors.js';
import { checkClockTime, durationInRange } from '../bounds.js';
import { json } from '../http.js';
import { saveSharedState } from '../store-shared.js';
import type { ControlBody, ControlHandler } from './types.js';

/** GET /clock. */
export const getClock: ControlHandler = (_req, deps) => json(200, deps.clock.state());

/** POST /clock: reset applies first; a refused set/advance then changes nothing more. */
export const setClock: ControlHandler = async ({ body }, deps) => {
  try {
    if (body.reset) deps.clock.reset();
    const change = clockChange(body, deps.clock.now());
    if (body.freeze === true) deps.clock.freeze();
    if (body.freeze === false) deps.clock.unfreeze();
    if (change.set !== undefined) deps.clock.set(change.set);
    if (change.advanceSeconds !== undefined) deps.clock.advance(change.advanceSeconds);
  } finally {
    // Other replicas see the clock this one shows, a reset before a refused change included.
    await saveSharedState(deps);
  }
  return json(200, deps.clock.state());
};

/** `set` and `advance` of POST /clock, checked before either is applied; `now` is the issuer's time. */
function clockChange(body: ControlBody, now: number): { set?: number; advanceSeconds?: number } {
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

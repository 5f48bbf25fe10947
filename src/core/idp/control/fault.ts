import { parseFaultRequest } from '../faults.js';
import { json } from '../http.js';
import type { ControlHandler } from './types.js';

/**
 * POST /fault. `until` is the soonest end of all; `ends` says which fault ends when (a later untimed
 * fault does not inherit it).
 */
export const setFault: ControlHandler = ({ body }, deps) =>
  json(200, {
    faults: deps.faults.set(parseFaultRequest(body, Date.now())),
    ends: deps.faults.ends(),
  });

/** DELETE /fault (or POST /fault/clear). */
export const clearFault: ControlHandler = (_req, deps) => {
  deps.faults.clear();
  return json(200, { faults: {} });
};

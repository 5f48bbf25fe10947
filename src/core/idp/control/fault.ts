import { parseFaultRequest } from '../faults.js';
import { json } from '../http.js';
import { saveSharedState } from '../store-shared.js';
import type { ControlHandler } from './types.js';

/**
 * POST /fault. `until` is the soonest end of all; `ends` says which fault ends when (a later untimed
 * fault does not inherit it).
 */
export const setFault: ControlHandler = async ({ body }, deps) => {
  const faults = deps.faults.set(parseFaultRequest(body, Date.now()));
  await saveSharedState(deps);
  return json(200, { faults, ends: deps.faults.ends() });
};

/** DELETE /fault (or POST /fault/clear). */
export const clearFault: ControlHandler = async (_req, deps) => {
  deps.faults.clear();
  await saveSharedState(deps);
  return json(200, { faults: {} });
};

import { AuthctlError } from '../errors.js';
import { CONTROL_ROUTES, type ControlRouteName } from './control-routes.js';
import { addClient, addUser } from './control/registrations.js';
import { clearClaims, setClaims } from './control/claims.js';
import { getClock, setClock } from './control/clock.js';
import { scriptDevice } from './control/device.js';
import { clearFault, setFault } from './control/fault.js';
import { clearRequests, listRequests } from './control/requests.js';
import { bad } from './control/respond.js';
import { rotate } from './control/rotate.js';
import { state } from './control/state.js';
import type { ControlBody, ControlHandler } from './control/types.js';
import { OAuthError, json } from './http.js';
import type { IdpDeps, IdpRequest, IdpResponse } from './types.js';

/** One handler per route of the map: a route without its handler does not compile. */
const HANDLERS: Record<ControlRouteName, ControlHandler> = {
  state,
  rotate,
  setFault,
  clearFault,
  getClock,
  setClock,
  listRequests,
  clearRequests,
  addClient,
  addUser,
  setClaims,
  clearClaims,
  scriptDevice,
};

/** `METHOD /path` → handler, for every route and its older spellings. A Map: no prototype keys. */
const BY_ROUTE = new Map<string, ControlHandler>(
  (Object.keys(CONTROL_ROUTES) as ControlRouteName[]).flatMap((name) => {
    const route: { method: string; path: string; also?: readonly string[] } = CONTROL_ROUTES[name];
    const spellings = [`${route.method} ${route.path}`, ...(route.also ?? [])];
    return spellings.map((spelling) => [spelling, HANDLERS[name]] as const);
  }),
);

function objectBody(req: IdpRequest): ControlBody {
  if (req.json && typeof req.json === 'object' && !Array.isArray(req.json))
    return req.json as ControlBody;
  return req.body;
}

/**
 * The control API (`/_authctl/...`), for tests of a service's failure paths: rotate keys, inject
 * faults, move the clock, change clients/users/claims at run time, read captured requests.
 */
export async function controlEndpoint(req: IdpRequest, deps: IdpDeps): Promise<IdpResponse> {
  const route = `${req.method} ${req.path}`;
  const handler = BY_ROUTE.get(route);
  if (!handler)
    return json(404, { error: 'not_found', error_description: `no control endpoint ${route}` });
  try {
    return await handler({ body: objectBody(req), query: req.url.searchParams }, deps);
  } catch (error) {
    if (error instanceof OAuthError) return error.response();
    if (error instanceof AuthctlError)
      return bad(error.message + (error.hint ? ` (${error.hint})` : ''));
    throw error;
  }
}

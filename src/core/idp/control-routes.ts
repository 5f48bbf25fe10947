/**
 * The control API's routes (`/_authctl/...`), by name: the one map the server dispatches with
 * (control.ts, one handler per name, checked by the compiler) and the client calls by
 * (control-client.ts, `authctl idp rotate|fault|clock|...`). Kept free of server code so the CLI
 * client loads nothing else.
 */
export interface ControlRoute {
  method: 'GET' | 'POST' | 'DELETE';
  /** Relative to `/_authctl`. */
  path: string;
  /** Older spellings the server still answers (`METHOD /path`). */
  also?: readonly string[];
}

export const CONTROL_ROUTES = {
  state: { method: 'GET', path: '/state' },
  rotate: { method: 'POST', path: '/rotate' },
  setFault: { method: 'POST', path: '/fault' },
  clearFault: { method: 'DELETE', path: '/fault', also: ['POST /fault/clear'] },
  getClock: { method: 'GET', path: '/clock' },
  setClock: { method: 'POST', path: '/clock' },
  listRequests: { method: 'GET', path: '/requests' },
  clearRequests: { method: 'DELETE', path: '/requests' },
  addClient: { method: 'POST', path: '/clients' },
  addUser: { method: 'POST', path: '/users' },
  setClaims: { method: 'POST', path: '/claims' },
  clearClaims: { method: 'DELETE', path: '/claims' },
  scriptDevice: { method: 'POST', path: '/device' },
} as const satisfies Record<string, ControlRoute>;

export type ControlRouteName = keyof typeof CONTROL_ROUTES;

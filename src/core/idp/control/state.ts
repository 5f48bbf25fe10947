import { json } from '../http.js';
import type { ControlHandler } from './types.js';

/** GET /state: clock, faults, keys (public metadata only), issuers, clients, users, table sizes. */
export const state: ControlHandler = async (_req, deps) =>
  json(200, {
    clock: deps.clock.state(),
    faults: deps.faults.active(),
    keys: (await deps.keys.keystore.list()).map(
      ({ privateJwk: _p, publicJwk: _q, ...rest }) => rest,
    ),
    issuers: deps.settings.issuers.map((i) => ({ id: i.id, url: i.url, layout: i.layout })),
    clients: [...deps.settings.clients.keys()],
    users: [...deps.settings.users.keys()],
    tables: await deps.store.sizes(),
  });

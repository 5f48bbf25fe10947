import { checkClientAuth } from '../auth-features.js';
import { json } from '../http.js';
import { checkClaimKeys } from '../request-claims.js';
import { ensureRoom } from '../tables.js';
import { bad } from './respond.js';
import type { ControlHandler } from './types.js';

type Issues = { issues: { path: PropertyKey[]; message: string }[] };
const issuesText = (error: Issues) =>
  error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');

/** POST /clients: add or replace a client at run time (validated like `[idp.clients.*]`). */
export const addClient: ControlHandler = async ({ body }, deps) => {
  const { id, ...rest } = body;
  if (typeof id !== 'string' || !id) return bad('id (the client_id) is required');
  // zod loads only when the control API first needs it (start-up stays fast).
  const { idpClientSchema } = await import('../config.js');
  const parsed = idpClientSchema.safeParse(rest);
  if (!parsed.success) return bad(`invalid client: ${issuesText(parsed.error)}`);
  checkClaimKeys(parsed.data.claims, 'claims');
  // Keys and method as at start-up; which methods are on stays what start-up enabled (discovery is fixed).
  checkClientAuth(id, parsed.data);
  ensureRoom(deps.settings.clients, id, 'client', { maxEntries: deps.store.maxEntries });
  deps.settings.clients.set(id, parsed.data);
  return json(200, { id, strict: true });
};

/** POST /users: add or replace a dev user at run time (validated like `[idp.users.*]`). */
export const addUser: ControlHandler = async ({ body }, deps) => {
  const { name, ...rest } = body;
  if (typeof name !== 'string' || !name) return bad('name is required');
  const { idpUserSchema } = await import('../config.js');
  const parsed = idpUserSchema.safeParse(rest);
  if (!parsed.success) return bad(`invalid user: ${issuesText(parsed.error)}`);
  checkClaimKeys(parsed.data.claims, 'claims');
  ensureRoom(deps.settings.users, name, 'user', { maxEntries: deps.store.maxEntries });
  deps.settings.users.set(name, parsed.data);
  return json(200, { name });
};

import type { IdpUserConfig } from './config.js';
import { sameSecret } from '../compare.js';
import { invalidGrant } from './http.js';
import type { Principal } from './store.js';
import type { IdpDeps } from './types.js';

/** A dev user's identity with the requested scopes (user defaults when none are asked for). */
export function userPrincipal(
  name: string,
  config: IdpUserConfig | undefined,
  scopes: string[],
  overrides: Partial<Principal> = {},
): Principal {
  return {
    sub: config?.sub ?? name,
    user: name,
    tenant: overrides.tenant ?? config?.tenant,
    roles: overrides.roles ?? config?.roles,
    scopes: scopes.length ? scopes : (config?.scopes ?? []),
    claims: { ...config?.claims, ...overrides.claims },
    name: config?.name,
    email: config?.email,
  };
}

/** Password grant: configured users are checked strictly; with none configured any user with a non-empty password is accepted. */
export function checkPassword(
  deps: IdpDeps,
  username: string | undefined,
  password: string | undefined,
): IdpUserConfig | undefined {
  if (!username || !password) throw invalidGrant('username and password are required');
  const users = deps.settings.users;
  if (users.size === 0) return undefined;
  const user = users.get(username);
  // Same message for unknown user and wrong password: a client must not learn which.
  if (!user) throw invalidGrant('invalid username or password');
  if (user.password !== undefined && !sameSecret(password, user.password))
    throw invalidGrant('invalid username or password');
  return user;
}

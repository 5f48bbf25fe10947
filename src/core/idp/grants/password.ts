import { checkScopes } from '../clients.js';
import { splitScopes } from '../http.js';
import { tokenResponse } from '../issue.js';
import { checkPassword, userPrincipal } from '../users.js';
import { defineGrant } from './types.js';

/** RFC 6749 §4.3 (legacy, but many dev setups use it): dev users from `[idp.users.*]`. */
export const password = defineGrant(
  'password',
  async ({ req, issuer, deps, client, requestClaims, confirmation, audience }) => {
    const username = req.body.username;
    const user = checkPassword(deps, username, req.body.password);
    const scopes = splitScopes(req.body.scope);
    checkScopes(client.config, client.clientId, scopes);
    const principal = userPrincipal(username!, user, scopes);
    return tokenResponse(deps, issuer, {
      clientId: client.clientId,
      client: client.config,
      principal,
      requestClaims,
      confirmation,
      audience,
      refresh: true,
      idToken: { authTime: deps.clock.seconds() },
    });
  },
);

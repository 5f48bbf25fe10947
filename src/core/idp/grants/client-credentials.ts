import { checkScopes } from '../clients.js';
import { invalidClient, splitScopes } from '../http.js';
import { tokenResponse } from '../issue.js';
import { defineGrant } from './types.js';

/** RFC 6749 §4.4: the client is the subject; it must prove a secret. */
export const clientCredentials = defineGrant(
  'client_credentials',
  async ({ req, issuer, deps, client, requestClaims, confirmation, audience }) => {
    if (!client.confidential)
      throw invalidClient(
        'client_credentials needs client authentication (client_secret_basic, client_secret_post, or a JWT method when enabled)',
      );
    const requested = splitScopes(req.body.scope);
    checkScopes(client.config, client.clientId, requested);
    const scopes = requested.length ? requested : (client.config?.scopes ?? []);
    const principal = {
      sub: client.clientId,
      scopes,
      claims: {},
      tenant: client.config?.tenant,
      roles: client.config?.roles,
    };
    return tokenResponse(deps, issuer, {
      clientId: client.clientId,
      client: client.config,
      principal,
      requestClaims,
      confirmation,
      audience,
    });
  },
);

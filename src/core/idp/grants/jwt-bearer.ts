import { verifyClientJwt } from '../client-assertion.js';
import { checkScopes } from '../clients.js';
import { invalidGrant, invalidRequest, splitScopes } from '../http.js';
import { tokenResponse } from '../issue.js';
import { userPrincipal } from '../users.js';
import { defineGrant } from './types.js';

/**
 * RFC 7523 §2.1 and §3: the client presents a JWT it signed (iss = its client_id) asserting a
 * subject; the token is for that subject (a configured user's claims when `sub` names one). The
 * keys are the client's own (`jwks` / `jwks_uri`, or its secret for HS*); aud is the issuer or the
 * token endpoint; exp is required and a jti is single-use. No refresh token (§2.1 is a one-shot grant).
 */
export const jwtBearer = defineGrant(
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
  async ({ req, issuer, deps, client, requestClaims, confirmation, audience }) => {
    const assertion = req.body.assertion;
    if (!assertion) throw invalidRequest('assertion is required (a JWT signed by the client)');
    if (!client.config)
      throw invalidGrant(
        `the jwt-bearer grant needs a configured client to verify the assertion: [idp.clients.${client.clientId}] with jwks or jwks_uri`,
      );
    const { payload } = await verifyClientJwt(req, issuer, deps, assertion, {
      field: 'assertion',
      clientId: client.clientId,
      config: client.config,
      requireJti: false,
      fail: invalidGrant,
    });
    if (typeof payload.sub !== 'string' || !payload.sub)
      throw invalidGrant('assertion refused: it has no sub (the subject the token is for)');
    const scopes = splitScopes(req.body.scope);
    checkScopes(client.config, client.clientId, scopes);
    const principal = userPrincipal(payload.sub, deps.settings.users.get(payload.sub), scopes);
    return tokenResponse(deps, issuer, {
      clientId: client.clientId,
      client: client.config,
      principal,
      requestClaims,
      confirmation,
      audience,
    });
  },
  (features) => features.jwtBearer,
);

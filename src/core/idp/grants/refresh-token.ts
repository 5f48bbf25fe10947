import { invalidGrant, invalidRequest, invalidScope, splitScopes } from '../http.js';
import { tokenResponse } from '../issue.js';
import { defineGrant } from './types.js';

/** RFC 6749 §6 with rotation: each refresh token works once; replaying an old one revokes the family. */
export const refreshToken = defineGrant(
  'refresh_token',
  async ({ req, issuer, deps, client, requestClaims, confirmation, audience }) => {
    const token = req.body.refresh_token;
    if (!token) throw invalidRequest('refresh_token is required');
    const record = deps.store.refreshTokens.get(token);
    if (!record) {
      const used = deps.store.usedRefreshTokens.get(token);
      if (used) deps.store.revokeFamily(used);
      throw invalidGrant('refresh token is invalid, expired, revoked or already used');
    }
    if (record.clientId !== client.clientId)
      throw invalidGrant('refresh token was issued to another client');
    if (record.issuerId !== issuer.id)
      throw invalidGrant('refresh token was issued by another issuer');
    // Checked before the token is used up: a stolen token without the key cannot burn it.
    if (record.jkt && record.jkt !== confirmation?.jkt)
      throw invalidGrant(
        'refresh token is bound to a DPoP key (RFC 9449 §5): send a DPoP proof signed by that key',
      );
    deps.store.refreshTokens.delete(token);
    deps.store.usedRefreshTokens.set(token, record.family);
    if (deps.clock.now() >= record.expiresAt) throw invalidGrant('refresh token has expired');
    const requested = splitScopes(req.body.scope);
    const extra = requested.filter((scope) => !record.principal.scopes.includes(scope));
    if (extra.length) throw invalidScope(`a refresh cannot add scopes: ${extra.join(' ')}`);
    const principal = requested.length
      ? { ...record.principal, scopes: requested }
      : record.principal;
    return tokenResponse(deps, issuer, {
      clientId: client.clientId,
      client: client.config,
      principal,
      requestClaims,
      confirmation,
      audience,
      refresh: true,
      family: record.family,
      idToken: { authTime: record.authTime },
    });
  },
);

import { invalidGrant, invalidRequest, invalidScope, splitScopes } from '../http.js';
import { tokenResponse } from '../issue.js';
import { defineGrant } from './types.js';

/** RFC 6749 §6 with rotation: each refresh token works once; replaying an old one revokes the family. */
export const refreshToken = defineGrant(
  'refresh_token',
  async ({ req, issuer, deps, client, requestClaims, confirmation, audience }) => {
    const token = req.body.refresh_token;
    if (!token) throw invalidRequest('refresh_token is required');
    // Another client's token is refused without using it up: its owner may still refresh.
    const found = await deps.store.getRefreshToken(token);
    if (found && found.clientId !== client.clientId)
      throw invalidGrant('refresh token was issued to another client');
    if (found && found.issuerId !== issuer.id)
      throw invalidGrant('refresh token was issued by another issuer');
    // Checked before the token is used up: a stolen token without the key cannot burn it.
    if (found?.jkt && found.jkt !== confirmation?.jkt)
      throw invalidGrant(
        'refresh token is bound to a DPoP key (RFC 9449 §5): send a DPoP proof signed by that key',
      );
    const redeemed = await deps.store.redeemRefreshToken(token);
    if (!redeemed || 'replayedFamily' in redeemed) {
      // A rotated refresh token used again revokes its family (security BCP §4.14.2).
      if (redeemed) await deps.store.revokeFamily(redeemed.replayedFamily);
      throw invalidGrant('refresh token is invalid, expired, revoked or already used');
    }
    const { record } = redeemed;
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

import { createHash } from 'node:crypto';
import { sameSecret } from '../../compare.js';
import { invalidGrant, invalidRequest } from '../http.js';
import { tokenResponse } from '../issue.js';
import { checkWithinAuthorized } from '../resource.js';
import { defineGrant } from './types.js';

function verifierMatches(verifier: string, challenge: string, method: 'S256' | 'plain'): boolean {
  const computed =
    method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  return sameSecret(computed, challenge);
}

/** RFC 6749 §4.1 + RFC 7636: codes are single-use, expire, and are bound to client, redirect_uri and PKCE. */
export const authorizationCode = defineGrant(
  'authorization_code',
  async ({ req, issuer, deps, client, requestClaims, confirmation, audience }) => {
    const code = req.body.code;
    if (!code) throw invalidRequest('code is required');
    const redeemed = await deps.store.redeemCode(code);
    if (!redeemed || 'replayedFamily' in redeemed) {
      // A replayed code revokes the refresh tokens its first use issued (RFC 6749 §4.1.2).
      if (redeemed) await deps.store.revokeFamily(redeemed.replayedFamily);
      throw invalidGrant(
        redeemed ? 'authorization code was already used' : 'authorization code is invalid',
      );
    }
    const { record } = redeemed;
    if (record.issuerId !== issuer.id)
      throw invalidGrant('authorization code was issued by another issuer');
    if (record.clientId !== client.clientId)
      throw invalidGrant('authorization code was issued to another client');
    if (deps.clock.now() >= record.expiresAt) throw invalidGrant('authorization code has expired');
    if (req.body.redirect_uri !== record.redirectUri) {
      throw invalidGrant(
        `redirect_uri must be exactly the one sent to the authorize endpoint (${record.redirectUri})`,
      );
    }
    checkWithinAuthorized(audience, record.audience);
    const verifier = req.body.code_verifier;
    if (!verifier) throw invalidGrant('code_verifier is required (PKCE)');
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier))
      throw invalidGrant(
        'code_verifier must be 43-128 characters of [A-Za-z0-9._~-] (RFC 7636 §4.1)',
      );
    if (!verifierMatches(verifier, record.codeChallenge, record.codeChallengeMethod))
      throw invalidGrant('code_verifier does not match the code_challenge');
    if (record.dpopJkt && record.dpopJkt !== confirmation?.jkt)
      throw invalidGrant(
        'the code is bound to a DPoP key (dpop_jkt, RFC 9449 §10): send a DPoP proof signed by that key',
      );
    return tokenResponse(deps, issuer, {
      clientId: client.clientId,
      client: client.config,
      principal: record.principal,
      requestClaims,
      confirmation,
      // RFC 8707 §2.2: the token request may name the resource; else the one authorized at /authorize.
      audience: audience ?? record.audience,
      refresh: true,
      family: record.family,
      idToken: { nonce: record.nonce, authTime: Math.floor(record.authTime / 1000) },
    });
  },
);

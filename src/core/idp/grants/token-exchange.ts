import { checkScopes } from '../clients.js';
import { invalidGrant, invalidRequest, splitScopes } from '../http.js';
import { issueAccessToken } from '../issue.js';
import { verifyIssuedToken } from '../tokens.js';
import { defineGrant } from './types.js';

const TOKEN_TYPES = [
  'urn:ietf:params:oauth:token-type:access_token',
  'urn:ietf:params:oauth:token-type:id_token',
  'urn:ietf:params:oauth:token-type:jwt',
];
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** RFC 8693: swap a token this issuer minted for one with another audience/scope; `act` names the client. */
export const tokenExchange = defineGrant(
  'urn:ietf:params:oauth:grant-type:token-exchange',
  async ({ req, issuer, deps, client, requestClaims, confirmation, audience }) => {
    const subjectToken = req.body.subject_token;
    const subjectType = req.body.subject_token_type;
    if (!subjectToken || !subjectType)
      throw invalidRequest('subject_token and subject_token_type are required');
    if (!TOKEN_TYPES.includes(subjectType))
      throw invalidRequest(`unsupported subject_token_type "${subjectType}"`);
    if (req.body.requested_token_type && req.body.requested_token_type !== ACCESS_TOKEN_TYPE)
      throw invalidRequest('only access tokens can be requested');
    const subject = await verifyIssuedToken(deps, issuer, subjectToken);
    if (!subject) throw invalidGrant('subject_token is invalid, expired or revoked');
    const scopes = splitScopes(req.body.scope);
    checkScopes(client.config, client.clientId, scopes);
    const subjectScopes =
      typeof subject.scope === 'string'
        ? splitScopes(subject.scope)
        : Array.isArray(subject.scp)
          ? (subject.scp as string[])
          : splitScopes(subject.scp as string | undefined);
    const principal = {
      sub: String(subject.sub),
      scopes: scopes.length ? scopes : subjectScopes,
      claims: {},
    };
    const access = await issueAccessToken(deps, issuer, {
      clientId: client.clientId,
      client: client.config,
      principal,
      audience,
      requestClaims,
      confirmation,
      grantClaims: { act: { sub: client.clientId } },
    });
    return {
      access_token: access.token,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: confirmation ? 'DPoP' : 'Bearer',
      expires_in: access.expiresIn,
      ...(principal.scopes.length ? { scope: principal.scopes.join(' ') } : {}),
    };
  },
);

import type { ProbeCredentialConfig } from './config.js';
import { environmentError } from '../errors.js';

export type IdpCredentialConfig = Extract<ProbeCredentialConfig, { type: 'idp' }>;

/** How to ask the mock issuer for tokens of an `idp` credential (resolved once, reused for fresh tokens). */
export interface IdpClient {
  tokenUrl: string;
  clientId: string;
  clientSecret?: string;
  scope?: string;
  params?: Record<string, string>;
  fetch?: typeof fetch;
}

export function idpClient(
  cred: IdpCredentialConfig,
  clientSecret: string | undefined,
  fetchImpl?: typeof fetch,
): IdpClient {
  return {
    tokenUrl: cred.token_url,
    clientId: cred.client_id,
    clientSecret,
    scope: cred.scope,
    params: cred.params,
    fetch: fetchImpl,
  };
}

/** POSTs a form to the issuer; rejects with `HTTP <status> <error>` (the caller names the credential). */
async function postForm(
  client: IdpClient,
  url: string,
  form: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await (client.fetch ?? fetch)(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok)
    throw new Error(`HTTP ${res.status}${typeof body.error === 'string' ? ` ${body.error}` : ''}`);
  return { status: res.status, body };
}

const clientAuth = (client: IdpClient) => ({
  client_id: client.clientId,
  ...(client.clientSecret ? { client_secret: client.clientSecret } : {}),
});

/**
 * A fresh access token (client_credentials): every call is a new token with its own jti, so one
 * revoked or retired by a check leaves the others untouched.
 */
export async function fetchIdpToken(
  client: IdpClient,
  name: string,
  where: string,
): Promise<string> {
  try {
    const { body } = await postForm(client, client.tokenUrl, {
      grant_type: 'client_credentials',
      ...clientAuth(client),
      ...(client.scope ? { scope: client.scope } : {}),
      ...client.params,
    });
    if (typeof body.access_token !== 'string') throw new Error('no access_token in the answer');
    return body.access_token;
  } catch (error) {
    throw environmentError(
      'ERR_PROBE_CREDENTIAL_IDP',
      `cannot get a token for credential "${name}" from ${client.tokenUrl}: ${(error as Error).message}`,
      { where, hint: 'start the mock issuer (`authctl idp serve`) or fix token_url / client_id' },
    );
  }
}

/** The issuer's RFC 7009 endpoint: the given URL, else /revoke beside token_url (the mock issuer's layout). */
export function revocationUrl(cred: IdpCredentialConfig): string {
  if (typeof cred.revoke === 'string') return cred.revoke;
  return cred.token_url.replace(/\/token\/?(\?.*)?$/, '/revoke');
}

/** Revokes `token` at the issuer as the client it was issued to; the issuer's status (200 on success). */
export async function revokeAtIssuer(
  client: IdpClient,
  url: string,
  token: string,
): Promise<number> {
  try {
    return (
      await postForm(client, url, {
        token,
        token_type_hint: 'access_token',
        ...clientAuth(client),
      })
    ).status;
  } catch (error) {
    const status = /^HTTP (\d+)/.exec((error as Error).message)?.[1];
    if (status) return Number(status);
    throw environmentError(
      'ERR_ISSUER_UNREACHABLE',
      `cannot reach the issuer's revocation endpoint: ${(error as Error).message}`,
      { where: url, hint: 'start the mock issuer (`authctl idp serve`), or set revoke = "URL"' },
    );
  }
}

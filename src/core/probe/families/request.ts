import type { CaseContext } from '../case-types.js';
import type { ResolvedCredential } from '../credentials.js';
import { mergeHeaders } from '../headers.js';
import type { ProbeRequest } from '../http.js';

/** `request` with one more header. */
export function header(request: ProbeRequest, name: string, value: string): ProbeRequest {
  return { ...request, headers: mergeHeaders(request.headers, { [name]: value }) };
}

/** A request carrying a valid credential (SigV4 signs it). */
export async function withCredential(
  request: ProbeRequest,
  cred: ResolvedCredential,
  ctx: Pick<CaseContext, 'url'>,
): Promise<{ request: ProbeRequest; secrets: string[] }> {
  if (cred.sigv4)
    return { request: await signSigV4(request, cred, ctx.url), secrets: cred.secrets };
  if (cred.presigned)
    return { request: { ...request, path: cred.presigned.path }, secrets: cred.secrets };
  return {
    request: { ...request, headers: mergeHeaders(request.headers, cred.headers) },
    secrets: cred.secrets,
  };
}

type SigV4Key = NonNullable<ResolvedCredential['sigv4']>;
export type SigV4Override = Partial<SigV4Key> & { date?: Date; expires?: number };

/**
 * Signs `request` with the credential's SigV4 key (header or presigned form), `override` changing parts
 * of it. The signer loads on first use: most probe runs send bearer tokens only (issue #17).
 */
export async function signSigV4(
  request: ProbeRequest,
  cred: ResolvedCredential,
  url: (path: string) => string,
  override: SigV4Override = {},
): Promise<ProbeRequest> {
  const { presignUrl, signRequest } = await import('../../sigv4/index.js');
  const key = { ...cred.sigv4!, ...override };
  const credentials = {
    accessKeyId: key.accessKeyId,
    secretAccessKey: key.secretAccessKey,
    sessionToken: key.sessionToken,
  };
  const options = { region: key.region, service: key.service, date: override.date };
  const target = url(request.path);
  if (key.presign) {
    const signed = presignUrl(
      { method: request.method, url: target, headers: request.headers },
      credentials,
      { ...options, expires: override.expires ?? 900 },
    );
    const u = new URL(signed.url);
    // The presigned request's headers are the caller's minus what the query now carries (Authorization, X-Amz-Date).
    const kept = new Set(Object.keys(signed.headers).map((h) => h.toLowerCase()));
    const headers = mergeHeaders(request.headers, signed.headers);
    for (const name of Object.keys(headers))
      if (!kept.has(name.toLowerCase())) delete headers[name];
    return { ...request, path: `${request.path.split('?')[0]}?${u.search.slice(1)}`, headers };
  }
  const signed = signRequest(
    { method: request.method, url: target, headers: request.headers, body: request.body },
    credentials,
    options,
  );
  const { host: _host, ...headers } = signed.headers;
  return { ...request, headers: mergeHeaders(request.headers, headers) };
}

import { environmentError, usageError } from '../errors.js';
import { CONTROL_ROUTES, type ControlRouteName } from './control-routes.js';

/** The server's control API base: `{origin}/_authctl` of the issuer URL (issuer paths are ignored). */
export function controlBase(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw usageError('ERR_BAD_URL', `"${url}" is not a URL`, {
      field: 'url',
      hint: 'e.g. {{url}} http://127.0.0.1:9400',
    });
  }
  return `${parsed.origin}/_authctl`;
}

/** A running issuer and the control token it requires, if any (`--control-token`, AUTHCTL_CONTROL_TOKEN). */
export interface ControlTarget {
  url: string;
  token?: string;
  /** The HTTP client: one that trusts the local CA for an issuer served with `--tls`. */
  fetch?: typeof fetch;
}

/** Calls a route of the control API of a running `authctl idp serve` (CONTROL_ROUTES names them). */
export async function callControl(
  to: string | ControlTarget,
  route: ControlRouteName,
  body?: unknown,
  query?: URLSearchParams,
): Promise<unknown> {
  const { url, token, fetch: send = fetch } = typeof to === 'string' ? { url: to } : to;
  const { method, path } = CONTROL_ROUTES[route];
  const target = `${controlBase(url)}${path}${query?.size ? `?${query}` : ''}`;
  const response = await sendControl(send, target, method, token, body);
  const text = await response.text();
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {
    // keep text
  }
  if (!response.ok) refused(response.status, value, text, target, token);
  return value;
}

/** One request to the control API; a network failure names the issuer it could not reach. */
async function sendControl(
  send: typeof fetch,
  target: string,
  method: string,
  token: string | undefined,
  body: unknown,
): Promise<Response> {
  try {
    return await send(target, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    const code =
      (error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw environmentError(
      'ERR_ISSUER_UNREACHABLE',
      `cannot reach the issuer's control API: ${code}`,
      {
        where: target,
        hint: /CERT|SELF_SIGNED|UNABLE_TO/.test(code)
          ? 'the issuer serves HTTPS with a CA this command does not trust: pass {{ca}} FILE (its <home>/tls/ca.pem) or export NODE_EXTRA_CA_CERTS'
          : 'start it with `authctl idp serve` (without {{noControl}}), or pass {{url}}',
      },
    );
  }
}

/** A refusal of the control API as the error that says what to change. */
function refused(
  status: number,
  value: unknown,
  text: string,
  target: string,
  token: string | undefined,
): never {
  const description = (value as { error_description?: string })?.error_description ?? text;
  if (status === 404 && /disabled/.test(description))
    throw environmentError('ERR_CONTROL_DISABLED', description, {
      where: target,
      hint: 'restart the issuer without {{noControl}}',
    });
  if (status === 401)
    throw usageError(
      'ERR_CONTROL_TOKEN',
      token ? 'the issuer refused the control token' : 'the issuer requires a control token',
      {
        where: target,
        hint: 'set AUTHCTL_CONTROL_TOKEN (or {{controlToken}}) to the token `authctl idp serve` printed at start',
      },
    );
  throw usageError('ERR_CONTROL_REJECTED', description, { where: target });
}

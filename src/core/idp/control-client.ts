import { environmentError, usageError } from '../errors.js';

/** The server's control API base: `{origin}/_authctl` of the issuer URL (issuer paths are ignored). */
export function controlBase(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw usageError('ERR_BAD_URL', `"${url}" is not a URL`, { where: '--url', hint: 'e.g. --url http://127.0.0.1:9400' });
  }
  return `${parsed.origin}/_authctl`;
}

/** Calls the control API of a running `authctl idp serve`. */
export async function callControl(url: string, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
  const target = `${controlBase(url)}${path}`;
  let response: Response;
  try {
    response = await fetch(target, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    const code = (error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw environmentError('ERR_ISSUER_UNREACHABLE', `cannot reach the issuer's control API: ${code}`, { where: target, hint: 'start it with `authctl idp serve` (without --no-control), or pass --url' });
  }
  const text = await response.text();
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {
    // keep text
  }
  if (!response.ok) {
    const description = (value as { error_description?: string })?.error_description ?? text;
    if (response.status === 404 && /disabled/.test(description)) throw environmentError('ERR_CONTROL_DISABLED', description, { where: target, hint: 'restart the issuer without --no-control' });
    throw usageError('ERR_CONTROL_REJECTED', description, { where: target });
  }
  return value;
}

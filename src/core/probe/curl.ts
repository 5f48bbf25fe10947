import { mask, maskHeaderValue } from '../mask.js';
import { shellQuote } from '../terminal.js';
import type { ProbeRequest } from './http.js';

/** Replaces every secret in `text` with its masked form. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 8) out = out.split(secret).join(mask(secret));
  return out;
}

/** Masks credentials in a request: Authorization and key-like headers, and presign signatures in the query. */
export function maskRequest(request: ProbeRequest, secrets: readonly string[]): ProbeRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers))
    headers[name] = redact(maskHeaderValue(name, value), secrets);
  const path = redact(request.path, secrets)
    .replace(/(X-Amz-Signature=)([0-9a-f]{6})[0-9a-f]+/i, '$1$2…')
    .replace(/(X-Amz-Security-Token=)[^&]+/i, '$1…');
  return { ...request, path, headers };
}

/** The curl command of a case (its mint command is built here, so only for what gets printed). */
export function caseCurl(
  url: string,
  c: { request: ProbeRequest; secrets: readonly string[]; mintCommand?: () => string | undefined },
): string {
  return curlCommand(url, c.request, c.secrets, c.mintCommand?.());
}

/**
 * A curl command reproducing the request with credentials masked. With `mintCommand`, the bearer
 * token is minted again in place (`"Authorization: Bearer $(authctl token mint ...)"`), so the command
 * runs as is; otherwise replace the masked values to re-run it.
 */
export function curlCommand(
  url: string,
  request: ProbeRequest,
  secrets: readonly string[],
  mintCommand?: string,
): string {
  const masked = maskRequest(request, secrets);
  const args = ['curl', '-sS', '-i'];
  if (masked.method === 'HEAD') args.push('--head');
  else if (masked.method !== 'GET') args.push('-X', masked.method);
  // Keep percent-encoding, dot segments and case exactly as sent.
  args.push('--path-as-is', '--globoff');
  for (const [name, value] of Object.entries(masked.headers)) {
    if (mintCommand && name.toLowerCase() === 'authorization' && /^Bearer /.test(value))
      args.push('-H', `"${name}: Bearer $(${mintCommand})"`);
    else args.push('-H', shellQuote(`${name}: ${value}`));
  }
  if (masked.body !== undefined) args.push('--data-raw', shellQuote(redact(masked.body, secrets)));
  args.push(shellQuote(url.replace(/\/+$/, '') + masked.path));
  return args.join(' ');
}

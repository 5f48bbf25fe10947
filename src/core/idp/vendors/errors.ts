import type { IdpResponse, IssuerContext } from '../types.js';
import { VENDORS } from './index.js';

/**
 * An endpoint's JSON error (`{ error, error_description }`, RFC 6749 §5.2) in the shape of the
 * issuer's vendor. When that shape has no description (Cognito), the mock's explanation still
 * reaches the developer in the `x-authctl-error-description` header.
 */
export function vendorErrorBody(
  response: IdpResponse,
  issuer: IssuerContext,
  now: number,
): IdpResponse {
  const reshape = VENDORS[issuer.vendor].errorBody;
  if (!reshape || response.status < 400 || typeof response.body !== 'string') return response;
  if (!response.headers?.['content-type']?.includes('json')) return response;
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    return response;
  }
  if (!body || typeof body !== 'object' || typeof (body as { error?: unknown }).error !== 'string')
    return response;
  const original = body as { error: string; error_description?: string };
  const shaped = reshape(original, new Date(now));
  const headers = { ...response.headers };
  if (shaped.error_description === undefined && original.error_description)
    // A header carries latin-1 only: anything else (a line break, a curly quote) becomes "?".
    headers['x-authctl-error-description'] = original.error_description.replace(
      /[^\t\x20-\x7e\xa0-\xff]/g,
      '?',
    );
  return { ...response, headers, body: JSON.stringify(shaped) };
}

import { sameSecret } from '../compare.js';
import { json } from './http.js';
import { randomToken } from './store.js';
import { bearerToken } from './tokens.js';
import type { IdpRequest, IdpResponse, IdpSettings } from './types.js';

/**
 * The control token of a server: the one given (`AUTHCTL_CONTROL_TOKEN`), else a fresh one when the
 * server listens beyond loopback (a LAN peer must not rotate keys or inject faults), else none:
 * on loopback the Host and cross-site checks are the protection, as before.
 */
export function controlTokenFor(
  settings: IdpSettings,
  given: string | undefined,
): { token?: string; generated: boolean } {
  if (!settings.control) return { generated: false };
  if (given) return { token: given, generated: false };
  return settings.loopbackOnly ? { generated: false } : { token: randomToken(32), generated: true };
}

/** 401 unless the request carries `Authorization: Bearer <control token>` (compared in constant time). */
export function controlUnauthorized(
  req: IdpRequest,
  settings: IdpSettings,
): IdpResponse | undefined {
  const expected = settings.controlToken;
  if (!expected) return undefined;
  const given = bearerToken(req.headers.authorization);
  if (given !== undefined && sameSecret(given, expected)) return undefined;
  return json(
    401,
    {
      error: 'access_denied',
      error_description:
        'the control API needs the control token: send Authorization: Bearer <token> (printed by `authctl idp serve` at start, or the AUTHCTL_CONTROL_TOKEN it was given); the CLI reads AUTHCTL_CONTROL_TOKEN or --control-token',
    },
    { 'www-authenticate': 'Bearer realm="authctl-control"' },
  );
}

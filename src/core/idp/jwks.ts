import { JWKS_CACHE_CONTROL, jwksAnswer } from './documents.js';
import { json } from './http.js';
import { keysOf } from './keys-of.js';
import type { IdpDeps, IdpResponse, IssuerContext } from './types.js';

/** The JWKS body (cached until keys.json changes), or the injected fault. */
export async function jwksEndpoint(
  deps: IdpDeps,
  issuer: IssuerContext,
): Promise<IdpResponse | 'hang'> {
  const fault = deps.faults.active().jwks;
  if (fault === '503')
    return json(
      503,
      { error: 'temporarily_unavailable', error_description: 'injected fault: JWKS unavailable' },
      { 'retry-after': '5' },
    );
  if (fault === 'timeout') return 'hang';
  if (fault === 'empty')
    return {
      status: 200,
      headers: { 'content-type': 'application/json', 'cache-control': JWKS_CACHE_CONTROL },
      body: '{"keys":[]}',
    };
  if (fault === 'garbage')
    return {
      status: 200,
      headers: { 'content-type': 'application/json', 'cache-control': JWKS_CACHE_CONTROL },
      body: '<html>definitely not a JWKS',
    };
  return jwksAnswer((await keysOf(deps, issuer).current()).body);
}

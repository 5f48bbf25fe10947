import { RESPONSE_MODES } from './form-post.js';

/** An authorization error to send to the (trusted) redirect URI: [error, error_description]. */
export type AuthorizeError = [error: string, description: string];

/** OIDC Core §3.1.2.1 prompt values; a typo is refused rather than ignored. */
export const PROMPT_VALUES = ['none', 'login', 'consent', 'select_account'] as const;

/**
 * The OpenID Connect request parameters this issuer checks instead of ignoring: request objects
 * (OIDC Core §6) are not supported and say so, an unknown response_mode, prompt or a malformed
 * max_age is a client bug the client should hear about.
 */
export function oidcRequestError(params: Record<string, string>): AuthorizeError | undefined {
  if (params.request !== undefined)
    return [
      'request_not_supported',
      'request objects (request=) are not supported; send the parameters in the query (discovery: request_parameter_supported false)',
    ];
  if (params.request_uri !== undefined)
    return [
      'request_uri_not_supported',
      'request_uri is not supported; send the parameters in the query (discovery: request_uri_parameter_supported false)',
    ];
  if (
    params.response_mode !== undefined &&
    !(RESPONSE_MODES as readonly string[]).includes(params.response_mode)
  ) {
    return [
      'invalid_request',
      `response_mode "${params.response_mode}" is not supported (supported: ${RESPONSE_MODES.join(', ')})`,
    ];
  }
  const prompts = promptsOf(params);
  const unknown = prompts.filter((p) => !(PROMPT_VALUES as readonly string[]).includes(p));
  if (unknown.length)
    return [
      'invalid_request',
      `unknown prompt value "${unknown[0]}" (supported: ${PROMPT_VALUES.join(', ')})`,
    ];
  if (prompts.includes('none') && prompts.length > 1)
    return [
      'invalid_request',
      'prompt=none cannot be combined with other prompt values (OIDC Core §3.1.2.1)',
    ];
  if (params.max_age !== undefined && !/^\d{1,10}$/.test(params.max_age))
    return ['invalid_request', `max_age must be a number of seconds, got "${params.max_age}"`];
  return undefined;
}

/** RFC 7636 at /authorize: a challenge is required, S256 unless the client allows plain, and well-formed. */
export function pkceError(
  params: Record<string, string>,
  allowPlain: boolean,
): AuthorizeError | undefined {
  const challenge = params.code_challenge;
  if (!challenge)
    return [
      'invalid_request',
      'PKCE is required: send code_challenge and code_challenge_method=S256',
    ];
  const method = params.code_challenge_method ?? 'plain';
  if (method !== 'S256' && method !== 'plain')
    return ['invalid_request', `unknown code_challenge_method "${method}"`];
  if (method === 'plain' && !allowPlain)
    return [
      'invalid_request',
      'code_challenge_method=plain is refused; use S256 (or set pkce_plain = true for this client)',
    ];
  // RFC 7636 §4.2: a padded or hex challenge could never match any verifier; say so now.
  if (method === 'S256' && !/^[A-Za-z0-9_-]{43}$/.test(challenge))
    return [
      'invalid_request',
      'code_challenge for S256 must be 43 characters of base64url without padding: BASE64URL(SHA256(code_verifier))',
    ];
  if (method === 'plain' && !/^[A-Za-z0-9._~-]{43,128}$/.test(challenge))
    return [
      'invalid_request',
      'a plain code_challenge must be 43-128 characters of [A-Za-z0-9._~-]',
    ];
  return undefined;
}

/** `prompt=login consent` → ['login', 'consent']. */
export function promptsOf(params: Record<string, string>): string[] {
  return (params.prompt ?? '').split(' ').filter(Boolean);
}

/**
 * prompt=none (OIDC Core §3.1.2.6): the issuer must not show any page. It keeps no session
 * (every sign-in is the login form), so a request that would show the form gets login_required,
 * which is what a silent renew with an expired session gets from a real IdP.
 */
export const LOGIN_REQUIRED: AuthorizeError = [
  'login_required',
  'prompt=none, but the user must sign in: this issuer keeps no session, so a silent request always needs the login page',
];

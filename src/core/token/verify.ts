import { compactVerify, importJWK, type JWK } from 'jose';
import { formatDuration } from '../duration.js';
import { nodeCrypto } from '../node.js';
import { getAtPointer } from '../jsonpointer.js';
import { algorithmsForJwk } from '../keys/material.js';
import { DEFAULT_CLAIMS_MAPPING, type ClaimsMapping } from './claims.js';
import { printable } from '../terminal.js';
import { decodeToken, isNumericDate, normalizeToken, type DecodedToken } from './decode.js';
import { encodingProblems, headerProblems } from './strict.js';
import type { VerificationKeys } from './keysource.js';

export type CheckName =
  | 'encoding'
  | 'header'
  | 'algorithm'
  | 'signature'
  | 'issuer'
  | 'audience'
  | 'expiry'
  | 'not-before'
  | 'scope'
  | 'role'
  | 'tenant';

export interface VerifyCheck {
  check: CheckName;
  status: 'pass' | 'fail' | 'skip';
  /** Stable code for failures, e.g. ERR_JWT_EXPIRED. */
  code?: string;
  message: string;
}

export interface VerifyTokenOptions {
  token: string;
  keys: VerificationKeys;
  /** Allowed algorithms; default: what the available keys can verify. */
  algorithms?: string[];
  issuer?: string;
  audience?: string[];
  leewaySeconds?: number;
  requireScopes?: string[];
  requireRoles?: string[];
  tenant?: string;
  mapping?: Partial<ClaimsMapping>;
  clock?: () => number;
}

export interface VerifyTokenResult {
  valid: boolean;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  checks: VerifyCheck[];
  /** kid of the key that verified the signature. */
  verifiedWith?: string;
  /** False when no audience was expected, so `aud` was not checked at all. */
  audienceChecked: boolean;
}

/** Verifies a JWT and reports every failed check at once, each explained in words. */
export async function verifyToken(options: VerifyTokenOptions): Promise<VerifyTokenResult> {
  const now = (options.clock ?? Date.now)() / 1000;
  const decoded = decodeToken(options.token, now * 1000);
  const mapping = { ...DEFAULT_CLAIMS_MAPPING, ...options.mapping };
  const leeway = options.leewaySeconds ?? 0;
  const checks: VerifyCheck[] = [];
  const pass = (check: CheckName, message: string) =>
    checks.push({ check, status: 'pass', message });
  const fail = (check: CheckName, code: string, message: string) =>
    checks.push({ check, status: 'fail', code, message });
  const { header, claims } = decoded;
  const alg = headerText(header.alg);

  // Reported only when they fail: a well-formed token's report stays as it was.
  const encoding = encodingProblems(normalizeToken(options.token));
  if (encoding.length) fail('encoding', 'ERR_JWS_NOT_CANONICAL', encoding.join('; '));
  const headerIssues = headerProblems(header);
  if (headerIssues.length) fail('header', 'ERR_JWS_CRIT', headerIssues.join('; '));

  const allowed = options.algorithms ?? defaultAlgorithms(options.keys);
  const algAllowed = alg.toLowerCase() !== 'none' && allowed.includes(alg);
  if (alg.toLowerCase() === 'none')
    fail('algorithm', 'ERR_ALG_NONE', `unsigned token (alg "${alg}"): alg none is never accepted`);
  else if (!algAllowed)
    fail('algorithm', 'ERR_ALG_NOT_ALLOWED', algorithmRefusal(alg, allowed, options));
  else pass('algorithm', `algorithm ${alg} is allowed`);

  let verifiedWith: string | undefined;
  if (algAllowed) {
    const outcome = await checkSignature(normalizeToken(options.token), decoded, options.keys);
    verifiedWith = outcome.kid;
    if (outcome.ok)
      pass(
        'signature',
        `signature verifies with ${outcome.kid ? `key ${outcome.kid}` : /^HS/.test(alg) ? 'the secret' : 'the key'} from ${options.keys.source}`,
      );
    else fail('signature', outcome.code, outcome.message);
  } else {
    checks.push({
      check: 'signature',
      status: 'skip',
      message: 'not checked: the algorithm is not allowed',
    });
  }

  const expectedIssuer = options.issuer ?? options.keys.discoveredIssuer;
  if (expectedIssuer !== undefined) {
    if (claims.iss === expectedIssuer) pass('issuer', `issuer is ${expectedIssuer}`);
    else if (
      typeof claims.iss === 'string' &&
      claims.iss.replace(/\/+$/, '') === expectedIssuer.replace(/\/+$/, '')
    ) {
      fail(
        'issuer',
        'ERR_JWT_ISSUER',
        `issuer mismatch in the trailing slash only: expected "${expectedIssuer}", token has "${claims.iss}" (issuers are compared byte for byte)`,
      );
    } else
      fail(
        'issuer',
        'ERR_JWT_ISSUER',
        `issuer mismatch: expected ${expectedIssuer}, token has ${claims.iss === undefined ? 'no iss claim' : JSON.stringify(claims.iss)}`,
      );
  }

  if (options.audience?.length) {
    const tokenAud = Array.isArray(claims.aud)
      ? claims.aud
      : claims.aud === undefined
        ? []
        : [claims.aud];
    if (options.audience.some((aud) => tokenAud.includes(aud)))
      pass('audience', `audience includes ${options.audience.join(' or ')}`);
    else
      fail(
        'audience',
        'ERR_JWT_AUDIENCE',
        `audience mismatch: expected ${options.audience.join(' or ')}, token has ${tokenAud.length ? tokenAud.map(claimText).join(', ') : 'no aud claim'}`,
      );
  } else {
    // Said out loud: a "valid" that never looked at aud would pass a token minted for another API.
    const tokenAud =
      claims.aud === undefined ? 'no aud claim' : `aud ${JSON.stringify(claims.aud)}`;
    checks.push({
      check: 'audience',
      status: 'skip',
      message: `audience not checked: no expected audience given (pass --aud; the token has ${tokenAud})`,
    });
  }

  if (claims.exp === undefined)
    fail('expiry', 'ERR_JWT_NO_EXP', 'the token has no exp claim: it never expires');
  else if (!isNumericDate(claims.exp))
    fail(
      'expiry',
      'ERR_JWT_CLAIM_INVALID',
      `exp ${JSON.stringify(claims.exp)} is not a NumericDate (seconds since 1970 within the range of a date)`,
    );
  else if (claims.exp + leeway <= now)
    fail(
      'expiry',
      'ERR_JWT_EXPIRED',
      `expired ${formatSeconds(now - claims.exp)} ago (leeway ${leeway} s)`,
    );
  else pass('expiry', `expires in ${formatDuration(claims.exp - now)}`);

  if (claims.nbf !== undefined) {
    if (!isNumericDate(claims.nbf))
      fail(
        'not-before',
        'ERR_JWT_CLAIM_INVALID',
        `nbf ${JSON.stringify(claims.nbf)} is not a NumericDate (seconds since 1970 within the range of a date)`,
      );
    else if (claims.nbf - leeway > now)
      fail(
        'not-before',
        'ERR_JWT_NOT_YET_VALID',
        `not valid yet: nbf is ${formatSeconds(claims.nbf - now)} from now (leeway ${leeway} s)`,
      );
    else pass('not-before', 'nbf is in the past');
  }

  if (options.requireScopes?.length) {
    const granted = readScopes(claims, mapping);
    const missing = options.requireScopes.filter((scope) => !granted.includes(scope));
    if (missing.length)
      fail(
        'scope',
        'ERR_JWT_SCOPE',
        `missing scope ${missing.join(', ')} (token has ${granted.length ? granted.join(' ') : 'no scopes'} in "${mapping.scopeClaim}")`,
      );
    else pass('scope', `has scopes ${options.requireScopes.join(' ')}`);
  }

  if (options.requireRoles?.length) {
    const value = getAtPointer(claims, mapping.rolesClaim);
    const roles = Array.isArray(value)
      ? value.map(claimText)
      : typeof value === 'string'
        ? value.split(/[\s,]+/)
        : [];
    const missing = options.requireRoles.filter((role) => !roles.includes(role));
    if (missing.length)
      fail(
        'role',
        'ERR_JWT_ROLE',
        `missing role ${missing.join(', ')} at ${mapping.rolesClaim} (token has ${roles.length ? roles.join(', ') : 'none'})`,
      );
    else pass('role', `has roles ${options.requireRoles.join(', ')}`);
  }

  if (options.tenant !== undefined) {
    const value = getAtPointer(claims, mapping.tenantClaim);
    if (value === undefined)
      fail('tenant', 'ERR_JWT_TENANT_MISSING', `no tenant claim at ${mapping.tenantClaim}`);
    else if (claimText(value) !== options.tenant)
      fail(
        'tenant',
        'ERR_JWT_TENANT',
        `tenant mismatch: expected ${options.tenant}, token has ${claimText(value)} at ${mapping.tenantClaim}`,
      );
    else pass('tenant', `tenant is ${options.tenant}`);
  }

  // Messages quote the token's own strings: no control character reaches a terminal.
  for (const check of checks) check.message = printable(check.message);
  return {
    valid: checks.every((c) => c.status !== 'fail'),
    header,
    claims,
    checks,
    verifiedWith,
    audienceChecked: Boolean(options.audience?.length),
  };
}

/** A header value as text: strings as they are, anything else as JSON (never String(), which runs a `toString` member). */
export function headerText(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
}

/** A claim value for a message or comparison: strings as they are, other JSON values as JSON. */
function claimText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined');
}

/** Why an algorithm is refused, with the likely cause when it is a known pattern. */
function algorithmRefusal(alg: string, allowed: string[], options: VerifyTokenOptions): string {
  if (!options.algorithms && options.keys.jwks.length === 0 && options.keys.secrets.length === 0) {
    return `algorithm ${alg || '(missing)'} cannot be checked: ${options.keys.source} has no keys — wrong --home, or verify with --jwks, --discover or --secret`;
  }
  const base = `algorithm ${alg || '(missing)'} is not allowed (allowed: ${allowed.join(', ') || 'none'})`;
  if (/^HS/.test(alg) && allowed.length && allowed.every((a) => !/^HS/.test(a))) {
    return `${base}; an HMAC token checked against public keys is the algorithm-confusion forgery — or the service really uses a shared secret (then verify with --secret)`;
  }
  return base;
}

function formatSeconds(seconds: number): string {
  return seconds < 120 ? `${Math.round(seconds)} s` : formatDuration(seconds);
}

function readScopes(claims: Record<string, unknown>, mapping: ClaimsMapping): string[] {
  for (const name of [mapping.scopeClaim, 'scope', 'scp']) {
    const value = claims[name];
    if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
    if (Array.isArray(value)) return value.map(claimText);
  }
  return [];
}

function defaultAlgorithms(keys: VerificationKeys): string[] {
  const algs = new Set<string>();
  for (const jwk of keys.jwks) for (const alg of algorithmsForJwk(jwk)) algs.add(alg);
  if (keys.secrets.length) ['HS256', 'HS384', 'HS512'].forEach((alg) => algs.add(alg));
  return [...algs];
}

interface SignatureOutcome {
  ok: boolean;
  kid?: string;
  code: string;
  message: string;
}

async function checkSignature(
  token: string,
  decoded: DecodedToken,
  keys: VerificationKeys,
): Promise<SignatureOutcome> {
  const alg = headerText(decoded.header.alg);
  const kid = typeof decoded.header.kid === 'string' ? decoded.header.kid : undefined;
  const notes: string[] = [];
  if (decoded.header.jwk)
    notes.push(
      'the token carries its own key in a "jwk" header, which a verifier must never trust',
    );
  for (const name of ['jku', 'x5u'] as const) {
    if (decoded.header[name])
      notes.push(
        `the token points at keys under "${name}" (${headerText(decoded.header[name])}), which a verifier must never fetch`,
      );
  }
  if (kid && /\.\.|\/|['";]|--/.test(kid))
    notes.push(
      `its kid ${JSON.stringify(kid)} looks like a path or SQL (kid injection): a kid is an identifier, never a path or query`,
    );
  if (/^HS/.test(alg) && kid && keys.jwks.some((jwk) => jwk.kid === kid))
    notes.push(
      `its kid ${kid} names a public key: an HMAC keyed with a public key is the algorithm-confusion forgery`,
    );
  const suffix = notes.length ? `; ${notes.join('; ')}` : '';
  if (!decoded.signature)
    return {
      ok: false,
      code: 'ERR_JWS_SIGNATURE_MISSING',
      message: `the signature is empty (header.payload. form)${suffix}`,
    };

  const isHmacAlg = /^HS/.test(alg);
  if (isHmacAlg) {
    const candidates = keys.secrets.filter((s) => !kid || !s.kid || s.kid === kid);
    const usable = candidates.length ? candidates : keys.secrets;
    for (const { kid: secretKid, secret } of usable) {
      if (secret.length === 0) continue;
      if (await tryVerify(token, secret, alg))
        return { ok: true, kid: secretKid, code: '', message: '' };
    }
    if (signedWithEmptyKey(token, alg))
      return {
        ok: false,
        code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
        message: `the ${alg} signature was made with an EMPTY key: a forgery, never valid${suffix}`,
      };
    if (!keys.secrets.length)
      return {
        ok: false,
        code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
        message: `no secret to check an ${alg} signature with in ${keys.source} — pass --secret, --secret-env or --secret-file${suffix}`,
      };
    return {
      ok: false,
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
      message: `${alg} signature does not verify with the secret from ${keys.source} — does the secret (and its encoding) match the issuer's?${suffix}`,
    };
  }

  const compatible = keys.jwks.filter((jwk) => algorithmsForJwk(jwk).includes(alg));
  // Keys without a kid (from a PEM file) are candidates for any token: nothing names them.
  const byKid = kid
    ? compatible.filter((jwk) => jwk.kid === kid || jwk.kid === undefined)
    : compatible;
  const sameKid = kid ? keys.jwks.find((jwk) => jwk.kid === kid) : undefined;
  if (sameKid && byKid.length === 0) {
    return {
      ok: false,
      code: 'ERR_JWKS_NO_MATCHING_KEY',
      message: `key ${kid} in ${keys.source} is for ${algorithmsForJwk(sameKid).join('/') || headerText(sameKid.kty)}, but the token says ${alg} — the header was altered, or the issuer signs with another algorithm${suffix}`,
    };
  }
  if (/^ES/.test(alg) && /^A*$/.test(decoded.signature)) {
    return {
      ok: false,
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
      message: `the signature is all zeros (r = s = 0): the "psychic signature" forgery, CVE-2022-21449${suffix}`,
    };
  }
  if (kid && byKid.length === 0) {
    return {
      ok: false,
      code: 'ERR_JWKS_NO_MATCHING_KEY',
      message: `signature does not verify with any key in ${keys.source}; the token's kid ${kid} is not published — was the issuer's key rotated, or is this another issuer's token?${suffix}`,
    };
  }
  for (const jwk of byKid) {
    const key = await importJWK(jwk as JWK, alg).catch(() => undefined);
    if (key && (await tryVerify(token, key as CryptoKey, alg)))
      return { ok: true, kid: jwk.kid, code: '', message: '' };
  }
  if (byKid.length === 0)
    return {
      ok: false,
      code: 'ERR_JWKS_NO_MATCHING_KEY',
      message: `no ${alg} key in ${keys.source}${suffix}`,
    };
  return {
    ok: false,
    code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    message: `signature does not verify with ${kid && byKid.every((jwk) => jwk.kid === kid) ? `key ${kid}` : `any of ${byKid.length} ${alg} key${byKid.length === 1 ? '' : 's'}`}: the token was altered or signed by another key${suffix}`,
  };
}

function signedWithEmptyKey(token: string, alg: string): boolean {
  const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[alg];
  const end = token.lastIndexOf('.');
  return (
    hash !== undefined &&
    nodeCrypto
      .createHmac(hash, new Uint8Array(0))
      .update(token.slice(0, end))
      .digest('base64url') === token.slice(end + 1)
  );
}

async function tryVerify(
  token: string,
  key: CryptoKey | Uint8Array,
  alg: string,
): Promise<boolean> {
  try {
    await compactVerify(token, key, { algorithms: [alg] });
    return true;
  } catch {
    return false;
  }
}

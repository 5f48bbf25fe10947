import { formatDuration } from '../duration.js';
import { getAtPointer } from '../jsonpointer.js';
import type { ClaimsMapping } from './claims.js';
import { isNumericDate } from './decode.js';
import { claimText, formatSeconds } from './verify-text.js';
import type { VerifyStage } from './verify-types.js';

/** iss, byte for byte; a trailing-slash-only difference is named as such. */
export const checkIssuer: VerifyStage = ({ options, claims }, report) => {
  const expected = options.issuer ?? options.keys.discoveredIssuer;
  if (expected === undefined) return;
  if (claims.iss === expected) return report.pass('issuer', `issuer is ${expected}`);
  if (
    typeof claims.iss === 'string' &&
    claims.iss.replace(/\/+$/, '') === expected.replace(/\/+$/, '')
  )
    return report.fail(
      'issuer',
      'ERR_JWT_ISSUER',
      `issuer mismatch in the trailing slash only: expected "${expected}", token has "${claims.iss}" (issuers are compared byte for byte)`,
    );
  report.fail(
    'issuer',
    'ERR_JWT_ISSUER',
    `issuer mismatch: expected ${expected}, token has ${claims.iss === undefined ? 'no iss claim' : JSON.stringify(claims.iss)}`,
  );
};

export const checkAudience: VerifyStage = ({ options, claims }, report) => {
  if (!options.audience?.length) {
    // Said out loud: a "valid" that never looked at aud would pass a token minted for another API.
    const tokenAud =
      claims.aud === undefined ? 'no aud claim' : `aud ${JSON.stringify(claims.aud)}`;
    return report.skip(
      'audience',
      `audience not checked: no expected audience given (pass --aud; the token has ${tokenAud})`,
    );
  }
  const tokenAud = Array.isArray(claims.aud)
    ? claims.aud
    : claims.aud === undefined
      ? []
      : [claims.aud];
  if (options.audience.some((aud) => tokenAud.includes(aud)))
    return report.pass('audience', `audience includes ${options.audience.join(' or ')}`);
  report.fail(
    'audience',
    'ERR_JWT_AUDIENCE',
    `audience mismatch: expected ${options.audience.join(' or ')}, token has ${tokenAud.length ? tokenAud.map(claimText).join(', ') : 'no aud claim'}`,
  );
};

const notNumericDate = (name: string, value: unknown) =>
  `${name} ${JSON.stringify(value)} is not a NumericDate (seconds since 1970 within the range of a date)`;

export const checkExpiry: VerifyStage = ({ claims, now, leeway }, report) => {
  if (claims.exp === undefined)
    return report.fail('expiry', 'ERR_JWT_NO_EXP', 'the token has no exp claim: it never expires');
  if (!isNumericDate(claims.exp))
    return report.fail('expiry', 'ERR_JWT_CLAIM_INVALID', notNumericDate('exp', claims.exp));
  if (claims.exp + leeway <= now)
    return report.fail(
      'expiry',
      'ERR_JWT_EXPIRED',
      `expired ${formatSeconds(now - claims.exp)} ago (leeway ${leeway} s)`,
    );
  report.pass('expiry', `expires in ${formatDuration(claims.exp - now)}`);
};

export const checkNotBefore: VerifyStage = ({ claims, now, leeway }, report) => {
  if (claims.nbf === undefined) return;
  if (!isNumericDate(claims.nbf))
    return report.fail('not-before', 'ERR_JWT_CLAIM_INVALID', notNumericDate('nbf', claims.nbf));
  if (claims.nbf - leeway > now)
    return report.fail(
      'not-before',
      'ERR_JWT_NOT_YET_VALID',
      `not valid yet: nbf is ${formatSeconds(claims.nbf - now)} from now (leeway ${leeway} s)`,
    );
  report.pass('not-before', 'nbf is in the past');
};

export const checkScopes: VerifyStage = ({ options, claims, mapping }, report) => {
  if (!options.requireScopes?.length) return;
  const granted = readScopes(claims, mapping);
  const missing = options.requireScopes.filter((scope) => !granted.includes(scope));
  if (missing.length)
    return report.fail(
      'scope',
      'ERR_JWT_SCOPE',
      `missing scope ${missing.join(', ')} (token has ${granted.length ? granted.join(' ') : 'no scopes'} in "${mapping.scopeClaim}")`,
    );
  report.pass('scope', `has scopes ${options.requireScopes.join(' ')}`);
};

export const checkRoles: VerifyStage = ({ options, claims, mapping }, report) => {
  if (!options.requireRoles?.length) return;
  const value = getAtPointer(claims, mapping.rolesClaim);
  const roles = Array.isArray(value)
    ? value.map(claimText)
    : typeof value === 'string'
      ? value.split(/[\s,]+/)
      : [];
  const missing = options.requireRoles.filter((role) => !roles.includes(role));
  if (missing.length)
    return report.fail(
      'role',
      'ERR_JWT_ROLE',
      `missing role ${missing.join(', ')} at ${mapping.rolesClaim} (token has ${roles.length ? roles.join(', ') : 'none'})`,
    );
  report.pass('role', `has roles ${options.requireRoles.join(', ')}`);
};

export const checkTenant: VerifyStage = ({ options, claims, mapping }, report) => {
  if (options.tenant === undefined) return;
  const value = getAtPointer(claims, mapping.tenantClaim);
  if (value === undefined)
    return report.fail(
      'tenant',
      'ERR_JWT_TENANT_MISSING',
      `no tenant claim at ${mapping.tenantClaim}`,
    );
  if (claimText(value) !== options.tenant)
    return report.fail(
      'tenant',
      'ERR_JWT_TENANT',
      `tenant mismatch: expected ${options.tenant}, token has ${claimText(value)} at ${mapping.tenantClaim}`,
    );
  report.pass('tenant', `tenant is ${options.tenant}`);
};

function readScopes(claims: Record<string, unknown>, mapping: ClaimsMapping): string[] {
  for (const name of [mapping.scopeClaim, 'scope', 'scp']) {
    const value = claims[name];
    if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
    if (Array.isArray(value)) return value.map(claimText);
  }
  return [];
}

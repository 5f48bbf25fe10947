import type { Meaning } from './schema.js';

export const JOSE_ALGORITHMS = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'ES256K',
  'EdDSA',
  'Ed25519',
];

/** Which built-in rules each meaning can report (`--explain`, docs). */
export const MEANING_RULES: Record<Meaning, string[]> = {
  issuer: [
    'auth/invalid-url',
    'auth/insecure-issuer',
    'config/placeholder-value',
    'auth/issuer-mismatch',
  ],
  audience: ['auth/audience-empty', 'auth/audience-is-issuer', 'config/placeholder-value'],
  'jwks-uri': ['auth/invalid-url', 'auth/insecure-issuer'],
  algorithms: ['auth/algorithm-not-allowed', 'auth/no-algorithms'],
  'hmac-secret': [
    'auth/placeholder-secret',
    'auth/weak-hmac-secret',
    'auth/invalid-secret-length',
    'config/invalid-format',
  ],
  secret: ['auth/placeholder-secret', 'auth/invalid-secret-length', 'auth/weak-password'],
  'admin-password': ['auth/placeholder-secret', 'auth/weak-password'],
  'tenant-claim': ['auth/tenant-claim-not-pointer', 'auth/claim-path-invalid'],
  'roles-claim': ['auth/claim-path-invalid'],
  scopes: ['config/placeholder-value'],
  leeway: ['auth/leeway-too-large', 'config/invalid-duration'],
  'dev-auth-flag': ['auth/dev-headers-enabled'],
  'auth-enabled-flag': ['auth/disabled'],
  'insecure-flag': ['auth/security-check-disabled'],
  'secure-flag': ['auth/security-check-disabled'],
  'header-name': ['auth/invalid-header-name'],
  'cors-origins': ['auth/cors-wildcard'],
  'docs-exposed': ['auth/public-docs'],
  'allowed-users': ['auth/everyone-allowed'],
  'anonymous-role': ['auth/anonymous-access'],
  'jwks-cache': ['auth/jwks-cache-out-of-range'],
};

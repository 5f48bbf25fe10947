import type { Defect } from './types.js';

export const expired: Defect = {
  info: {
    token: 'exp in the past by --skew (default 10m); otherwise valid',
    verifier: 'reject: exp is before now minus its leeway',
  },
  outcome: 'unauthenticated',
  needsTrustedKey: true,
  fix: 'Check exp with a small leeway (≤ 60 s); never disable expiry checks (jose: leave clockTolerance small; PyJWT: verify_exp).',
  build: {
    sets: 'the time claims (exp/nbf)',
    claims(claims, { now, ttl, skew }) {
      claims.exp = now - skew;
      claims.iat = (claims.exp as number) - ttl;
      if (claims.nbf !== undefined) claims.nbf = claims.iat;
    },
  },
};

import type { Defect } from './types.js';

export const notYetValid: Defect = {
  info: {
    token: 'nbf in the future by --skew (default 10m)',
    verifier: 'reject: nbf is after now plus its leeway',
  },
  outcome: 'unauthenticated',
  needsTrustedKey: true,
  fix: 'Check nbf with the same small leeway as exp.',
  build: {
    sets: 'the time claims (exp/nbf)',
    claims(claims, { now, ttl, skew }) {
      claims.nbf = now + skew;
      claims.exp = now + skew + ttl;
    },
  },
};

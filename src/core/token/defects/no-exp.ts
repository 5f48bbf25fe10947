import type { Defect } from './types.js';

export const noExp: Defect = {
  info: { token: 'no exp claim (never expires)', verifier: 'reject: tokens must expire' },
  outcome: 'unauthenticated',
  needsTrustedKey: true,
  fix: 'Require exp (jose: requiredClaims: ["exp"]); tokens must expire.',
  build: {
    sets: 'the time claims (exp/nbf)',
    claims(claims) {
      delete claims.exp;
    },
  },
};

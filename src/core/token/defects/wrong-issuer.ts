import type { Defect } from './types.js';

export const wrongIssuer: Defect = {
  info: {
    token: 'iss is https://wrong-issuer.authctl.invalid',
    verifier: 'reject: iss must equal the configured issuer exactly',
  },
  outcome: 'unauthenticated',
  needsTrustedKey: true,
  fix: 'Require iss to equal the configured issuer exactly (jose jwtVerify({ issuer })).',
  build: {
    sets: 'iss',
    claims(claims) {
      claims.iss = 'https://wrong-issuer.authctl.invalid';
    },
  },
};

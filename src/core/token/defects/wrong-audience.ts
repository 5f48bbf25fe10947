import type { Defect } from './types.js';

export const wrongAudience: Defect = {
  info: {
    token: 'aud is api://wrong-audience.authctl.invalid',
    verifier: 'reject: aud must contain the service audience',
  },
  outcome: 'unauthenticated',
  needsTrustedKey: true,
  fix: "Require aud to contain this service's audience (jose jwtVerify({ audience })).",
  build: {
    sets: 'aud',
    claims(claims) {
      claims.aud = 'api://wrong-audience.authctl.invalid';
    },
  },
};

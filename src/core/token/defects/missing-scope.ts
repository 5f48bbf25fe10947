import type { Defect } from './types.js';

export const missingScope: Defect = {
  info: {
    token: 'no scope claim at all',
    verifier: 'forbid scoped operations (403 insufficient_scope)',
  },
  outcome: 'forbidden',
  needsTrustedKey: true,
  fix: 'Check the scope the operation needs and answer 403 with WWW-Authenticate: Bearer error="insufficient_scope".',
  probeCheck: 'scope:missing',
  build: {
    sets: 'the scope claim',
    claims(claims, { mapping }) {
      delete claims[mapping.scopeClaim];
    },
  },
};

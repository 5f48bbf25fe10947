import type { Defect } from './types.js';

export const unknownKid: Defect = {
  info: {
    token: 'signed by a key whose kid is not in the JWKS',
    verifier: 'reject (after at most one JWKS refresh): no published key matches',
  },
  outcome: 'unauthenticated',
  needsTrustedKey: false,
  fix: 'Only accept keys from the configured JWKS; an unknown kid must fail after at most one JWKS refresh.',
  build: {
    async forge({ claims, alg, attackerKey, kit }) {
      const attacker = attackerKey ?? (await kit.generateAttackerKey(alg));
      const header = { alg: attacker.alg, typ: 'JWT', kid: kit.randomKid() };
      return { token: await kit.signCompact(header, claims, attacker.privateKey), header };
    },
  },
};

import type { CompactJWSHeaderParameters } from 'jose';
import type { Defect } from './types.js';

export const embeddedJwk: Defect = {
  info: {
    token: 'signed by an attacker key carried in the jwk header',
    verifier: 'reject: never trust a key from the token itself',
  },
  outcome: 'unauthenticated',
  needsTrustedKey: false,
  fix: "Never verify with a key carried in the token's jwk header; use the configured JWKS only.",
  build: {
    async forge({ claims, alg, attackerKey, kit }) {
      const attacker = attackerKey ?? (await kit.generateAttackerKey(alg));
      const { kid, ...jwk } = attacker.publicJwk;
      const header = {
        alg: attacker.alg,
        typ: 'JWT',
        kid,
        jwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, n: jwk.n, e: jwk.e },
      };
      const signed = header as CompactJWSHeaderParameters;
      return { token: await kit.signCompact(signed, claims, attacker.privateKey), header };
    },
  },
};

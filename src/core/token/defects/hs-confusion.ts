import type { Defect } from './types.js';

export const hsConfusion: Defect = {
  info: {
    token: 'HS256, HMAC keyed with the issuer’s public key (PEM)',
    verifier: 'reject: HS256 is not in the algorithm allow-list for an asymmetric key',
  },
  outcome: 'unauthenticated',
  needsTrustedKey: true,
  fix: 'Pin the algorithm allow-list to the issuer\'s asymmetric algorithms (e.g. algorithms: ["RS256"]); never let the token\'s alg pick HMAC with a public key.',
  build: {
    async forge({ claims, publicJwk, kid, keystore, kit }) {
      // The attack needs the issuer's public key: use this alg's key, or the RS256 key for HS requests.
      const target = publicJwk
        ? { jwk: publicJwk, kid }
        : await keystore
            .signingKey('RS256')
            .then((k) => ({ jwk: k.record.publicJwk!, kid: k.record.kid }));
      const header = { alg: 'HS256', typ: 'JWT', kid: target.kid };
      return { token: kit.signHs256Raw(header, claims, kit.publicPem(target.jwk)), header };
    },
  },
};

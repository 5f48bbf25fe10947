import type { Defect } from './types.js';

export const nullSignature: Defect = {
  info: {
    token: 'header.payload. (signature stripped)',
    verifier: 'reject: an empty signature never verifies',
  },
  outcome: 'unauthenticated',
  needsTrustedKey: false,
  fix: 'Reject tokens whose signature is empty.',
  build: {
    async forge({ sign }) {
      const token = await sign();
      return { token: `${token.slice(0, token.lastIndexOf('.'))}.` };
    },
  },
};

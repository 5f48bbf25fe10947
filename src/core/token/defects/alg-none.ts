import type { Defect } from './types.js';

export const algNone: Defect = {
  info: {
    token: 'alg "none", empty signature',
    verifier: 'reject: unsigned tokens are never accepted',
  },
  outcome: 'unauthenticated',
  needsTrustedKey: false,
  fix: 'Never accept alg "none": pass an explicit algorithm allow-list to the verifier.',
  build: {
    forge({ claims, kit }) {
      const header = { alg: 'none', typ: 'JWT' };
      return { token: kit.unsigned(header, claims), header };
    },
  },
};

import type { Defect } from './types.js';

export const blankSecret: Defect = {
  info: {
    token: 'HS256 signed with an empty key',
    verifier: 'reject: HS256 not allowed, and empty keys are never valid',
  },
  outcome: 'unauthenticated',
  needsTrustedKey: false,
  fix: 'Reject HS256 when the service uses asymmetric keys, and never verify with an empty secret.',
  build: {
    forge({ claims, kit }) {
      const header = { alg: 'HS256', typ: 'JWT' };
      return { token: kit.signHs256Raw(header, claims, new Uint8Array(0)), header };
    },
  },
};

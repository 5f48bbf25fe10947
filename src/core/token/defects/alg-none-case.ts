import type { Defect } from './types.js';

export const algNoneCase: Defect = {
  info: {
    token: 'alg "None"/"NONE"/"nOnE", empty signature',
    verifier: 'reject: alg comparison must be exact and none never allowed',
    variants: ['None', 'NONE', 'nOnE'],
  },
  outcome: 'unauthenticated',
  needsTrustedKey: false,
  fix: 'Compare alg exactly and never accept any spelling of "none".',
  build: {
    forge({ claims, variant, kit }) {
      const header = { alg: variant ?? 'None', typ: 'JWT' };
      return { token: kit.unsigned(header, claims), header };
    },
  },
};

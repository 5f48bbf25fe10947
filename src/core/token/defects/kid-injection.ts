import type { Defect } from './types.js';

export const kidInjection: Defect = {
  info: {
    token: 'kid "../../../../dev/null" (or a SQL fragment with :sql), HS256 with the empty key',
    verifier: 'reject: kid is an identifier, never a path or query',
    variants: ['path', 'sql'],
  },
  outcome: 'unauthenticated',
  needsTrustedKey: false,
  fix: 'Treat kid as an opaque identifier looked up in the JWKS, never as a file path or SQL.',
  build: {
    forge({ claims, variant, kit }) {
      const header = {
        alg: 'HS256',
        typ: 'JWT',
        kid: variant === 'sql' ? "x' UNION SELECT '' -- " : '../../../../../../../dev/null',
      };
      return { token: kit.signHs256Raw(header, claims, new Uint8Array(0)), header };
    },
  },
};

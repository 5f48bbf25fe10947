import { deleteAtPointer } from '../../jsonpointer.js';
import type { Defect } from './types.js';

export const missingTenant: Defect = {
  info: {
    token: 'no tenant claim at the configured pointer',
    verifier: 'reject: a token without a tenant cannot be scoped',
  },
  outcome: 'either',
  needsTrustedKey: true,
  fix: 'Refuse tokens without the tenant claim (recsys AUTH_TENANT_CLAIMS / DataPress tenant_claim): a token that names no tenant cannot be scoped.',
  probeCheck: 'tenant:missing-claim',
  build: {
    sets: 'the tenant claim',
    claims(claims, { mapping }) {
      deleteAtPointer(claims, mapping.tenantClaim);
    },
  },
};

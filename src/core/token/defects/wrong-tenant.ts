import { getAtPointer, setAtPointer } from '../../jsonpointer.js';
import type { Defect } from './types.js';

export const wrongTenant: Defect = {
  info: {
    token: 'tenant claim names another tenant (KIND:TENANT to choose it)',
    verifier: 'forbid access to this tenant’s resources',
  },
  outcome: 'forbidden',
  needsTrustedKey: true,
  fix: 'Compare the tenant claim with the tenant of the resource and refuse a mismatch with 403 (or 404 if you hide resources).',
  probeCheck: 'tenant:other',
  build: {
    sets: 'the tenant claim',
    claims(claims, { mapping, variant }) {
      const current = getAtPointer(claims, mapping.tenantClaim);
      setAtPointer(
        claims,
        mapping.tenantClaim,
        variant ?? (current ? `${String(current)}-other` : 'authctl-other-tenant'),
      );
    },
  },
};

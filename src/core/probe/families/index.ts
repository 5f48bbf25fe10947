import { scopeFamily, roleFamily } from './authorization.js';
import { baselineFamily } from './baseline.js';
import type { CaseFamily } from './builder.js';
import { controlsFamily } from './controls.js';
import { apikeyFamily, presignedFamily, revokedFamily, sigv4Family } from './credentials.js';
import { denyFamily, variantsFamily } from './deny.js';
import { jwtDefectsFamily, weakSecretFamily } from './jwt.js';
import { tenantFamily, tenantStatusFamily } from './tenant.js';

/**
 * Every case family, in the order their cases are built and reported. A new family is one file
 * exporting a CaseFamily plus one entry here (variants last: they vary the cases before them).
 */
export const CASE_FAMILIES: readonly CaseFamily[] = [
  controlsFamily,
  baselineFamily,
  jwtDefectsFamily,
  weakSecretFamily,
  tenantFamily,
  tenantStatusFamily,
  scopeFamily,
  roleFamily,
  revokedFamily,
  apikeyFamily,
  sigv4Family,
  presignedFamily,
  denyFamily,
  variantsFamily,
];

export { EndpointCases, ProtectedCases, type CaseFamily } from './builder.js';
export { FORGERIES, CLAIM_DEFECTS } from './jwt.js';
export { withCredential } from './request.js';

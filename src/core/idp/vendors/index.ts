import { auth0 } from './auth0.js';
import { cognito } from './cognito.js';
import { authctl } from './default.js';
import { entra } from './entra.js';
import { keycloak } from './keycloak.js';
import { okta } from './okta.js';
import type { VendorSpec } from './types.js';
import type { IdpVendor } from '../constants.js';

export type { EndpointName, VendorPath, VendorSpec } from './types.js';
export { ENDPOINT_NAMES } from './types.js';

/**
 * The vendors the mock issuer imitates, one file each. The compiler checks this map against
 * IDP_VENDORS (src/core/idp/constants.ts): adding a vendor is its file, its name there and its line here.
 */
export const VENDORS: Readonly<Record<IdpVendor, VendorSpec>> = Object.freeze({
  default: authctl,
  entra,
  auth0,
  keycloak,
  okta,
  cognito,
});

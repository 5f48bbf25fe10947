import type { IdpVendor } from '../constants.js';
import { VENDORS } from './index.js';
import type { VendorPath } from './types.js';

const pathOf = (where: VendorPath) => (typeof where === 'string' ? where : where.host);

function endsWithPath(url: unknown, where: VendorPath): boolean {
  if (typeof url !== 'string') return false;
  try {
    return new URL(url).pathname.endsWith(pathOf(where));
  } catch {
    return false;
  }
}

export interface DetectedVendor {
  vendor: IdpVendor;
  /** Why the issuer does not have the vendor's format, when it does not. */
  issuerProblem?: string;
}

/**
 * Which vendor's layout a discovery document has, from its JWKS and token paths (the registry's
 * data, so a real Keycloak or Entra tenant is recognised as well as the mock), and whether its
 * issuer has that vendor's format (Auth0's trailing slash, Entra's /v2.0).
 */
export function detectVendor(doc: {
  issuer: string;
  jwks_uri?: unknown;
  token_endpoint?: unknown;
}): DetectedVendor | undefined {
  const found = (Object.keys(VENDORS) as IdpVendor[]).find((name) => {
    const { endpoints } = VENDORS[name];
    return (
      endsWithPath(doc.jwks_uri, endpoints.jwks) &&
      endsWithPath(doc.token_endpoint, endpoints.token)
    );
  });
  if (!found) return undefined;
  const suffix = VENDORS[found].issuerSuffix;
  if (suffix && !doc.issuer.endsWith(suffix))
    return {
      vendor: found,
      issuerProblem: `a ${found} issuer ends with "${suffix}", but discovery says "${doc.issuer}"`,
    };
  return { vendor: found };
}

import { mask } from '../mask.js';

// Apart from report.ts so url.ts (which report's types reach) masks its errors without a cycle.

/**
 * Masks every session token value in canonical-request text: the `x-amz-security-token:` header
 * line and the `X-Amz-Security-Token=` query parameter, whoever's token it is (a service's error
 * body may show one the caller never had).
 */
export function maskSecurityTokens(text: string): string {
  return text
    .replace(
      /^(x-amz-security-token:)(.+)$/gim,
      (_, name: string, value: string) => `${name}${mask(value)}`,
    )
    .replace(
      /(X-Amz-Security-Token=)([^&\s]+)/gi,
      (_, name: string, value: string) => `${name}${mask(value)}`,
    );
}
